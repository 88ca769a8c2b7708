import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TOKEN = 'ward-system-token';

/** Stands in for intake's GET /files/<sha256>: serves what `files` holds, to the right bearer only. */
export async function startFileServer(files: Map<string, Buffer>): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const sha = /^\/files\/([0-9a-f]{64})$/.exec(request.url ?? '')?.[1];
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return void response.writeHead(401).end('{"message":"no token"}');
    const bytes = sha === undefined ? undefined : files.get(sha);
    if (bytes === undefined) return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such file"}');
    response.writeHead(200, { 'content-type': 'application/pdf', 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
