// Development aid: the scale bench's one-shot command figures (`inspect --json` of 30 Docker containers against a
// `docker top` loop, `ps --json` against ps(1)) against a load that already runs (scale-hold.js), without building
// one: `node dist/test/bench/scale-cli-live.js [runs] [inspect|ps|both]`. Prints one JSON line, with the load average
// before, between and after.
import { spawnSync } from 'node:child_process';
import { loadAverage } from './scale-load.js';
import { inspectAgainstDockerTop, psAgainstProcps } from './scale-measure.js';

const runs = Number(process.argv[2] ?? 7);
const which = process.argv[3] ?? 'both';
// the load's Docker containers carry its label (scale-load.ts); the bench takes 30 of them
const ids = spawnSync('docker', ['ps', '-q', '--no-trunc', '--filter', 'label=tctop-scale-pid'], { encoding: 'utf8' })
  .stdout.split('\n')
  .filter(Boolean)
  .sort()
  .slice(0, 30);
if (ids.length < 30) throw new Error(`scale-cli-live: the load runs ${ids.length} Docker containers, not 30`);
const out: Record<string, unknown> = { load: [loadAverage()] };
if (which !== 'ps') {
  const [top, inspect] = await inspectAgainstDockerTop(ids, runs);
  Object.assign(out, { dockerTopLoopMs: Math.round(top), inspectMs: Math.round(inspect), inspectRatio: +(inspect / top).toFixed(3) });
  (out.load as string[]).push(loadAverage());
}
if (which !== 'inspect') {
  const [ps, ours] = await psAgainstProcps(runs);
  Object.assign(out, { procpsMs: Math.round(ps), psMs: Math.round(ours), psRatio: +(ours / ps).toFixed(3) });
  (out.load as string[]).push(loadAverage());
}
console.log(JSON.stringify(out));
