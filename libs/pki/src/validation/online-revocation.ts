import { sameName } from '../asn1/name';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { fetchCrl } from '../crl/http-crl-client';
import type { ParsedCrl } from '../crl/parse-crl';
import { fetchOcsp } from '../ocsp/http-ocsp-client';

export interface OnlineRevocationOptions {
  /** Per request; a verification waits at most about this long for each certificate. */
  readonly timeoutMs?: number;
  readonly maxCrlBytes?: number;
  /** All cached CRLs and OCSP answers together, in DER bytes; the oldest go first past it. */
  readonly maxCachedBytes?: number;
  /** How long a failed fetch is remembered, so that a dead server does not slow every verification. */
  readonly failureTtlMs?: number;
  /** How long an answer without a nextUpdate (or with a far one) is kept. */
  readonly maxAgeMs?: number;
  readonly now?: () => Date;
}

/** What one verification fetched, for its report: where from, and what came of it. */
export interface RevocationFetch {
  readonly url: string;
  readonly outcome: string;
}

/** Where verification finds revocation data it was not given: see OnlineRevocation. */
export interface RevocationLookup {
  /** Fresh CRLs and OCSP answers already held. */
  held(): { crls: ParsedCrl[]; ocspResponses: Buffer[] };
  /** Fetches what the certificate's own pointers lead to (none: nothing); never throws. */
  lookup(cert: ParsedCertificate, issuer: ParsedCertificate): Promise<RevocationFetch[]>;
}

/** Real certificates name one or two of each; a certificate naming dozens would make a verification wait on each in turn. */
const MAX_URLS_PER_KIND = 3;

interface Entry {
  readonly crl?: ParsedCrl;
  readonly ocsp?: Buffer;
  readonly failure?: string;
  readonly until: number;
  readonly bytes: number;
}

/**
 * Revocation data fetched from where a certificate says its CA publishes it: the CRL distribution
 * points first (one CRL answers for every certificate of its CA, so it caches best), then the OCSP
 * responders of its authority information access. Only certificates already chained to a trusted
 * root are looked up, so the URLs followed are ones a trusted CA signed, not ones a document chose.
 *
 * CRLs are cached by URL and OCSP answers by certificate, each until its nextUpdate (at most
 * maxAgeMs); failures for failureTtlMs. Concurrent lookups of the same URL share one request.
 */
export class OnlineRevocation implements RevocationLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly timeoutMs: number;
  private readonly maxCrlBytes: number;
  private readonly maxCachedBytes: number;
  private readonly failureTtlMs: number;
  private readonly maxAgeMs: number;
  private readonly now: () => Date;

  constructor(options: OnlineRevocationOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxCrlBytes = options.maxCrlBytes ?? 32 * 1024 * 1024;
    this.maxCachedBytes = options.maxCachedBytes ?? 128 * 1024 * 1024;
    this.failureTtlMs = options.failureTtlMs ?? 60_000;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
    this.now = options.now ?? (() => new Date());
  }

  held(): { crls: ParsedCrl[]; ocspResponses: Buffer[] } {
    const now = this.now().getTime();
    const fresh = [...this.entries.values()].filter((entry) => entry.until > now);
    return { crls: fresh.flatMap((entry) => (entry.crl ? [entry.crl] : [])), ocspResponses: fresh.flatMap((entry) => (entry.ocsp ? [entry.ocsp] : [])) };
  }

  async lookup(cert: ParsedCertificate, issuer: ParsedCertificate): Promise<RevocationFetch[]> {
    const done: RevocationFetch[] = [];
    for (const url of cert.crlUrls.slice(0, MAX_URLS_PER_KIND)) {
      const entry = await this.cached(`crl ${url}`, () => this.fetchCrlEntry(url));
      if (entry.failure !== undefined) {
        done.push({ url, outcome: `failed: ${entry.failure}` });
        continue;
      }
      const crl = entry.crl as ParsedCrl;
      if (sameName(crl.issuer, cert.issuer) && crl.isSignedBy(issuer)) {
        done.push({ url, outcome: `CRL of ${crl.thisUpdate.toISOString()}, ${crl.entries.size} revoked` });
        return done;
      }
      done.push({ url, outcome: 'a CRL not signed by the issuing CA' });
    }
    for (const url of cert.ocspUrls.slice(0, MAX_URLS_PER_KIND)) {
      const entry = await this.cached(`ocsp ${url} ${cert.sha256}`, () => this.fetchOcspEntry(url, cert, issuer));
      done.push({ url, outcome: entry.failure === undefined ? 'OCSP answer' : `failed: ${entry.failure}` });
      if (entry.failure === undefined) return done;
    }
    return done;
  }

  private async cached(key: string, fetchEntry: () => Promise<Entry>): Promise<Entry> {
    const held = this.entries.get(key);
    if (held !== undefined && held.until > this.now().getTime()) return held;
    const running = this.pending.get(key);
    if (running !== undefined) return running;
    const request = fetchEntry().finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    const entry = await request;
    this.store(key, entry);
    return entry;
  }

  private async fetchCrlEntry(url: string): Promise<Entry> {
    try {
      const crl = await fetchCrl(url, { timeoutMs: this.timeoutMs, maxBytes: this.maxCrlBytes });
      return { crl, until: this.keptUntil(crl.nextUpdate), bytes: crl.der.length };
    } catch (error) {
      return this.failure(error);
    }
  }

  private async fetchOcspEntry(url: string, cert: ParsedCertificate, issuer: ParsedCertificate): Promise<Entry> {
    try {
      const { answer, der } = await fetchOcsp(url, cert, issuer, { timeoutMs: this.timeoutMs, now: this.now() });
      return { ocsp: der, until: this.keptUntil(answer.nextUpdate), bytes: der.length };
    } catch (error) {
      return this.failure(error);
    }
  }

  private failure(error: unknown): Entry {
    // The URL is in the outcome already; keep the reason after it.
    const reason = (error as Error).message.replace(/^(CRL at|OCSP responder) \S+: /, '');
    return { failure: reason, until: this.now().getTime() + this.failureTtlMs, bytes: 0 };
  }

  /** Until the data's nextUpdate, within maxAgeMs; data already past it only as long as a failure. */
  private keptUntil(nextUpdate: Date | undefined): number {
    const now = this.now().getTime();
    const next = nextUpdate?.getTime() ?? Number.POSITIVE_INFINITY;
    return next <= now ? now + this.failureTtlMs : Math.min(next, now + this.maxAgeMs);
  }

  private store(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    const now = this.now().getTime();
    let total = 0;
    for (const [k, e] of this.entries) {
      if (e.until <= now) this.entries.delete(k);
      else total += e.bytes;
    }
    // Map order is insertion order: the first entries are the oldest.
    for (const [k, e] of this.entries) {
      if (total <= this.maxCachedBytes || k === key) break;
      this.entries.delete(k);
      total -= e.bytes;
    }
  }
}
