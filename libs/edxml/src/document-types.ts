/**
 * edXML's numeric DocumentType. The standard's table is not public and samples disagree (1 and 18
 * both appear for a công văn); edoc numbers the types in the order of Decree 30/2020, Appendix III,
 * where the công văn is 18, and reads any number back through the same table. A number it does
 * not know keeps its TypeName.
 */
const DECREE_30_ORDER = ['NQ', 'QĐ', 'CT', 'QC', 'QyĐ', 'TC', 'TB', 'HD', 'CTr', 'KH', 'PA', 'ĐA', 'DA', 'BC', 'BB', 'TTr', 'HĐ', 'CV', 'CĐ', 'BGN', 'BTT', 'GUQ', 'GM', 'GGT', 'GNP', 'PG', 'PC', 'PB', 'SY', 'TrS', 'SL'] as const;

/** The number of a Decree 30 type code, or 0 for a code outside the decree. */
export function edxmlDocumentType(typeCode: string): number {
  return DECREE_30_ORDER.indexOf(typeCode.normalize('NFC') as (typeof DECREE_30_ORDER)[number]) + 1;
}

/** The type code of an edXML number, undefined when the table has none. */
export function typeCodeOfEdxml(type: number): string | undefined {
  return DECREE_30_ORDER[type - 1];
}
