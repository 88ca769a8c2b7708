import { Client } from 'pg';

/**
 * Waits until intake knows every one of `usernames` as a signer. Intake learns them from the
 * identity service's user.changed events, which flow only once both services run: a first
 * submission sent the moment `edoc up` says "up" would otherwise be refused ("is not a signer").
 */
export async function waitForSigners(databaseUrl: string, usernames: readonly string[], timeoutMs: number): Promise<void> {
  if (usernames.length === 0) return;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let known = 0;
    while (Date.now() < deadline) {
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM intake.signers WHERE active AND username = ANY($1::text[])', [usernames]);
      known = Number(rows[0]?.n ?? 0);
      if (known >= usernames.length) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`intake knows ${known} of the ${usernames.length} signers after ${timeoutMs / 1000} s: the identity service's user events have not reached it (see var/log/identity.log and intake.log)`);
  } finally {
    await db.end();
  }
}
