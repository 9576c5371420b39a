// The catch-all: a process group in a PID namespace of its own that no adapter claims is shown as runtime
// 'sandbox' (on Kubernetes nodes, typically a pod's sandbox, whose pause process CRI keeps apart). No adapter
// finds these, but the dashboard still needs to say how to act on one.
import { defineRuntime } from '../types.js';

export const sandboxRuntime = defineRuntime({
  runtime: 'sandbox',
  actionHint: (a, c) => `crictl ${a === 'remove' ? 'rmp' : 'stopp'} ${c.name || c.id}`,
});
