import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { loadConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '@edoc/testing';
import { SecondFactorsRepository } from '../src/repositories/second-factors.repository';
import { SecretBox } from '../src/repositories/secret-box';
import { SecondFactorService } from '../src/services/second-factor.service';

const DISTRICT = '000.00.13.H26';
const signer: Principal = { userId: 'u1', username: 'hbt.signer', orgCode: DISTRICT, roles: ['signer'], displayName: 'Ngô Thanh Thảo' };
const admin: Principal = { userId: 'u2', username: 'admin', orgCode: DISTRICT, roles: ['admin'], displayName: 'admin' };
const otherUnitAdmin: Principal = { userId: 'u3', username: 'bachdang.admin', orgCode: '000.31.13.H26', roles: ['unit-admin'], displayName: 'x' };

/** The code an authenticator shows `stepsAhead` periods from now. */
const codeFor = (secret: string, stepsAhead = 0) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });
const statusOf = async (run: Promise<unknown>) => run.then(() => 200, (error: { getStatus?: () => number; message: string }) => `${error.getStatus?.() ?? 500} ${error.message}`);

describe('the second factor of remote signing (real PostgreSQL)', () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  let dir: string;
  let service: SecondFactorService;

  beforeAll(async () => {
    testDb = await createMigratedTestDatabase({ schema: 'signing', migrations: join(__dirname, '..', 'migrations'), applicationName: 'second-factor-test' });
    db = testDb.db;
    dir = mkdtempSync(join(tmpdir(), 'edoc-second-factor-'));
    service = new SecondFactorService(db, new SecondFactorsRepository(db), new SecretBox({ ...loadConfig(), dataDir: dir }));
  });

  afterAll(async () => {
    await testDb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols with a sealed secret, confirms with a code, takes each code once and counts wrong ones until the fifth locks', async () => {
    const { secret, uri } = await service.enrol(signer);
    expect(uri).toBe(`otpauth://totp/edoc:hbt.signer?issuer=edoc&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
    const { rows } = await db.query<{ secret_sealed: string }>(`SELECT secret_sealed FROM signing.second_factors WHERE username = 'hbt.signer'`);
    expect(rows[0].secret_sealed).not.toContain(secret);
    expect(statSync(join(dir, 'secrets', 'signing', 'second-factor.key')).mode & 0o777).toBe(0o600);
    expect(await service.isRequiredFor('hbt.signer')).toBe(false);

    const confirming = codeFor(secret);
    await service.confirm(signer, confirming);
    expect(await service.isRequiredFor('hbt.signer')).toBe(true);
    expect(await statusOf(service.enrol(signer))).toMatch(/^409 hbt.signer already has a confirmed second factor/);
    // The code that confirmed is spent; the next period's is good once.
    expect(await statusOf(service.verify('hbt.signer', confirming))).toMatch(/^403 code already used: nothing was signed \(1 of 5/);
    expect(await statusOf(service.verify('hbt.signer', codeFor(secret, 1)))).toBe(200);
    expect(await statusOf(service.verify('hbt.signer', undefined))).toMatch(/^403 approving needs the 6-digit code/);

    for (let wrong = 1; wrong <= 4; wrong++) expect(await statusOf(service.verify('hbt.signer', '000000'))).toMatch(new RegExp(`^403 wrong code: nothing was signed \\(${wrong} of 5`));
    expect(await statusOf(service.verify('hbt.signer', '000000'))).toMatch(/^423 hbt.signer is locked out of remote signing after 5 wrong codes/);
    // Locked: even the right code is refused, and re-enrolling is no way out.
    expect(await statusOf(service.verify('hbt.signer', codeFor(secret, -1)))).toMatch(/^423 /);
    expect(await statusOf(service.enrol(signer))).toMatch(/^423 /);
  });

  it('lets an administrator of the unit reset a locked signer, and nobody of another unit', async () => {
    expect(await statusOf(service.reset(otherUnitAdmin, 'hbt.signer'))).toMatch(/^403 /);
    expect(await service.reset(admin, 'hbt.signer')).toEqual({ username: 'hbt.signer', reset: true });
    expect(await service.isRequiredFor('hbt.signer')).toBe(false);
    const { secret } = await service.enrol(signer);
    expect(await statusOf(service.confirm(signer, codeFor(secret)))).toBe(200);
  });
});
