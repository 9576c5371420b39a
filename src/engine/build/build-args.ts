// Build arguments with docker's scoping: --build-arg values, ARGs before the first FROM (visible only to FROM lines
// and to a stage that declares them again), ARGs declared in a stage (visible from there on), and the predefined
// proxy args usable without a declaration. Which ones were consumed is tracked for docker's warning.
export const PREDEFINED_ARGS = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]);

export class BuildArgs {
  readonly consumed = new Set<string>();
  /** ARG values declared before the first FROM. */
  readonly global = new Map<string, string | undefined>();

  constructor(readonly given: Map<string, string>) {}

  /** The value an `ARG name[=default]` takes: --build-arg wins over the default. */
  declare(name: string, expandedDefault: string | undefined, scope: Map<string, string | undefined>, inStage: boolean): void {
    if (this.given.has(name)) {
      this.consumed.add(name);
      scope.set(name, this.given.get(name));
      return;
    }
    // `ARG NAME` inside a stage re-uses the value of a global ARG of the same name
    const inherited = inStage && expandedDefault === undefined && this.global.has(name) ? this.global.get(name) : undefined;
    scope.set(name, expandedDefault ?? inherited);
  }

  /** K=V entries of a stage's declared args that have a value. */
  entries(scope: Map<string, string | undefined>): string[] {
    const out: string[] = [];
    for (const [k, v] of scope) if (v !== undefined) out.push(`${k}=${v}`);
    return out;
  }

  /** The predefined (proxy) args given on the command line: in RUN's environment, never in history or cache keys. */
  predefined(scope: Map<string, string | undefined>): string[] {
    const out: string[] = [];
    for (const [k, v] of this.given) {
      if (PREDEFINED_ARGS.has(k) && !scope.has(k)) {
        this.consumed.add(k);
        out.push(`${k}=${v}`);
      }
    }
    return out;
  }

  unconsumed(): string[] {
    return [...this.given.keys()].filter((k) => !this.consumed.has(k)).sort();
  }
}
