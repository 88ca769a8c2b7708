import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webAppAsset } from '../src/web-app/web-app-files';

describe('the web app\'s files', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'edoc-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'secret.env'), 'KEY=1');
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(tmpdir(), 'edoc-outside.js'), 'outside');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves a built asset with its type', () => {
    expect(webAppAsset('assets/index-abc.js', root)).toEqual({ body: Buffer.from('console.log(1)'), contentType: 'text/javascript; charset=utf-8' });
  });

  it('serves nothing outside assets/, no unknown file type and no missing file', () => {
    for (const path of ['assets/../index.html', '../edoc-outside.js', 'assets/../../edoc-outside.js', 'index.html', 'assets/secret.env', 'assets/none.js', 'assets/%2e%2e/index.html']) {
      expect([path, webAppAsset(path, root)]).toEqual([path, undefined]);
    }
  });
});
