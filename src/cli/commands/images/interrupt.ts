// A load or import stopped by SIGINT/SIGTERM/SIGHUP removes its staging dir before the process dies, so nothing is
// left behind (a SIGKILL is cleaned up by the next load instead). The signal is then re-raised for the usual status.
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function withInterruptCleanup<T>(cleanup: () => void, work: () => Promise<T>): Promise<T> {
  const handler = (signal: NodeJS.Signals) => {
    for (const s of SIGNALS) process.off(s, handler);
    cleanup();
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.on(s, handler);
  try {
    return await work();
  } finally {
    for (const s of SIGNALS) process.off(s, handler);
  }
}
