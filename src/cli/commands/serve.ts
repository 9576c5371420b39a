// `tctop serve`: a Prometheus exporter with cAdvisor-compatible container series plus tctop's own.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { escapeControls } from '../../text/sanitize.js';
import { COLLECTORS } from '../../exporter/families/index.js';
import { DEFAULT_LISTEN, parseListenAddress } from '../../exporter/listen-address.js';

interface ServeOptions {
  listen: string;
  maxAge: string;
  root: string;
  [option: string]: unknown;
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve Prometheus metrics (cAdvisor-compatible names) at /metrics, plus /healthz and /')
    .option('--listen <[host]:port>', 'address to listen on', DEFAULT_LISTEN)
    .option(
      '--max-age <ms>',
      'reuse a snapshot this young instead of scanning again; 0: every scrape a fresh scan, shared only by concurrent scrapes',
      '0',
    )
    .option('--root <dir>', 'read the host under this directory (e.g. /host in a DaemonSet)', '/')
    .option(
      '--no-store-container-labels',
      "do not put containers' runtime labels on their series as container_label_<key> (cAdvisor's --store_container_labels)",
    )
    .option(
      '--container-labels-allowlist <keys>',
      'put only these runtime label keys (comma-separated) on the series (cAdvisor: --whitelisted_container_labels)',
    )
    .option('--web.config.file <path>', 'exporter-toolkit web config: basic_auth_users (bcrypt) and tls_server_config')
    .option(
      '--collector.fs.interval <seconds>',
      "walk each container's writable layer again after this long (container_fs_usage_bytes)",
      '60',
    );
  for (const c of COLLECTORS) {
    const state = c.enabledByDefault ? 'on' : 'off';
    cmd.option(`--collector.${c.name}`, `enable the ${c.name} collector: ${c.description} (default ${state})`);
    cmd.option(`--no-collector.${c.name}`, `disable the ${c.name} collector`);
  }
  cmd.action(async (opts: ServeOptions) => {
    const address = parseListenAddress(opts.listen);
    const maxAgeMs = Number(opts.maxAge);
    if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0) throw new UsageError(`bad --max-age "${opts.maxAge}": expected milliseconds >= 0`);
    const fsInterval = Number(opts['collector.fs.interval']);
    if (!Number.isFinite(fsInterval) || fsInterval <= 0)
      throw new UsageError(`bad --collector.fs.interval "${String(opts['collector.fs.interval'])}": expected seconds > 0`);
    const collectors = COLLECTORS.filter((c) => {
      const flag = opts[`collector.${c.name}`];
      return typeof flag === 'boolean' ? flag : c.enabledByDefault;
    });
    const { runExporter } = await import('../../exporter/run.js');
    await runExporter({
      address,
      maxAgeMs,
      root: opts.root,
      collectors,
      labels: {
        storeAll: opts.storeContainerLabels !== false,
        allowlist: listOption(opts.containerLabelsAllowlist as string | undefined),
      },
      webConfigFile: opts['web.config.file'] as string | undefined,
      fsRefreshMs: fsInterval * 1000,
      log: (line) => process.stderr.write(`tctop: ${escapeControls(line)}\n`),
    });
  });
}

/** A comma-separated flag value: its non-empty entries, trimmed; undefined when the flag was not given. */
function listOption(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
}
