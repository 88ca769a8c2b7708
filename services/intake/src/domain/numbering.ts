import { CONG_VAN } from '@edoc/contracts';

/** Register numbers print with a leading zero below 10: 01, 02, ... 09, 10, 123. */
export function formatRegisterNumber(number: number): string {
  return String(number).padStart(2, '0');
}

/**
 * Ký hiệu: "<type>-<organisation>[-<drafting unit>]"; a công văn has no type part,
 * so it reads "<organisation>-<drafting unit>" (e.g. 123/UBND-VP).
 */
export function buildNotation(typeCode: string, orgAbbreviation: string, draftingUnit?: string): string {
  const parts = typeCode === CONG_VAN ? [orgAbbreviation] : [typeCode, orgAbbreviation];
  if (draftingUnit !== undefined && draftingUnit !== '') parts.push(draftingUnit);
  return parts.join('-');
}

/** "05/QĐ-UBND" */
export function numberAndNotation(number: number, notation: string): string {
  return `${formatRegisterNumber(number)}/${notation}`;
}

/** edXML DocumentId: "OrganId,yyyy/MM/dd,Number/Notation". */
export function edxmlDocumentId(issuerCode: string, issuedDate: string, number: number, notation: string): string {
  return `${issuerCode},${issuedDate.replace(/-/g, '/')},${numberAndNotation(number, notation)}`;
}
