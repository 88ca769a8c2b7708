import { buildProgram, COMMAND_NAMES } from '../src/main';

describe('the command table', () => {
  it('builds, under each name, the command of that name', () => {
    const program = buildProgram();
    expect(program.commands.map((command) => command.name())).toEqual(COMMAND_NAMES);
    for (const name of COMMAND_NAMES) {
      expect(buildProgram(name).commands.map((command) => command.name())).toEqual([name]);
    }
  });

  it('builds every command for help, an option or a name it does not know', () => {
    for (const first of [undefined, '--help', 'help', 'sned', 'constructor', '__proto__', 'toString']) {
      expect(buildProgram(first).commands).toHaveLength(COMMAND_NAMES.length);
    }
  });
});
