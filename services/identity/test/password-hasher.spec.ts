import { loadIdentitySettings } from '../src/config/identity-settings';
import { PasswordHasher } from '../src/services/password-hasher';

// The e2e exchanges hash at the lowest cost the settings accept (what they test is not argon2's
// cost); production's defaults are held here.
describe('PasswordHasher', () => {
  const saved = { memory: process.env.EDOC_ARGON2_MEMORY_KIB, iterations: process.env.EDOC_ARGON2_ITERATIONS };
  afterEach(() => {
    for (const [name, value] of [['EDOC_ARGON2_MEMORY_KIB', saved.memory], ['EDOC_ARGON2_ITERATIONS', saved.iterations]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("hashes with argon2id at OWASP's minimum by default, and verifies only the right password", async () => {
    delete process.env.EDOC_ARGON2_MEMORY_KIB;
    delete process.env.EDOC_ARGON2_ITERATIONS;
    const hasher = new PasswordHasher(loadIdentitySettings());
    const phc = await hasher.hash('ngựa-ô-chạy-qua-cầu-tre');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(hasher.verify(phc, 'ngựa-ô-chạy-qua-cầu-tre')).resolves.toBe(true);
    await expect(hasher.verify(phc, 'ngua-o-chay-qua-cau-tre')).resolves.toBe(false);
    expect(hasher.needsRehash(phc)).toBe(false);
  });

  it('wants a hash made at another cost rehashed, and still verifies it', async () => {
    process.env.EDOC_ARGON2_MEMORY_KIB = '8192';
    process.env.EDOC_ARGON2_ITERATIONS = '1';
    const cheap = await new PasswordHasher(loadIdentitySettings()).hash('ngựa-ô-chạy-qua-cầu-tre');
    expect(cheap).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    delete process.env.EDOC_ARGON2_MEMORY_KIB;
    delete process.env.EDOC_ARGON2_ITERATIONS;
    const production = new PasswordHasher(loadIdentitySettings());
    expect(production.needsRehash(cheap)).toBe(true);
    await expect(production.verify(cheap, 'ngựa-ô-chạy-qua-cầu-tre')).resolves.toBe(true);
  });

  it('refuses a cost below the floor', () => {
    process.env.EDOC_ARGON2_MEMORY_KIB = '4096';
    expect(() => loadIdentitySettings()).toThrow(/EDOC_ARGON2_MEMORY_KIB must be at least 8192/);
  });
});
