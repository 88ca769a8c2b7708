import { DirectoryDataError } from './errors';
import { DELIVERY_CHANNELS, ORGANISATION_KINDS, isOrganisationCode, type DeliveryChannel, type Group, type Organisation, type OrganisationKind } from './organisation';

/**
 * The JSON file format. A group lists members explicitly, selects them by kind and/or parent, or both
 * (explicit members first, then the selection, without duplicates).
 */
export interface DirectoryFile {
  description?: string;
  organisations: Array<{
    code: string;
    name: string;
    abbreviation: string;
    kind: OrganisationKind;
    parent?: string | null;
    channel: DeliveryChannel;
    placeName: string;
  }>;
  groups?: Array<{
    id: string;
    name: string;
    members?: string[];
    select?: { kind?: OrganisationKind | OrganisationKind[]; parent?: string };
  }>;
}

const GROUP_ID = /^[a-z][a-z0-9-]{0,62}$/;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Checks everything and reports every problem at once, each naming its entry, so a broken file is
 * fixed in one pass rather than one error at a time.
 */
export function parseDirectoryData(data: unknown): { organisations: Organisation[]; groups: Group[] } {
  const problems: string[] = [];
  if (!isObject(data)) throw new DirectoryDataError(['the top level must be an object with "organisations" and "groups"']);
  if (!Array.isArray(data.organisations)) throw new DirectoryDataError(['"organisations" must be an array']);

  const organisations: Organisation[] = [];
  const seen = new Set<string>();
  data.organisations.forEach((entry: unknown, index: number) => {
    const org = parseOrganisation(entry, `organisations[${index}]`, problems);
    if (org === undefined) return;
    if (seen.has(org.code)) {
      problems.push(`organisations[${index}]: code "${org.code}" is listed more than once`);
      return;
    }
    seen.add(org.code);
    organisations.push(org);
  });
  for (const org of organisations) {
    if (org.parentCode === undefined) continue;
    if (org.parentCode === org.code) problems.push(`organisation "${org.code}": it cannot be its own parent`);
    else if (!seen.has(org.parentCode)) problems.push(`organisation "${org.code}": parent "${org.parentCode}" is not in the directory`);
  }
  problems.push(...parentCycles(organisations));

  const groups: Group[] = [];
  if (data.groups !== undefined && !Array.isArray(data.groups)) problems.push('"groups" must be an array when present');
  const groupIds = new Set<string>();
  (Array.isArray(data.groups) ? data.groups : []).forEach((entry: unknown, index: number) => {
    const group = parseGroup(entry, `groups[${index}]`, organisations, seen, problems);
    if (group === undefined) return;
    if (groupIds.has(group.id)) problems.push(`groups[${index}]: id "${group.id}" is listed more than once`);
    else if (seen.has(group.id)) problems.push(`groups[${index}]: id "${group.id}" is also an organisation code`);
    else {
      groupIds.add(group.id);
      groups.push(group);
    }
  });

  if (problems.length > 0) throw new DirectoryDataError(problems);
  return { organisations, groups };
}

