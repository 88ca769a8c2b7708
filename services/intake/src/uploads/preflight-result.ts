/** What the preflight worker sends back about one staged PDF (plain data: it crosses a thread). */
export interface PreflightResult {
  acceptable: boolean;
  refusals: { code: string; reason: string }[];
  pageCount?: number;
  signed: boolean;
  /** Set when the file's cross-reference data was damaged: signing repairs it by a full rewrite. */
  repaired?: string;
  /** With the 'strip' policy: the file without its active content, and what was removed. */
  stripped?: { path: string; sha256: string; size: number; removed: string[] };
}

/** What the worker is asked to do. */
export interface PreflightRequest {
  path: string;
  policy: 'refuse' | 'strip';
  /** Where to write the stripped file, should there be one. */
  strippedPath: string;
}
