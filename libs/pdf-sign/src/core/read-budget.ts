import { PdfSignError } from '../errors';

/**
 * How much work reading one document may take. A hostile file can ask for gigabytes of
 * decompressed data, millions of objects or endless nesting in a few kilobytes; going over any of
 * these is a permanent refusal (BUDGET_EXCEEDED or NESTING_TOO_DEEP), never a stall or an
 * out-of-memory.
 */
export interface ReadBudget {
  /** Bytes all decoders together may produce for the document. Default: 20 × the file size, at least 1 MiB, at most 1 GiB. */
  readonly maxInflatedBytes?: number;
  /** Largest single stream decoded in memory (compressed or decoded). Default 32 MiB: object and xref streams are far smaller. */
  readonly maxStreamBytes?: number;
  /** Indirect objects (cross-reference entries, objects found when rebuilding, members of an object stream). Default 1,000,000. */
  readonly maxObjects?: number;
  /** Arrays and dictionaries inside one another. Default 100; real documents stay under 20. */
  readonly maxNestingDepth?: number;
  /** Signatures one verification checks, each hashing up to the whole file. Default 64. */
  readonly maxSignatures?: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_BUDGET = {
  inflatedPerFileByte: 20,
  minInflatedBytes: MiB,
  maxInflatedBytes: GiB,
  maxStreamBytes: 32 * MiB,
  maxObjects: 1_000_000,
  maxNestingDepth: 100,
  maxSignatures: 64,
} as const;

/** The budget of one document being read, and what it has used so far. */
export class ReadLimits {
  readonly maxInflatedBytes: number;
  readonly maxStreamBytes: number;
  readonly maxObjects: number;
  readonly maxNestingDepth: number;
  readonly maxSignatures: number;
  private objects = 0;
  // Shared with sibling(): decompression is work done for the whole request.
  private spent = { inflated: 0 };

  constructor(fileLength: number, budget: ReadBudget = {}) {
    checkBudget(budget);
    // A floor, so that a tiny file with a well-compressed object stream is not refused.
    const proportional = Math.max(DEFAULT_BUDGET.minInflatedBytes, DEFAULT_BUDGET.inflatedPerFileByte * fileLength);
    this.maxInflatedBytes = budget.maxInflatedBytes ?? Math.min(proportional, DEFAULT_BUDGET.maxInflatedBytes);
    this.maxStreamBytes = budget.maxStreamBytes ?? DEFAULT_BUDGET.maxStreamBytes;
    this.maxObjects = budget.maxObjects ?? DEFAULT_BUDGET.maxObjects;
    this.maxNestingDepth = budget.maxNestingDepth ?? DEFAULT_BUDGET.maxNestingDepth;
    this.maxSignatures = budget.maxSignatures ?? DEFAULT_BUDGET.maxSignatures;
  }

  /**
   * Limits for another document read in the same request (an earlier revision of the file): its
   * objects are counted afresh, its decompression is charged to the same budget.
   */
  sibling(): ReadLimits {
    const { maxInflatedBytes, maxStreamBytes, maxObjects, maxNestingDepth, maxSignatures } = this;
    const other = new ReadLimits(0, { maxInflatedBytes, maxStreamBytes, maxObjects, maxNestingDepth, maxSignatures });
    other.spent = this.spent;
    return other;
  }

  /** The most one decoder may produce now: what is left of the document's budget, capped per stream. */
  inflateAllowance(): number {
    return Math.min(this.maxStreamBytes, this.maxInflatedBytes - this.spent.inflated);
  }

  get inflatedBytes(): number {
    return this.spent.inflated;
  }

  chargeInflated(bytes: number, what: string): void {
    this.spent.inflated += bytes;
    if (this.spent.inflated > this.maxInflatedBytes) throw this.inflateExceeded(what);
  }

  inflateExceeded(what: string): PdfSignError {
    if (this.maxInflatedBytes - this.spent.inflated >= this.maxStreamBytes) {
      return new PdfSignError('BUDGET_EXCEEDED', `${what} decompresses to more than ${this.maxStreamBytes} bytes, the most one stream may take (a decompression bomb?)`);
    }
    return new PdfSignError('BUDGET_EXCEEDED', `${what} would take the decompressed data of the document past its budget of ${this.maxInflatedBytes} bytes (a decompression bomb?)`);
  }

  countObjects(n: number, what: string): void {
    this.objects += n;
    if (this.objects > this.maxObjects) throw new PdfSignError('BUDGET_EXCEEDED', `${what}: the document has more than ${this.maxObjects} objects, the most this reader accepts`);
  }
}

/** The limits to read a document with: given ones as they are, or new ones from a budget. */
export function limitsFor(fileLength: number, budget: ReadBudget | ReadLimits | undefined): ReadLimits {
  return budget instanceof ReadLimits ? budget : new ReadLimits(fileLength, budget);
}

function checkBudget(budget: ReadBudget): void {
  if (typeof budget !== 'object' || budget === null) throw new PdfSignError('BAD_ARGUMENT', 'the read budget must be an object');
  for (const [key, value] of Object.entries(budget)) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || (value as number) < 1) throw new PdfSignError('BAD_ARGUMENT', `budget ${key} must be a positive integer (got ${String(value)})`);
  }
}
