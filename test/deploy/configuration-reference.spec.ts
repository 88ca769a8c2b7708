import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, variablesTheCodeReads } from './code-facts';

describe('docs/configuration.md', () => {
  it('is what the code says: regenerating it changes nothing', () => {
    const check = spawnSync(process.execPath, [join(ROOT, 'scripts', 'env-reference.mjs'), '--check'], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).toMatch(/lists the \d+ variables the code reads/);
    expect(check.status).toBe(0);
  });

  it('lists every variable the services, libraries and CLI read, with a default where the code has a literal one', () => {
    const page = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const listed = new Set([...page.matchAll(/^\| `(EDOC_[A-Z0-9_<>]+)`/gm)].map((m) => m[1]));
    // Not variables: constants of the code, and the prefixes of names built from templates.
    const constants = ['EDOC_CONFIG', 'EDOC_HEADER_PREFIX', 'EDOC_SERVICES', 'EDOC_TRANSPORT'];
    const notVariables = (name: string) => constants.includes(name) || name.endsWith('_');
    expect([...variablesTheCodeReads()].filter((name) => !listed.has(name) && !notVariables(name))).toEqual([]);
    expect(page).toMatch(/^\| `EDOC_ACCESS_TOKEN_SECONDS` \| `600` \| identity \|/m);
    expect(page).toMatch(/^\| `EDOC_BROKER_PASSWORD_<OWNER>` \| — \| CLI \|/m);
    expect(page).toMatch(/^\| `EDOC_RATE_LIMIT_<BUCKET>` \|/m);
  });
});
