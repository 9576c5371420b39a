// `npm run bench`: every suite against its real peers on this machine, in one run, under one load.
import { startLoad } from './load.js';
import { runInterruptCleanups, type BenchRow, type BenchSuite } from './types.js';

const SUITE_FILES = ['discovery', 'images', 'engine', 'exporter', 'tui', 'registry', 'build', 'verbs', 'fs', 'scale'];
/** Suites run only when named (`npm run bench -- <name>`): none at present (scale's soak is part of scale). */
const NAMED_ONLY: string[] = [];

async function loadSuites(only: string[]): Promise<BenchSuite[]> {
  const out: BenchSuite[] = [];
  for (const name of [...SUITE_FILES, ...NAMED_ONLY].filter((n) => (only.length === 0 ? SUITE_FILES.includes(n) : only.includes(n)))) {
    try {
      out.push(((await import(`./${name}.js`)) as { suite: BenchSuite }).suite);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
      console.error(`(suite ${name} not present)`);
    }
  }
  return out;
}

function printRows(suite: string, rows: BenchRow[]): void {
  for (const r of rows) {
    const value = `${r.value.toFixed(r.unit === 'ms' ? 2 : 1)} ${r.unit}`;
    const peer = r.peer ? `  vs ${r.peer.name} ${r.peer.value.toFixed(2)} ${r.unit}  ratio ${(r.value / r.peer.value).toFixed(3)}x` : '';
    console.log(`${r.ok ? 'PASS' : 'MISS'}  [${suite}] ${r.name}: ${value}${peer}  (target ${r.target})`);
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const suites = await loadSuites(only);
  const extra = Math.max(0, ...suites.map((s) => s.wants.extraProcesses));
  const docker = Math.max(0, ...suites.map((s) => s.wants.dockerContainers));
  console.log(`bench load: ${extra} extra processes, ${docker} docker containers`);
  const load = await startLoad(extra, docker);
  const cleanup = () => load.stop();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      runInterruptCleanups(); // the suites' own loads (scale's containers) first
      cleanup();
      process.exit(130);
    });
  }
  let missed = 0;
  try {
    for (const s of suites) {
      const rows = await s.run(load);
      printRows(s.name, rows);
      missed += rows.filter((r) => !r.ok).length;
    }
  } finally {
    cleanup();
  }
  console.log(missed ? `${missed} target(s) missed` : 'all targets met');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
