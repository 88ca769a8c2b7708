import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Directory, DirectoryDataError, UnknownOrganisationError, isOrganisationCode, type DirectoryFile } from '@edoc/directory';

// A small directory of another province: the library must not assume Hai Bà Trưng.
function province(): DirectoryFile {
  return {
    organisations: [
      { code: '000.00.00.H41', name: 'Ủy ban nhân dân tỉnh Nghệ An', abbreviation: 'UBND', kind: 'peoples-committee', parent: null, channel: 'builtin', placeName: 'Nghệ An' },
      { code: '000.01.00.H41', name: 'Văn phòng UBND tỉnh', abbreviation: 'VP', kind: 'department', parent: '000.00.00.H41', channel: 'builtin', placeName: 'Nghệ An' },
      { code: '000.00.01.H41', name: 'Ủy ban nhân dân thành phố Vinh', abbreviation: 'UBND', kind: 'peoples-committee', parent: '000.00.00.H41', channel: 'builtin', placeName: 'Vinh' },
      { code: '000.31.01.H41', name: 'Ủy ban nhân dân phường Hưng Bình', abbreviation: 'UBND', kind: 'ward', parent: '000.00.01.H41', channel: 'queue', placeName: 'Hưng Bình' },
      { code: '000.32.01.H41', name: 'Ủy ban nhân dân phường Lê Lợi', abbreviation: 'UBND', kind: 'ward', parent: '000.00.01.H41', channel: 'builtin', placeName: 'Lê Lợi' },
    ],
    groups: [
      { id: 'vinh-wards', name: 'Phường của Vinh', select: { kind: 'ward', parent: '000.00.01.H41' } },
      { id: 'committees', name: 'Các UBND', members: ['000.00.01.H41'], select: { kind: 'peoples-committee' } },
    ],
  };
}

function problemsOf(data: unknown): string[] {
  try {
    Directory.fromData(data);
  } catch (error) {
    if (error instanceof DirectoryDataError) return error.problems;
    throw error;
  }
  throw new Error('expected the data to be refused');
}

