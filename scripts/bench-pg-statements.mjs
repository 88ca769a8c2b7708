// The statements that took PostgreSQL's time in a benchmark run, from pg_stat_statements. The
// extension must be loaded when the server starts, so this is a measurement setting for a machine
// of one's own, never something the benchmark turns on by itself.

const NOT_LOADED =
  "--pg-statements needs PostgreSQL started with pg_stat_statements: ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', restart the server, run again (and ALTER SYSTEM RESET shared_preload_libraries afterwards)";

/** Clears the statistics of the run's database; throws with what to do when the extension is not loaded. */
export async function startStatementStatistics(db) {
  const { rows } = await db.query("SELECT current_setting('shared_preload_libraries') AS loaded");
  if (!rows[0].loaded.split(',').map((name) => name.trim()).includes('pg_stat_statements')) throw new Error(NOT_LOADED);
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)');
}

/** The `count` statements of the run's database with the most execution time, per document. */
export async function busiestStatements(db, documents, count) {
  const { rows } = await db.query(
    // The raw-insert baseline runs in the same database: its statements are not the exchange's.
    `SELECT total_exec_time AS ms, calls, rows, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%bench_raw%'
      ORDER BY total_exec_time DESC LIMIT $1`,
    [count],
  );
  return rows.map(
    (row) =>
      `${(row.ms / documents).toFixed(3).padStart(7)} ms ${(Number(row.calls) / documents).toFixed(1).padStart(6)} calls ${(row.ms / Number(row.calls)).toFixed(3).padStart(7)} ms each  ${row.query.slice(0, 110)}`,
  );
}
