// The registry's WWW-Authenticate challenge (docker's token auth spec): Basic sends the credentials on every request;
// Bearer asks the realm for a token for the service and scope (with Basic credentials when we have them, anonymous
// otherwise; an identity token is POSTed as an OAuth2 refresh token, as docker does), then sends it. Tokens are kept per scope for the life of the client.
import { RegistryError } from '../../errors.js';
import type { Credentials } from './credentials.js';
import { readBody, type HttpAnswer, type Transport } from './transport.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"` -> scheme and params. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1].toLowerCase(), params };
}

export function basicHeader(creds: Credentials): string {
  return 'Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
}

export class Authorizer {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly transport: Transport,
    private readonly creds: Credentials | undefined,
  ) {}

  remember(challenge: Challenge | undefined): void {
    if (challenge) this.challenge = challenge;
  }

  get knowsChallenge(): boolean {
    return this.challenge !== undefined;
  }

  /** The Authorization header for a request needing `scope`, or undefined when the registry asked for none. */
  async header(scope: string): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      if (!this.creds || this.creds.identityToken)
        throw new RegistryError(`${this.transport.host} requires a login (tctop login ${this.transport.host})`);
      return basicHeader(this.creds);
    }
    if (c.scheme !== 'bearer')
      throw new RegistryError(`${this.transport.host} asks for "${c.scheme}" authentication, which tctop does not speak`);
    const cached = this.tokens.get(scope);
    if (cached) return `Bearer ${cached}`;
    const token = await this.fetchToken(c.params, scope);
    this.tokens.set(scope, token);
    return `Bearer ${token}`;
  }

  /** A 401 after we sent a token: the scope needs more (push after pull), or the registry changed its mind. */
  forget(scope: string): void {
    this.tokens.delete(scope);
  }

  private async fetchToken(params: Record<string, string>, scope: string): Promise<string> {
    if (!params.realm) throw new RegistryError(`${this.transport.host} sent a Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(params.realm);
    } catch {
      throw new RegistryError(`${this.transport.host} sent a Bearer realm that is not a URL`);
    }
    const scopes = scope.split(' ').filter(Boolean);
    let answer: HttpAnswer;
    if (this.creds?.identityToken) {
      // docker's OAuth2 flow for an identity token: POST the refresh token as a form to the realm
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.creds.identityToken, client_id: 'tctop' });
      if (params.service) form.set('service', params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      const body = Buffer.from(form.toString());
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length };
      answer = await this.transport.request('POST', url.toString(), headers, body);
    } else {
      if (params.service) url.searchParams.set('service', params.service);
      for (const one of scopes) url.searchParams.append('scope', one);
      if (this.creds) url.searchParams.set('account', this.creds.username);
      answer = await this.transport.request('GET', url.toString(), this.creds ? { authorization: basicHeader(this.creds) } : {});
    }
    const body = await readBody(answer.body, 1 << 20, `token from ${url.host}`);
    if (answer.status === 401 || answer.status === 403) {
      throw new RegistryError(
        `${this.transport.host}: ${
          this.creds?.identityToken
            ? 'the identity token from the credential store was refused (log in again)'
            : this.creds
              ? `login refused for user "${this.creds.username}" (wrong username or password?)`
              : 'anonymous access refused (tctop login first)'
        }`,
      );
    }
    if (answer.status !== 200) throw new RegistryError(`${this.transport.host}: token endpoint ${url.host} answered HTTP ${answer.status}`);
    let parsed: { token?: unknown; access_token?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError(`${this.transport.host}: token endpoint ${url.host} sent no JSON`);
    }
    const token =
      typeof parsed.token === 'string' ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : undefined;
    if (!token) throw new RegistryError(`${this.transport.host}: token endpoint ${url.host} sent no token`);
    return token;
  }
}
