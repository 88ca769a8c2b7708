import { readFileSync } from 'node:fs';
import { parseDirectoryData } from './directory-data';
import { DirectoryDataError, UnknownOrganisationError } from './errors';
import type { Group, Organisation } from './organisation';

/**
 * The organisations that exchange documents and the recipient groups over them, loaded from data
 * (deploy/seed/demo-district.json by default), never hard-wired to one district. Immutable once built.
 */
export class Directory {
  private readonly byCode: ReadonlyMap<string, Organisation>;
  private readonly byGroup: ReadonlyMap<string, Group>;

  private constructor(
    private readonly organisations: readonly Organisation[],
    private readonly groupList: readonly Group[],
  ) {
    this.byCode = new Map(organisations.map((o) => [o.code, o]));
    this.byGroup = new Map(groupList.map((g) => [g.id, g]));
  }

  static fromFile(path: string): Directory {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new DirectoryDataError([`cannot read directory file ${path}: ${(error as Error).message}`]);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new DirectoryDataError([`directory file ${path} is not valid JSON: ${(error as Error).message}`]);
    }
    try {
      return Directory.fromData(data);
    } catch (error) {
      if (error instanceof DirectoryDataError) throw new DirectoryDataError(error.problems.map((p) => `${path}: ${p}`));
      throw error;
    }
  }

  static fromData(data: unknown): Directory {
    const { organisations, groups } = parseDirectoryData(data);
    return new Directory(
      organisations.map((o) => Object.freeze({ ...o })),
      groups.map((g) => Object.freeze({ ...g, members: Object.freeze([...g.members]) as string[] })),
    );
  }

  get(code: string): Organisation | undefined {
    return this.byCode.get(code);
  }

  require(code: string): Organisation {
    const org = this.byCode.get(code);
    if (org === undefined) throw new UnknownOrganisationError(code);
    return org;
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  /** In file order. */
  list(): Organisation[] {
    return [...this.organisations];
  }

  groups(): Group[] {
    return [...this.groupList];
  }

  group(id: string): Group | undefined {
    return this.byGroup.get(id);
  }

  /**
   * Turns a recipient list of organisation codes and group ids into organisation codes: groups expanded,
   * duplicates dropped, first occurrence's order kept. Entries that are neither come back in `unknown`.
   */
  expandRecipients(entries: readonly string[]): { codes: string[]; unknown: string[] } {
    const codes = new Set<string>();
    const unknown = new Set<string>();
    for (const raw of entries) {
      const entry = typeof raw === 'string' ? raw.trim() : String(raw);
      const group = this.byGroup.get(entry);
      if (this.byCode.has(entry)) codes.add(entry);
      else if (group !== undefined) for (const member of group.members) codes.add(member);
      else unknown.add(entry);
    }
    return { codes: [...codes], unknown: [...unknown] };
  }

  children(code: string): Organisation[] {
    return this.organisations.filter((o) => o.parentCode === code);
  }

  /** Units whose own software consumes their inbox queue; each needs a broker user. */
  wardSystems(): Organisation[] {
    return this.organisations.filter((o) => o.channel === 'queue');
  }

  /** Organs outside this exchange that documents reach through the national axis (the gateway). */
  axisOrgans(): Organisation[] {
    return this.organisations.filter((o) => o.channel === 'axis');
  }

  /** A unit of this exchange: its documents are issued here, never imported from the axis. */
  isLocalUnit(code: string): boolean {
    const organisation = this.get(code);
    return organisation !== undefined && organisation.channel !== 'axis';
  }

  /** Units served by edoc's built-in inbox. */
  builtinUnits(): Organisation[] {
    return this.organisations.filter((o) => o.channel === 'builtin');
  }
}