function parseOrganisation(entry: unknown, where: string, problems: string[]): Organisation | undefined {
  if (!isObject(entry)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  const label = isText(entry.code) ? `${where} ("${entry.code}")` : where;
  const before = problems.length;
  if (!isOrganisationCode(entry.code)) problems.push(`${label}: code must have the shape ddd.dd.dd.Ldd (13 characters, e.g. 000.00.13.H26), got ${JSON.stringify(entry.code)}`);
  for (const field of ['name', 'abbreviation', 'placeName'] as const) {
    if (!isText(entry[field])) problems.push(`${label}: ${field} is required`);
  }
  if (!ORGANISATION_KINDS.includes(entry.kind as OrganisationKind)) problems.push(`${label}: kind must be one of ${ORGANISATION_KINDS.join(', ')}, got ${JSON.stringify(entry.kind)}`);
  if (!DELIVERY_CHANNELS.includes(entry.channel as DeliveryChannel)) problems.push(`${label}: channel must be one of ${DELIVERY_CHANNELS.join(', ')}, got ${JSON.stringify(entry.channel)}`);
  const parent = entry.parent;
  if (parent !== undefined && parent !== null && !isOrganisationCode(parent)) problems.push(`${label}: parent must be an organisation code, got ${JSON.stringify(parent)}`);
  if (problems.length > before) return undefined;
  return {
    code: entry.code as string,
    name: (entry.name as string).trim(),
    abbreviation: (entry.abbreviation as string).trim(),
    kind: entry.kind as OrganisationKind,
    ...(typeof parent === 'string' ? { parentCode: parent } : {}),
    channel: entry.channel as DeliveryChannel,
    placeName: (entry.placeName as string).trim(),
  };
}

function parentCycles(organisations: Organisation[]): string[] {
  const parentOf = new Map(organisations.map((o) => [o.code, o.parentCode]));
  const problems: string[] = [];
  for (const org of organisations) {
    if (org.parentCode === org.code) continue; // reported on its own
    const visited = new Set<string>([org.code]);
    let current = org.parentCode;
    while (current !== undefined && !visited.has(current)) {
      visited.add(current);
      current = parentOf.get(current);
    }
    if (current === org.code) problems.push(`organisation "${org.code}": its parents form a cycle`);
  }
  return problems;
}

function parseGroup(entry: unknown, where: string, organisations: Organisation[], codes: Set<string>, problems: string[]): Group | undefined {
  if (!isObject(entry)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  const label = isText(entry.id) ? `group "${entry.id}"` : where;
  const before = problems.length;
  if (typeof entry.id !== 'string' || !GROUP_ID.test(entry.id)) problems.push(`${where}: id must be lower-case letters, digits and hyphens starting with a letter, got ${JSON.stringify(entry.id)}`);
  if (!isText(entry.name)) problems.push(`${label}: name is required`);
  if (entry.members === undefined && entry.select === undefined) problems.push(`${label}: needs "members", "select" or both`);

  const explicit: string[] = [];
  if (entry.members !== undefined) {
    if (!Array.isArray(entry.members)) problems.push(`${label}: members must be an array of organisation codes`);
    else
      for (const member of entry.members) {
        if (typeof member !== 'string' || !codes.has(member)) problems.push(`${label}: member ${JSON.stringify(member)} is not in the directory`);
        else explicit.push(member);
      }
  }

  let selected: string[] = [];
  if (entry.select !== undefined) {
    const select = entry.select;
    if (!isObject(select) || (select.kind === undefined && select.parent === undefined)) {
      problems.push(`${label}: select must be an object with "kind" and/or "parent"`);
    } else {
      const kinds = select.kind === undefined ? undefined : Array.isArray(select.kind) ? select.kind : [select.kind];
      if (kinds !== undefined && (kinds.length === 0 || kinds.some((k) => !ORGANISATION_KINDS.includes(k as OrganisationKind)))) {
        problems.push(`${label}: select.kind must be one or more of ${ORGANISATION_KINDS.join(', ')}, got ${JSON.stringify(select.kind)}`);
      }
      if (select.parent !== undefined && (typeof select.parent !== 'string' || !codes.has(select.parent))) {
        problems.push(`${label}: select.parent ${JSON.stringify(select.parent)} is not in the directory`);
      }
      selected = organisations
        .filter((o) => kinds === undefined || kinds.includes(o.kind))
        .filter((o) => select.parent === undefined || o.parentCode === select.parent)
        .map((o) => o.code);
    }
  }
  if (problems.length > before) return undefined;
  const members = [...new Set([...explicit, ...selected])];
  if (members.length === 0) problems.push(`${label}: it has no members`);
  return { id: entry.id as string, name: (entry.name as string).trim(), members };
}
