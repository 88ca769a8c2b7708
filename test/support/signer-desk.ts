import { Pool } from 'pg';

/** What the desk needs of an exchange: where to approve, and each signer's access token. */
export interface DeskExchange {
  databaseUrl: string;
  url(service: 'signing', path: string): string;
  token(username: string): string;
}

/**
 * The signers of the demo district at their desks: every request waiting for a signer is approved
 * by that signer, signed in as themselves, through the signing service's API, as a real signer
 * would after reading it. Suites about delivery, registers or faults need documents issued and are
 * not about the signer's act; the suites about the act itself (signature-requests) turn this off.
 * Finding what waits reads signing's table (a notification would do the same); the approval is the
 * real HTTP call, so a signing service that is down or restarting only delays it.
 */
export class SignerDesk {
  private readonly pool: Pool;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  approved = 0;

  constructor(private readonly exchange: DeskExchange, private readonly intervalMs = 150) {
    this.pool = new Pool({ connectionString: exchange.databaseUrl, max: 1 });
    // A database restarted under the desk (chaos) drops its connection; the next round reconnects.
    this.pool.on('error', () => undefined);
  }

  start(): void {
    const round = async () => {
      await this.approveWaiting().catch(() => undefined);
      if (!this.stopped) this.timer = setTimeout(() => void round(), this.intervalMs);
    };
    void round();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pool.end().catch(() => undefined);
  }

  /**
   * Each signer with requests waiting works through their own queue as the API lists it (the most
   * urgent first), so the order a signer would act in is the one this desk acts in.
   */
  private async approveWaiting(): Promise<void> {
    const { rows } = await this.pool.query<{ signer_username: string }>(`SELECT DISTINCT signer_username FROM signing.jobs WHERE state = 'awaiting_signature'`);
    await Promise.all(rows.map(async ({ signer_username: signer }) => this.approveQueueOf(signer)));
  }

  private async approveQueueOf(signer: string): Promise<void> {
    const listed = await fetch(this.exchange.url('signing', '/sign-requests'), { headers: this.headers(signer), signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    if (listed?.status !== 200) {
      await listed?.body?.cancel().catch(() => undefined);
      return;
    }
    const { items } = (await listed.json()) as { items: { documentId: string }[] };
    await Promise.all(
      items.slice(0, 64).map(async ({ documentId }) => {
        const response = await fetch(this.exchange.url('signing', `/sign-requests/${documentId}/approve`), {
          method: 'POST',
          headers: this.headers(signer),
          signal: AbortSignal.timeout(10_000),
        }).catch(() => undefined);
        if (response?.status === 202) this.approved++;
        await response?.body?.cancel().catch(() => undefined);
      }),
    );
  }

  private headers(signer: string): Record<string, string> {
    return { authorization: `Bearer ${this.exchange.token(signer)}`, 'user-agent': 'edoc-test signer desk' };
  }
}