describe('Directory', () => {
  const directory = Directory.fromData(province());

  it('looks organisations up by code', () => {
    expect(directory.get('000.31.01.H41')).toEqual({
      code: '000.31.01.H41',
      name: 'Ủy ban nhân dân phường Hưng Bình',
      abbreviation: 'UBND',
      kind: 'ward',
      parentCode: '000.00.01.H41',
      channel: 'queue',
      placeName: 'Hưng Bình',
    });
    expect(directory.get('000.00.00.H41')?.parentCode).toBeUndefined();
    expect(directory.get('000.99.99.H99')).toBeUndefined();
    expect(() => directory.require('000.99.99.H99')).toThrow(new UnknownOrganisationError('000.99.99.H99'));
    expect(directory.require('000.01.00.H41').abbreviation).toBe('VP');
  });

  it('lists organisations in file order, children, ward systems and built-in units', () => {
    expect(directory.list().map((o) => o.code)).toEqual(['000.00.00.H41', '000.01.00.H41', '000.00.01.H41', '000.31.01.H41', '000.32.01.H41']);
    expect(directory.children('000.00.00.H41').map((o) => o.code)).toEqual(['000.01.00.H41', '000.00.01.H41']);
    expect(directory.children('000.31.01.H41')).toEqual([]);
    expect(directory.wardSystems().map((o) => o.code)).toEqual(['000.31.01.H41']);
    expect(directory.builtinUnits().map((o) => o.code)).toEqual(['000.00.00.H41', '000.01.00.H41', '000.00.01.H41', '000.32.01.H41']);
  });

  it('tells the units of the exchange from the outside organs reached through the axis', () => {
    const data = province();
    data.organisations.push({ code: '000.00.00.H01', name: 'Văn phòng Chính phủ', abbreviation: 'VPCP', kind: 'peoples-committee', parent: null, channel: 'axis', placeName: 'Hà Nội' });
    const withAxis = Directory.fromData(data);
    expect(withAxis.axisOrgans().map((o) => o.code)).toEqual(['000.00.00.H01']);
    expect(['000.00.00.H01', '000.31.01.H41', '000.32.01.H41', '000.99.99.H99'].map((code) => withAxis.isLocalUnit(code))).toEqual([false, true, true, false]);
    expect(withAxis.builtinUnits().map((o) => o.code)).not.toContain('000.00.00.H01');
  });

  it('resolves groups by selection and explicit members, explicit first, without duplicates', () => {
    expect(directory.groups()).toEqual([
      { id: 'vinh-wards', name: 'Phường của Vinh', members: ['000.31.01.H41', '000.32.01.H41'] },
      { id: 'committees', name: 'Các UBND', members: ['000.00.01.H41', '000.00.00.H41'] },
    ]);
  });

  it('expands recipients: groups to members, duplicates dropped, order kept, unknown entries reported', () => {
    expect(directory.expandRecipients(['000.01.00.H41', 'vinh-wards', '000.31.01.H41', 'no-such-group', ' 000.32.01.H41 ', '000.77.77.H77', 'no-such-group'])).toEqual({
      codes: ['000.01.00.H41', '000.31.01.H41', '000.32.01.H41'],
      unknown: ['no-such-group', '000.77.77.H77'],
    });
    expect(directory.expandRecipients([])).toEqual({ codes: [], unknown: [] });
  });

  it('cannot be changed through what it returns', () => {
    const listed = directory.list();
    listed.pop();
    expect(directory.list()).toHaveLength(5);
    expect(() => {
      (directory.get('000.01.00.H41') as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(() => directory.groups()[0].members.push('x')).toThrow(TypeError);
  });

  it('checks the shape of organisation codes', () => {
    expect(isOrganisationCode('000.00.13.H26')).toBe(true);
    for (const bad of ['000.00.13.h26', '00.00.13.H26', '000.00.13.H2', '000-00-13-H26', '000.00.13.H26 ', 'AAA.00.13.H26', 13]) expect(isOrganisationCode(bad)).toBe(false);
  });

  describe('refuses bad data, naming each bad entry', () => {
    const withOrg = (change: Record<string, unknown>) => {
      const data = province();
      Object.assign(data.organisations[3], change);
      return data;
    };

    it('a malformed code', () => {
      expect(problemsOf(withOrg({ code: '31.01.H41' }))).toContain(
        'organisations[3] ("31.01.H41"): code must have the shape ddd.dd.dd.Ldd (13 characters, e.g. 000.00.13.H26), got "31.01.H41"',
      );
    });

    it('a duplicate code', () => {
      expect(problemsOf(withOrg({ code: '000.32.01.H41' }))).toEqual(['organisations[4]: code "000.32.01.H41" is listed more than once']);
    });

    it('a parent that does not exist, and an organisation that is its own parent', () => {
      expect(problemsOf(withOrg({ parent: '000.00.09.H41' }))).toEqual(['organisation "000.31.01.H41": parent "000.00.09.H41" is not in the directory']);
      expect(problemsOf(withOrg({ parent: '000.31.01.H41' }))).toEqual(['organisation "000.31.01.H41": it cannot be its own parent']);
    });

    it('a cycle of parents', () => {
      const data = province();
      data.organisations[0].parent = '000.00.01.H41';
      expect(problemsOf(data)).toEqual([
        'organisation "000.00.00.H41": its parents form a cycle',
        'organisation "000.00.01.H41": its parents form a cycle',
      ]);
    });

    it('missing fields, unknown kind and channel, all at once', () => {
      expect(problemsOf(withOrg({ name: ' ', kind: 'village', channel: 'fax', abbreviation: undefined }))).toEqual([
        'organisations[3] ("000.31.01.H41"): name is required',
        'organisations[3] ("000.31.01.H41"): abbreviation is required',
        'organisations[3] ("000.31.01.H41"): kind must be one of peoples-committee, department, ward, got "village"',
        'organisations[3] ("000.31.01.H41"): channel must be one of builtin, queue, axis, got "fax"',
      ]);
    });

    it('group members that do not exist and bad selections', () => {
      const data = province();
      data.groups = [
        { id: 'a', name: 'A', members: ['000.31.01.H41', '000.99.01.H41'] },
        { id: 'b', name: 'B', select: { parent: '000.00.99.H41' } },
        { id: 'c', name: 'C', select: { kind: 'hamlet' as never } },
        { id: 'd', name: 'D' },
        { id: 'e', name: 'E', select: { kind: 'department', parent: '000.00.01.H41' } },
        { id: 'Bad Id', name: 'F', members: ['000.31.01.H41'] },
        { id: 'vinh', name: 'G', members: ['000.31.01.H41'] },
        { id: 'vinh', name: 'H', members: ['000.32.01.H41'] },
      ];
      expect(problemsOf(data)).toEqual([
        'group "a": member "000.99.01.H41" is not in the directory',
        'group "b": select.parent "000.00.99.H41" is not in the directory',
        'group "c": select.kind must be one or more of peoples-committee, department, ward, got "hamlet"',
        'group "d": needs "members", "select" or both',
        'group "e": it has no members',
        'groups[5]: id must be lower-case letters, digits and hyphens starting with a letter, got "Bad Id"',
        'groups[7]: id "vinh" is listed more than once',
      ]);
    });

    it('data that is not a directory at all', () => {
      expect(problemsOf(null)).toEqual(['the top level must be an object with "organisations" and "groups"']);
      expect(problemsOf({ organisations: {} })).toEqual(['"organisations" must be an array']);
      expect(problemsOf({ organisations: [42] })).toEqual(['organisations[0]: must be an object']);
    });
  });

  describe('fromFile', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'edoc-directory-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('reads a JSON file', async () => {
      const path = join(dir, 'province.json');
      await writeFile(path, JSON.stringify(province()));
      expect(Directory.fromFile(path).list()).toHaveLength(5);
    });

    it('names the file when it is missing, not JSON, or invalid', async () => {
      expect(() => Directory.fromFile(join(dir, 'missing.json'))).toThrow(/cannot read directory file .*missing\.json/);
      await writeFile(join(dir, 'broken.json'), '{ "organisations": [');
      expect(() => Directory.fromFile(join(dir, 'broken.json'))).toThrow(/directory file .*broken\.json is not valid JSON/);
      await writeFile(join(dir, 'invalid.json'), JSON.stringify({ organisations: [{ code: 'x' }] }));
      expect(() => Directory.fromFile(join(dir, 'invalid.json'))).toThrow(/invalid\.json: organisations\[0\] \("x"\): code must have the shape/);
    });
  });
});
