import { isStale, STALE_AFTER_MS, uniqueName } from '../src/stale-names';

describe('stale test resource names', () => {
  const now = Date.now();
  const old = (now - STALE_AFTER_MS - 60_000).toString(36);
  const fresh = (now - 60_000).toString(36);

  it('recognises only names it generated, and only once they are old', () => {
    expect(uniqueName('edoc-test', '-', 'abcdef01')).toMatch(/^edoc-test-[0-9a-z]{8}-abcdef01$/);
    expect(isStale(`edoc-test-${old}-abcdef01`, 'edoc-test', '-', now)).toBe(true);
    expect(isStale(`edoc-test-${fresh}-abcdef01`, 'edoc-test', '-', now)).toBe(false);
    expect(isStale(`edoc_test_${old}_abcdef01`, 'edoc_test', '_', now)).toBe(true);
  });

  it('leaves alone anything that merely looks similar', () => {
    expect(isStale(`edoc-e2e-${old}-abcdef01`, 'edoc-test', '-', now)).toBe(false);
    expect(isStale(`edoc-test-extra-${old}-abcdef01`, 'edoc-test', '-', now)).toBe(false);
    expect(isStale(`edoc-test-${old}-notahex!`, 'edoc-test', '-', now)).toBe(false);
    expect(isStale('edoc', 'edoc', '-', now)).toBe(false);
    expect(isStale(`edoc-test-${old}-abcdef01`, 'edoc', '-', now)).toBe(false);
    expect(isStale('/', 'edoc-test', '-', now)).toBe(false);
  });
});
