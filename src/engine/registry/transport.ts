// HTTP(S) to one registry: keep-alive agents with a bounded number of sockets, docker's TLS material, HTTPS first
// and plain HTTP only where tls.ts allows it. Answers are raw (status, headers, body stream); auth is client.ts's.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { RegistryError } from '../../errors.js';
import { lazyBuiltin } from '../../lazy-builtin.js';
import { allowsPlainHttp, isLoopback, systemCas, tlsMaterial, type TlsMaterial } from './tls.js';

// on first use: node:https (and node:tls under it) only for a registry that speaks TLS, not a loopback plain one
const https = lazyBuiltin<typeof import('node:https')>('node:https');

export interface TransportOptions {
  /** Most connections open at once to this registry (docker's max-concurrent-downloads is 3). */
  maxSockets?: number;
  insecure: Set<string>;
  /** Per request, with no byte received (a registry that accepts and hangs). */
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

export type RequestBody = Buffer | string | (() => Readable);

export class Transport {
  private decided: Promise<string> | undefined;
  /** Plain HTTP was guessed (guessingPlain) and no answer has confirmed it yet. */
  private unconfirmed = false;
  private httpsAgent: HttpsAgent | undefined;
  private readonly http: HttpAgent;
  private readonly timeoutMs: number;
  private readonly tls: TlsMaterial;

  constructor(
    readonly host: string,
    private readonly options: TransportOptions,
  ) {
    this.tls = tlsMaterial(host);
    this.http = new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 4 });
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Made on first HTTPS use: the CA bundle is parsed only by a client that does TLS. */
  private get https(): HttpsAgent {
    const { ca, cert, key, systemOnly } = this.tls;
    this.httpsAgent ??= new (https().Agent)({
      keepAlive: true,
      maxSockets: this.options.maxSockets ?? 4,
      ca: systemOnly ? [...systemCas()] : ca ? [...ca] : undefined,
      cert,
      key,
      rejectUnauthorized: !this.options.insecure.has(this.host),
    });
    return this.httpsAgent;
  }

  close(): void {
    this.httpsAgent?.destroy();
    this.http.destroy();
  }

  /** The base URL, deciding HTTPS or HTTP once, on first use (concurrent callers wait for the same decision). */
  base(): Promise<string> {
    this.decided ??= this.decide().catch((err) => {
      this.decided = undefined;
      throw err;
    });
    return this.decided;
  }

  /**
   * A loopback registry without certs.d is most likely plain HTTP: it is spoken at once, with no probe first (a
   * round trip before every push and pull; the first real answer tells), and a TLS server's refusal of a plain
   * request switches to HTTPS (request() sends that request again). This spares a TLS handshake and parsing the CA
   * bundle (~100 ms) too.
   */
  private guessingPlain(): boolean {
    return isLoopback(this.host) && !this.tls.ca;
  }

  private async decide(): Promise<string> {
    if (this.guessingPlain()) {
      this.unconfirmed = true;
      return `http://${this.host}`;
    }
    return this.decideTls();
  }

  private async decideTls(): Promise<string> {
    try {
      (await this.send('GET', 'https://' + this.host + '/v2/', {})).body.resume();
      return `https://${this.host}`;
    } catch (err) {
      if (!allowsPlainHttp(this.host, this.options.insecure) || !isTlsFailure(err)) throw err;
      return `http://${this.host}`;
    }
  }

  async request(method: string, url: string, headers: OutgoingHttpHeaders, body?: RequestBody): Promise<HttpAnswer> {
    const relative = url.startsWith('/');
    const guessed = relative && this.unconfirmed;
    let answer: HttpAnswer;
    try {
      answer = await this.send(method, relative ? (await this.base()) + url : url, headers, body);
    } catch (err) {
      // no plain answer at all (a server that drops plain connections): HTTPS decides, as it would have after a probe
      if (!guessed || err instanceof RegistryError) throw err;
      return this.sendOverTls(method, url, headers, body);
    }
    if (!guessed || !this.unconfirmed) return answer;
    if (!maybeTlsRefusal(answer)) {
      this.unconfirmed = false; // a plain HTTP registry answered
      return answer;
    }
    const text = await readBody(answer.body, 1 << 16, 'answer').catch(() => Buffer.alloc(0));
    if (!/HTTPS server/i.test(text.toString())) {
      this.unconfirmed = false;
      return { ...answer, body: replay(answer.body, text) };
    }
    return this.sendOverTls(method, url, headers, body);
  }

