import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

describe('generated contracts', () => {
  it('match proto/ (regenerate with npm run proto)', () => {
    const output = execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'scripts', 'proto.mjs'), '--check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(output).toMatch(/generated contracts are fresh \(5 files\)/);
  });
});
