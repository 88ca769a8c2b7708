/**
 * A map that forgets its oldest entries past `limit`. For results that depend only on their key's
 * bytes (a certificate parsed from its DER, a signature checked between two certificates), which
 * the exchange computes over and over for the same few CA and signer certificates.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => V): V {
    const held = this.entries.get(key);
    if (held !== undefined) return held;
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
