import { Client } from 'pg';

/** A short-lived connection per question: the database itself restarts during the run. */
export async function query<R extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export interface Progress {
  issued: number;
  failed: number;
  deliveries: number;
  confirmed: number;
  arrivals: number;
  archived: number;
  facts: number;
}

export async function progress(url: string): Promise<Progress> {
  const [row] = await query<Record<string, string>>(
    url,
    `SELECT (SELECT count(*) FROM intake.documents WHERE state = 'issued') AS issued,
            (SELECT count(*) FROM intake.documents WHERE state = 'failed') AS failed,
            (SELECT count(*) FROM routing.deliveries) AS deliveries,
            (SELECT count(*) FROM routing.deliveries WHERE status IS NOT NULL) AS confirmed,
            (SELECT count(*) FROM intake.register_entries WHERE book = 'incoming') AS arrivals,
            (SELECT count(*) FROM archival.records) AS archived,
            (SELECT count(*) FROM metrics.register_facts) AS facts`,
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as Progress;
}

/** Organisations whose numbers in a book are not exactly 1..n (a duplicate or a gap). */
export async function numberingProblems(url: string, book: 'outgoing' | 'incoming'): Promise<{ org_code: string; n: string; distinct_numbers: string; max: number }[]> {
  return query(
    url,
    `SELECT org_code, count(*) AS n, count(DISTINCT number) AS distinct_numbers, max(number) AS max
     FROM intake.register_entries WHERE book = $1 GROUP BY org_code, year, series
     HAVING count(*) <> count(DISTINCT number) OR max(number) <> count(*)`,
    [book],
  );
}
