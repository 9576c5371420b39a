// `tctop ps`: one row per container on the host, any runtime.
import type { Command } from 'commander';
import { RUNTIMES as KNOWN } from '../../discovery/adapters/index.js';
import { UsageError } from '../../errors.js';
import type { RuntimeName } from '../../snapshot/model.js';

/** Every runtime tctop knows (its adapters and the catch-all), for --runtime. */
const RUNTIMES: RuntimeName[] = KNOWN.map((r) => r.runtime);

interface PsOptions {
  json?: boolean;
  all?: boolean;
  runtime?: string[];
  filter?: string[];
  root?: string;
  /** commander turns --no-trunc into trunc: false */
  trunc?: boolean;
}

export function registerPs(program: Command): void {
  program
    .command('ps')
    .description('list every container on the host, any runtime (CPU% is lifetime average, as ps(1))')
    .option('--json', 'print a JSON array')
    .option('-a, --all', 'include containers that run no process (stopped, exited)')
    .option('--runtime <name...>', `only these runtimes (${RUNTIMES.join(', ')})`)
    .option('-f, --filter <key=value...>', 'filter: name=<substring>, id=<prefix>, image=<substring>, state=<state>, runtime=<name>')
    .option('--no-trunc', 'do not truncate IDs, images and names')
    .option('--root <dir>', 'read the host under this directory (e.g. /host in a container)', '/')
    .action(async (opts: PsOptions) => {
      const filters = parseFilters(opts);
      const { scanHostAside } = await import('../../snapshot/scanner.js');
      const { printPs } = await import('../print/ps-table.js');
      // ps prints one line of figures per container: the scan reads those alone (ScanOptions.figures)
      const snapshot = await scanHostAside({ root: opts.root, includeStopped: opts.all, figures: 'summary' });
      const rows = snapshot.containers.filter((c) => filters.every((f) => f(c)));
      printPs(rows, snapshot, { json: !!opts.json, noTrunc: opts.trunc === false });
    });
}

type Pred = (c: { id: string; name: string; image: string; state: string; runtime: string }) => boolean;

export function parseFilters(opts: PsOptions): Pred[] {
  const preds: Pred[] = [];
  // `--runtime runc,sandbox` and `--runtime runc sandbox` both work, as docker's comma lists do
  const runtimes = (opts.runtime ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of runtimes)
    if (!RUNTIMES.includes(r as RuntimeName)) throw new UsageError(`unknown runtime "${r}" (one of ${RUNTIMES.join(', ')})`);
  if (runtimes.length) preds.push((c) => runtimes.includes(c.runtime));
  for (const f of opts.filter ?? []) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad filter "${f}": expected key=value`);
    const key = f.slice(0, eq);
    const value = f.slice(eq + 1);
    switch (key) {
      case 'name':
        preds.push((c) => c.name.includes(value));
        break;
      case 'id':
        preds.push((c) => c.id.startsWith(value));
        break;
      case 'image':
        preds.push((c) => c.image.includes(value));
        break;
      case 'state':
      case 'status':
        preds.push((c) => c.state === value);
        break;
      case 'runtime':
        preds.push((c) => c.runtime === value);
        break;
      default:
        throw new UsageError(`unknown filter key "${key}" (name, id, image, state, runtime)`);
    }
  }
  return preds;
}
