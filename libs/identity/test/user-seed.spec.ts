import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { UserSeedError, defaultUserSeedFile, loadUserSeed, parseUserSeed, principalOf } from '@edoc/identity';

const directory = Directory.fromFile(loadConfig().directoryFile);

function problemsOf(users: unknown[]): string[] {
  try {
    parseUserSeed({ users }, directory);
  } catch (error) {
    if (error instanceof UserSeedError) return error.problems;
    throw error;
  }
  throw new Error('expected the seed to be refused');
}

describe('demo users seed (deploy/seed/demo-users.json)', () => {
  const file = defaultUserSeedFile(loadConfig().directoryFile, {});
  const users = loadUserSeed(file, directory);

  it('sits beside the directory file unless EDOC_USERS_FILE says otherwise', () => {
    expect(file).toMatch(/deploy\/seed\/demo-users\.json$/);
    expect(defaultUserSeedFile('/x/d.json', { EDOC_USERS_FILE: '/y/u.json' })).toBe('/y/u.json');
  });

  it('has a clerk and a signer for every organisation, one admin, and a system user for each queue ward', () => {
    for (const org of directory.list()) {
      const of = users.filter((u) => u.orgCode === org.code);
      expect(of.filter((u) => u.roles.includes('clerk'))).toHaveLength(1);
      expect(of.filter((u) => u.roles.includes('signer'))).toHaveLength(1);
    }
    expect(users.filter((u) => u.roles.includes('admin')).map((u) => u.orgCode)).toEqual(['000.00.13.H26']);
    expect(users.filter((u) => u.roles.includes('ward-system')).map((u) => u.orgCode)).toEqual(directory.wardSystems().map((o) => o.code));
  });

  it('gives signers the signature block printed under documents, with Vietnamese full names', () => {
    const chair = users.find((u) => u.username === 'hbt.signer');
    expect(chair?.signer).toEqual({ competence: 'TM.', authority: 'ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH' });
    expect(users.find((u) => u.username === 'tckh.signer')?.signer).toEqual({ position: 'TRƯỞNG PHÒNG' });
    expect(users.filter((u) => u.signer?.position === 'PHÓ CHỦ TỊCH').every((u) => u.signer?.competence === 'KT.')).toBe(true);
    for (const u of users) expect(u.displayName).toMatch(/^\p{Lu}\p{Ll}* (\p{Lu}\p{Ll}* ?)+$/u);
    expect(new Set(users.map((u) => u.displayName)).size).toBe(users.length);
  });

  it('turns into the principal a token carries', () => {
    const signer = users.find((u) => u.username === 'bachkhoa.signer');
    expect(signer && principalOf(signer)).toEqual({ userId: signer?.userId, username: 'bachkhoa.signer', orgCode: '000.32.13.H26', roles: ['signer'], displayName: signer?.displayName });
  });
});

describe('parseUserSeed refuses bad entries, naming them', () => {
  const ok = { id: 'u1', username: 'a.clerk', displayName: 'Nguyễn Văn A', orgCode: '000.01.13.H26', roles: ['clerk'] };

  it('unknown organisation, unknown role, duplicate username and id', () => {
    expect(problemsOf([ok, { ...ok, id: 'u2' }, { ...ok, id: 'u1', username: 'b' }, { ...ok, id: 'u3', username: 'c.x', orgCode: '000.99.13.H26', roles: ['root'] }])).toEqual([
      'user "a.clerk": username is used twice',
      'user "b": id "u1" is used twice',
      'user "b": username must be 2-63 lower-case letters, digits, ".", "_" or "-"',
      'user "c.x": organisation "000.99.13.H26" is not in the directory',
      'user "c.x": role "root" is unknown (clerk, signer, admin, unit-admin, ward-system)',
    ]);
  });

  it('users of an outside organ reached through the axis: its people have no accounts here', () => {
    const data = JSON.parse(readFileSync(loadConfig().directoryFile, 'utf8')) as { organisations: object[] };
    data.organisations.push({ code: '000.00.00.H26', name: 'Ủy ban nhân dân thành phố Hà Nội', abbreviation: 'UBND', kind: 'peoples-committee', parent: null, channel: 'axis', placeName: 'Hà Nội' });
    const withCity = Directory.fromData(data);
    let problems: string[] = [];
    try {
      parseUserSeed({ users: [{ ...ok, orgCode: '000.00.00.H26' }] }, withCity);
    } catch (error) {
      problems = (error as { problems: string[] }).problems;
    }
    expect(problems).toEqual(['user "a.clerk": "000.00.00.H26" is an organ outside this exchange (channel "axis"); its people have no accounts here']);
  });

  it('signers without a signature block, and ward-system users of a built-in unit', () => {
    expect(problemsOf([{ ...ok, roles: ['signer'] }, { ...ok, id: 'u2', username: 'w.system', roles: ['ward-system'] }, { ...ok, id: 'u3', username: 's.signer', roles: ['signer'], signer: { competence: 'XX.', position: '' } }])).toEqual([
      'user "a.clerk": a signer needs "signer" with the position printed under documents',
      'user "w.system": a ward-system user needs an organisation with channel "queue", "000.01.13.H26" uses "builtin"',
      'user "s.signer": signer.position is required',
      'user "s.signer": signer.competence must be one of TM. Q. KT. TL. TUQ., got "XX."',
      'user "s.signer": signer.authority is required with a competence prefix',
    ]);
  });

  it('a file that is missing or not a seed', () => {
    expect(() => loadUserSeed(join(__dirname, 'missing.json'))).toThrow(/cannot read .*missing\.json/);
    expect(() => parseUserSeed([])).toThrow('invalid user seed: expected an object with a "users" array');
  });
});
