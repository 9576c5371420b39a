// Development aid: builds the scale load (`node dist/test/bench/scale-hold.js <containers> [host processes]`) and
// holds it until SIGINT/SIGTERM, then removes it; for profiling the scanner, exporter and dashboard against it.
import { buildStep, sizeOf } from './scale.js';
import { ScaleLoad } from './scale-load.js';

const containers = Number(process.argv[2] ?? 300);
const processes = Number(process.argv[3] ?? 20_000);
const load = new ScaleLoad();
const stop = () => {
  load.stop();
  console.log('scale-hold: load removed');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
try {
  load.checkPidHeadroom(sizeOf(containers), processes);
  load.prepare();
  await buildStep(load, containers, processes);
  console.log(`scale-hold: ready (pid ${process.pid}); SIGTERM removes the load`);
  setInterval(() => undefined, 1 << 30);
} catch (err) {
  console.error(err);
  load.stop();
  process.exit(1);
}
