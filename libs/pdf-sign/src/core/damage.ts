import { PdfSignError } from '../errors';

/** Why a file was read by rebuilding its cross-reference data from the objects it holds. */
export interface DamageNote {
  readonly reason: string;
}

/**
 * Damage a rebuild from the objects in the file can get past: the cross-reference data (or the end
 * of the file that holds it) is wrong, not the objects themselves. Nesting, cycles, budgets and
 * encryption are what the file is, and rebuilding would meet them again.
 */
export function isRepairableDamage(e: unknown): e is PdfSignError {
  return e instanceof PdfSignError && (e.code === 'BROKEN_XREF' || e.code === 'TRUNCATED_PDF');
}
