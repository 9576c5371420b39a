// The HTTP side of `tctop serve`: GET/HEAD only, three exact paths, bounded headers and timeouts, optional basic
// auth and TLS. A slow client only ever holds its own socket; a scan or render is shared by every waiting scrape.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { BasicAuth } from './basic-auth.js';
import { indexPage } from './index-page.js';
import { type Exposition, negotiateFormat, type MetricsRenderer } from './renderer.js';
import type { WebConfig } from './web-config.js';

export interface ServerLimits {
  /** Time allowed to receive a request's headers (slowloris bound). */
  headersTimeoutMs: number;
  /** Time allowed for a whole request. */
  requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Largest request header accepted; larger answers 431. */
  maxHeaderSize: number;
  /** Open connections accepted at once; more are closed on arrival. */
  maxConnections: number;
  /** Open connections from one client address: one hostile client cannot take every slot from Prometheus. */
  maxConnectionsPerClient: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderSize: 8 * 1024,
  maxConnections: 512,
  maxConnectionsPerClient: 64,
};

export interface ExporterServerOptions {
  renderer: MetricsRenderer;
  web?: WebConfig;
  limits?: Partial<ServerLimits>;
  /** Called with a one-line description when a scrape fails (the CLI logs it). */
  onError?: (message: string) => void;
}

const PATHS = ['/', '/metrics', '/healthz'] as const;

/** Only the exact paths: no normalisation, so `/metrics/../metrics`, `//metrics` and `%2e%2e` are all 404. */
export function routeOf(url: string | undefined): (typeof PATHS)[number] | undefined {
  const path = (url ?? '').split('?', 1)[0];
  return (PATHS as readonly string[]).includes(path) ? (path as (typeof PATHS)[number]) : undefined;
}

function send(
  res: ServerResponse,
  head: boolean,
  status: number,
  contentType: string,
  body: string | Exposition,
  extra: Record<string, string> = {},
): void {
  const { chunks, length } = typeof body === 'string' ? single(Buffer.from(body, 'utf8')) : body;
  // the caller's hold on the chunks ends once the socket has handed them to the kernel, or will never write them
  if (typeof body !== 'string') {
    if (head) body.release();
    else res.once('close', () => body.release());
  }
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  if (!head) for (const chunk of chunks) res.write(chunk);
  res.end();
}

function single(buf: Buffer): { chunks: Buffer[]; length: number } {
  return { chunks: [buf], length: buf.length };
}

export function createExporterServer(opts: ExporterServerOptions): Server {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const auth = opts.web?.basicAuthUsers ? new BasicAuth(opts.web.basicAuthUsers) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head)
      return send(res, false, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
    if (auth && !(await auth.check(req.headers.authorization))) {
      return send(res, head, 401, 'text/plain; charset=utf-8', 'unauthorized\n', { 'WWW-Authenticate': 'Basic realm="tctop"' });
    }
    switch (routeOf(req.url)) {
      case '/':
        return send(res, head, 200, 'text/html; charset=utf-8', indexPage());
      case '/healthz':
        return send(res, head, 200, 'text/plain; charset=utf-8', 'ok\n');
      case '/metrics': {
        try {
          const exp = await opts.renderer.render(negotiateFormat(req.headers.accept), req.socket);
          return send(res, head, 200, exp.contentType, exp, { Vary: 'Accept' });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          opts.onError?.(`scrape failed: ${message}`);
          return send(res, head, 503, 'text/plain; charset=utf-8', 'scan failed\n');
        }
      }
      default:
        return send(res, head, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  };

  const serverOptions = {
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // check for expired header/request timers often enough that the bounds above actually hold
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, false, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  };
  const server = opts.web?.tls
    ? createHttpsServer({ ...serverOptions, cert: opts.web.tls.cert, key: opts.web.tls.key, minVersion: opts.web.tls.minVersion }, listener)
    : createHttpServer(serverOptions, listener);
  // the provider tells a connection queued during a scan from a later one (snapshots.ts)
  const provider = opts.renderer.provider;
  if (provider.accepted) server.on('connection', (socket: Socket) => provider.accepted!(socket));
  server.maxConnections = limits.maxConnections;
  limitPerClient(server, limits.maxConnectionsPerClient);
  // an idle socket that never sends a full request is dropped after the request timeout
  server.setTimeout(limits.requestTimeoutMs);
  // malformed requests and oversized headers: answer (400/431) when possible, never crash
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}

function limitPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const who = socket.remoteAddress ?? '';
    const n = (open.get(who) ?? 0) + 1;
    if (n > max) return socket.destroy();
    open.set(who, n);
    socket.once('close', () => {
      const left = (open.get(who) ?? 1) - 1;
      if (left <= 0) open.delete(who);
      else open.set(who, left);
    });
  });
}

/** Listen and resolve with the bound address (port 0 picks a free port; host '' every interface). */
export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    if (host === '') server.listen(port, onListening);
    else server.listen(port, host, onListening);
  });
}
