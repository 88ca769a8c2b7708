import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The first port of the kernel's ephemeral range (outgoing connections take their local port from
 * it). A port handed out from that range can be taken by any outgoing connection between the moment
 * it is chosen and the moment a service binds it (EADDRINUSE, seen under load in CI).
 */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && (low as number) > 12_000 ? (low as number) : 32_768;
  } catch {
    return 32_768;
  }
}

const HIGH = ephemeralStart();
const LOW = HIGH - 12_000;

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Jest workers boot their exchanges side by side, and a port is free only until its service binds
 * it a few seconds later: two workers drawing from the same range handed out the same port (an
 * EADDRINUSE at boot). Each worker draws from a slice of its own, and never hands a port out twice.
 */
const SLICES = 16;
const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? '1') || 1);
const SLICE = Math.floor((HIGH - LOW) / SLICES);
const SLICE_LOW = LOW + ((worker - 1) % SLICES) * SLICE;
const handedOut = new Set<number>();

/**
 * A TCP port on loopback that nothing listens on right now, chosen below the ephemeral range so
 * that no outgoing connection can take it before the service that is given it binds it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = SLICE_LOW + Math.floor(Math.random() * SLICE);
    if (handedOut.has(candidate)) continue;
    const port = await tryListen(candidate);
    if (port === undefined) continue;
    handedOut.add(port);
    return port;
  }
  const fallback = await tryListen(0);
  if (fallback === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return fallback;
}
