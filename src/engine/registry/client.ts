// The OCI distribution API (v2) for one repository: manifests, blobs, uploads, with the auth challenge answered on
// the way (a 401 names the scheme; we retry once with what it asked for).
import type { OutgoingHttpHeaders } from 'node:http';
import { NotFoundError, RegistryError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { Authorizer, parseChallenge } from './auth.js';
import { getCredentials, type Credentials } from './credentials.js';
import { apiHost } from './reference.js';
import { insecureRegistries } from './tls.js';
import { readBody, Transport, type HttpAnswer, type RequestBody } from './transport.js';

export interface ClientOptions {
  /** Credentials to use instead of the stored ones (login checks them before storing). */
  credentials?: Credentials;
  insecureRegistries?: string[];
  maxConnections?: number;
}

interface CallOptions {
  scope: string;
  headers?: OutgoingHttpHeaders;
  body?: RequestBody;
}

export const MAX_MANIFEST_BYTES = 4 << 20;

export class RegistryClient {
  private constructor(
    readonly registry: string,
    private readonly transport: Transport,
    private readonly auth: Authorizer,
  ) {}

  static async open(registry: string, options: ClientOptions = {}): Promise<RegistryClient> {
    const creds = options.credentials ?? (await getCredentials(registry));
    const transport = new Transport(apiHost(registry), {
      insecure: insecureRegistries(options.insecureRegistries),
      maxSockets: options.maxConnections,
    });
    // the scheme probe starts now, beside the caller's local work; a failure is raised again by the first request
    transport.base().catch(() => {});
    return new RegistryClient(registry, transport, new Authorizer(transport, creds));
  }

  close(): void {
    this.transport.close();
  }

  /** GET /v2/: checks the registry answers and, with credentials, that they are accepted (for login). */
  async ping(): Promise<void> {
    const answer = await this.call('GET', '/v2/', { scope: '' });
    answer.body.resume();
    if (answer.status !== 200) throw await this.failure(answer, 'the registry API check');
  }

  /** Sends a request, answering one auth challenge. Callers check the status and consume the body. */
  async call(method: string, path: string, options: CallOptions): Promise<HttpAnswer> {
    let sentBasic = false;
    const send = async () => {
      const authorization = await this.auth.header(options.scope);
      sentBasic = authorization?.startsWith('Basic ') ?? false;
      const headers = { ...options.headers, ...(authorization ? { authorization } : {}) };
      return this.transport.request(method, path, headers, options.body);
    };
    let answer = await send();
    if (answer.status === 401 && typeof options.body !== 'function') {
      answer.body.resume();
      const challenge = parseChallenge(header(answer, 'www-authenticate'));
      if (!challenge) throw new RegistryError(`${this.registry}: HTTP 401 without a WWW-Authenticate challenge`);
      // credentials this very request carried were refused: asking again would not help
      if (sentBasic && challenge.scheme === 'basic')
        throw new RegistryError(`${this.registry}: login refused (wrong username or password?)`);
      this.auth.remember(challenge);
      this.auth.forget(options.scope);
      answer = await send();
    }
    if (answer.status === 401) {
      answer.body.resume();
      throw new RegistryError(
        `${this.registry}: authentication failed for ${method} ${cell(path.split('?')[0], 200)} (wrong username or password, or no access)`,
      );
    }
    return answer;
  }

  /** Follows the registry's redirects for blob downloads (to storage, without our Authorization header). */
  async follow(answer: HttpAnswer): Promise<HttpAnswer> {
    for (let hops = 0; answer.status >= 300 && answer.status < 400 && hops < 5; hops++) {
      const location = header(answer, 'location');
      answer.body.resume();
      if (!location) throw new RegistryError(`${this.registry}: redirect without a Location`);
      answer = await this.transport.request('GET', new URL(location, await this.transport.base()).toString(), {});
    }
    return answer;
  }

  async failure(answer: HttpAnswer, what: string): Promise<Error> {
    let detail = '';
    try {
      const body = JSON.parse((await readBody(answer.body, 1 << 20, 'error body')).toString('utf8')) as {
        errors?: Array<{ code?: string; message?: string }>;
      };
      const first = body.errors?.[0];
      if (first) detail = `: ${cell(String(first.message ?? first.code ?? ''), 200)}`;
    } catch {
      // not JSON: the status says enough
    }
    const message = `${this.registry}: ${what} failed (HTTP ${answer.status}${detail})`;
    return answer.status === 404 ? new NotFoundError(message) : new RegistryError(message);
  }

  async absoluteUrl(location: string): Promise<string> {
    return new URL(location, await this.transport.base()).toString();
  }
}

export function header(answer: HttpAnswer, name: string): string | undefined {
  const v = answer.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
