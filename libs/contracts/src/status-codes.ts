import { StatusCode } from './gen/edoc/v1/common_pb';

/** The two-digit edXML form of a status code: 1 → "01". */
export function statusCodeText(status: StatusCode): string {
  return String(status).padStart(2, '0');
}

/** Parses "01".."16" (or 1..16) into a StatusCode, or undefined when it is not one. */
export function parseStatusCode(text: string | number): StatusCode | undefined {
  const value = typeof text === 'number' ? text : /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  return Object.values(StatusCode).includes(value) && value !== StatusCode.UNSPECIFIED ? (value as StatusCode) : undefined;
}