  /** The guess of plain HTTP was wrong: HTTPS from now on (decided once for concurrent callers), and this request again. */
  private async sendOverTls(method: string, path: string, headers: OutgoingHttpHeaders, body?: RequestBody): Promise<HttpAnswer> {
    if (this.unconfirmed) {
      this.unconfirmed = false;
      this.decided = this.decideTls();
    }
    return this.send(method, (await this.base()) + path, headers, body);
  }

  private send(method: string, url: string, headers: OutgoingHttpHeaders, body?: RequestBody): Promise<HttpAnswer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const sameHost = target.host === this.host;
    // another host (a token realm, a storage redirect) gets a fresh connection with the system CAs
    const agent = sameHost ? (secure ? this.https : this.http) : undefined;
    const doRequest = secure ? https().request : httpRequest;
    return new Promise((resolve, reject) => {
      const req = doRequest(target, { method, headers: { 'user-agent': 'tctop', ...headers }, agent }, (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new RegistryError(`${this.host}: no answer to ${method} ${target.pathname} within ${this.timeoutMs / 1000}s`)),
      );
      req.on('error', (err) => reject(connectionError(this.host, err)));
      if (body === undefined) req.end();
      else if (typeof body === 'function') {
        const stream = body();
        stream.on('error', (err) => req.destroy(err));
        stream.pipe(req);
      } else req.end(body);
    });
  }
}

/** Go's TLS server answers a plain request with a bare HTTP/1.0 400 (no headers): what a registry's own 400 is not. */
function maybeTlsRefusal(answer: HttpAnswer): boolean {
  return answer.status === 400 && answer.body.httpVersion === '1.0' && answer.headers['content-type'] === undefined;
}

/** An answer's body read already, as a stream again (a bare 400 that was not a TLS refusal, for the caller to read). */
function replay(original: IncomingMessage, bytes: Buffer): IncomingMessage {
  const again = Readable.from([bytes]) as unknown as IncomingMessage;
  Object.assign(again, { statusCode: original.statusCode, headers: original.headers, httpVersion: original.httpVersion });
  return again;
}

/** The server does not speak TLS at all (a plain HTTP registry), as opposed to TLS refusing us (an alert, a cert). */
function isTlsFailure(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return /wrong version number|packet length too long|unknown protocol|http request/i.test(cause?.message ?? '');
}

function connectionError(host: string, err: Error & { code?: string }): Error {
  if (err instanceof RegistryError) return err;
  const code = err.code ?? '';
  let why = err.message;
  if (code === 'ECONNREFUSED') why = 'connection refused (is the registry running?)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') why = 'host not found';
  else if (code === 'ECONNRESET') why = 'connection reset';
  // an alert is the server refusing us (no client certificate, or one it does not accept), not our CA check failing
  else if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|HANDSHAKE_FAILURE)/i.test(code))
    why = `the registry requires a client certificate it accepts (client.cert and client.key in /etc/docker/certs.d/${host}/)`;
  else if (/certificate|self.signed|CERT_/i.test(code + why))
    why = `TLS certificate not trusted (${code || why}); put its CA in /etc/docker/certs.d/${host}/ca.crt`;
  const out = new RegistryError(`cannot reach registry ${host}: ${why}`);
  (out as { cause?: unknown }).cause = err;
  return out;
}

/** Reads a small answer whole (JSON documents, error bodies), refusing one larger than the limit. */
export async function readBody(body: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new RegistryError(`${what} is larger than ${limit >> 20} MiB`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
