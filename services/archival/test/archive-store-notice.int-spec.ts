import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type EdocConfig } from '@edoc/config';
import { createArchiveStore } from '@edoc/storage';
import { startS3Server, type TestS3Server } from '@edoc/testing';
import { ArchiveStoreNoticeService } from '../src/services/archive-store-notice.service';

describe('what the archival service says at start about the archive', () => {
  let s3: TestS3Server;
  let dataDir: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    dataDir = mkdtempSync(join(tmpdir(), 'edoc-archive-notice-'));
  });
  afterAll(async () => {
    await s3?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says plainly that an S3 server without Object Lock does not enforce retention', async () => {
    const url = new URL(s3.endpoint.includes('://') ? s3.endpoint : `http://${s3.endpoint}`);
    const config: EdocConfig = { ...loadConfig(), dataDir, s3: { endpoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1' } };
    const notice = new ArchiveStoreNoticeService(createArchiveStore(config), config);
    expect(await notice.describe()).toContain('does not support Object Lock');
    expect(await notice.describe()).toContain('does NOT enforce retention');
  });

  it('describes the filesystem backend as read-only files', async () => {
    const config: EdocConfig = { ...loadConfig(), dataDir, s3: undefined };
    expect(await new ArchiveStoreNoticeService(createArchiveStore(config), config).describe()).toContain('files are made read-only and never overwritten');
  });
});
