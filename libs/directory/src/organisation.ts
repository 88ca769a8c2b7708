export const ORGANISATION_KINDS = ['peoples-committee', 'department', 'ward'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/**
 * `builtin`: edoc's own inbox registers incoming documents; `queue`: the unit's own system consumes
 * `inbox.<code>`; `axis`: an organ outside this exchange (the city, another district, a ministry),
 * reached through the national document axis by the gateway, as signed edXML packages.
 */
export const DELIVERY_CHANNELS = ['builtin', 'queue', 'axis'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export interface Organisation {
  /** Electronic identifier (mã định danh), `ddd.dd.dd.Ldd`. */
  code: string;
  name: string;
  /** Used in notations, e.g. `05/QĐ-UBND`, `123/UBND-VP`. */
  abbreviation: string;
  kind: OrganisationKind;
  parentCode?: string;
  channel: DeliveryChannel;
  /** Place of issue printed on documents ("Hai Bà Trưng, ngày … tháng … năm …"). */
  placeName: string;
}

/** A named set of recipients, e.g. `all-wards`; members are resolved organisation codes in directory order. */
export interface Group {
  id: string;
  name: string;
  members: string[];
}

// ddd.dd.dd.Ldd: the right-most group is the top-level unit (G central, H province…), QCVN 102:2016.
const CODE_PATTERN = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

export function isOrganisationCode(value: unknown): value is string {
  return typeof value === 'string' && CODE_PATTERN.test(value);
}
