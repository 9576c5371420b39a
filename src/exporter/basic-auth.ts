// HTTP basic auth against bcrypt hashes. bcrypt is slow on purpose, so verified credentials are cached (by a
// SHA-256 of user and password, as the exporter toolkit does) and unknown users still pay for one comparison.
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

// A valid hash of a random string: unknown users are compared against it so timing does not reveal who exists.
const DUMMY_HASH = '$2b$10$grO50CJqFjIcX8a9wGk1Ue5ptVP1KSoQi6Z0AXjkcEamQ0.NbxANC';
const CACHE_LIMIT = 256;

export class BasicAuth {
  private readonly verified = new Map<string, boolean>();

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  /** True when the Authorization header carries a known user with the right password. */
  async check(authorization: string | undefined): Promise<boolean> {
    const creds = parseBasic(authorization);
    if (!creds) return false;
    const key = createHash('sha256').update(creds.user).update('\0').update(creds.password).digest('hex');
    const cached = this.verified.get(key);
    if (cached !== undefined) return cached;
    const hash = this.users.get(creds.user);
    const ok = (await bcrypt.compare(creds.password, hash ?? DUMMY_HASH)) && hash !== undefined;
    if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
    this.verified.set(key, ok);
    return ok;
  }
}

export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
