// The token endpoint of the `auth: token` registries (docker's token auth spec): RS256 JWTs signed with a key whose
// certificate the registry trusts (x5c), for Basic-authenticated users, refresh-token holders and, when allowed,
// anonymous pulls.
import { createSign, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { openssl } from './registry-harness.js';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * The token endpoint: Basic-authenticated users (GET) and holders of a refresh token (docker's OAuth2 POST form) get
 * what they ask for; anonymous ones pull only if allowed. A POST is noted in `requests` as "POST <form>".
 */
export function startTokenServer(
  dir: string,
  users: Record<string, string>,
  anonymousPull: boolean,
  refreshTokens: Record<string, string> = {},
): Promise<{ server: Server; port: number; certFile: string; requests: string[] }> {
  const key = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=tctop test token issuer',
    ],
    dir,
  );
  const keyPem = readFileSync(key, 'utf8');
  const der = Buffer.from(readFileSync(certFile, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      let form = '';
      req.on('data', (d) => (form += d));
      req.on('end', () => {
        requests.push(`POST ${form}`);
        const fields = new URLSearchParams(form);
        const account = fields.get('grant_type') === 'refresh_token' ? refreshTokens[fields.get('refresh_token') ?? ''] : undefined;
        if (!account) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid refresh token"}');
          return;
        }
        const query = new URLSearchParams({ service: fields.get('service') ?? '' });
        for (const one of (fields.get('scope') ?? '').split(' ').filter(Boolean)) query.append('scope', one);
        answer(new URL(`/token?${query}`, 'http://127.0.0.1'), account, res);
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.search);
    const auth = req.headers.authorization;
    let account = '';
    if (auth?.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (users[user] !== rest.join(':')) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      account = user;
    }
    if (!account && !anonymousPull && url.searchParams.getAll('scope').length) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"authentication required"}');
      return;
    }
    answer(url, account, res);
  });
  /** A signed token granting `account` (or anonymous) the scopes asked for. */
  function answer(url: URL, account: string, res: ServerResponse): void {
    const access = url.searchParams.getAll('scope').flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      const granted = (actions ?? '').split(',').filter((a) => account || (anonymousPull && a === 'pull'));
      return granted.length ? [{ type, name, actions: granted }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] };
    const claims = {
      iss: 'tctop-test-issuer',
      sub: account,
      aud: url.searchParams.get('service'),
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(keyPem);
    const token = `${signingInput}.${b64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  }
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, certFile, requests })),
  );
}
