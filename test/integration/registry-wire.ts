// Raw distribution-API calls for the registry tests: what a test crafts itself (an index over two platforms, a
// layer of a chosen size) goes to the real registry this way, and a stalling proxy stops a pull mid-transfer.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export function http(
  method: string,
  url: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.end(body);
  });
}

/** A monolithic upload (POST, then PUT ?digest=) to a plain-HTTP registry; returns the digest. */
export async function uploadBlob(host: string, repo: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const start = await http('POST', `http://${host}/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202) throw new Error(`upload start: HTTP ${start.status} ${start.body}`);
  const location = new URL(String(start.headers.location), `http://${host}`);
  location.searchParams.set('digest', digest);
  const put = await http('PUT', location.toString(), data, { 'content-type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`upload put: HTTP ${put.status} ${put.body}`);
  return digest;
}

export async function putManifest(
  host: string,
  repo: string,
  ref: string,
  doc: object,
  mediaType: string,
): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(doc));
  const r = await http('PUT', `http://${host}/v2/${repo}/manifests/${ref}`, bytes, { 'content-type': mediaType });
  if (r.status !== 201) throw new Error(`manifest put: HTTP ${r.status} ${r.body}`);
  return { digest: sha256(bytes), size: bytes.length };
}

export async function getManifest(host: string, repo: string, ref: string): Promise<{ bytes: Buffer; type: string }> {
  const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  const r = await http('GET', `http://${host}/v2/${repo}/manifests/${ref}`, undefined, { accept });
  if (r.status !== 200) throw new Error(`manifest get: HTTP ${r.status}`);
  return { bytes: r.body, type: String(r.headers['content-type']) };
}

export async function getBlob(host: string, repo: string, digest: string): Promise<Buffer> {
  const r = await http('GET', `http://${host}/v2/${repo}/blobs/${digest}`);
  if (r.status !== 200) throw new Error(`blob get: HTTP ${r.status}`);
  return r.body;
}

/** Forwards to `target` until `stallAfter` bytes went back to the client, then sends nothing more (a hung transfer). */
export async function stallingProxy(
  target: number,
  stallAfter: number,
): Promise<{ port: number; forwarded: () => number; close: () => Promise<void> }> {
  let total = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      const room = stallAfter - total;
      if (room <= 0) return;
      const part = d.subarray(0, room);
      total += part.length;
      client.write(part);
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    forwarded: () => total,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
