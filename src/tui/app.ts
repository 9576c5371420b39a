// The dashboard: one sampler tick -> one render; keys change the UI state and render again. No timer per panel.
import type blessed from 'blessed';
import { Sampler } from '../sampler/sampler.js';
import type { HostSnapshot } from '../snapshot/model.js';
import { allContainerRates, hostRates } from '../snapshot/rates.js';
import { HostScanner } from '../snapshot/scanner.js';
import { runEngine } from './actions.js';
import { History } from './history.js';
import { ContainerHistory, type ContainerSeries } from './container-history.js';
import { loadHostFacts } from './host-facts.js';
import { handleKey, keyName, type Effect } from './keys.js';
import { escapeControls } from '../text/sanitize.js';
import { ChartPanel } from './chart-panel.js';
import { configuredColumns, writeConfig, type DashboardConfig } from './config.js';
import { createLayout, place, regions, type Layout } from './layout.js';
import {
  containerCpuChart,
  containerIoChart,
  containerMemChart,
  containerNetChart,
  hostCpuChart,
  hostMemChart,
} from './view/chart-data.js';
import { renderDetail, renderHeader, renderHelp, renderTable, statusLine } from './render.js';
import { createScreen, restoreTerminal } from './screen.js';
import { initialState, reselect, type UiState } from './state.js';
import { containerRows, filterRows, sortRows, type ContainerRow } from './view/container-rows.js';
import { detailView } from './view/detail.js';
import { hostPaths } from '../host/paths.js';
import { RootfsWatch } from './rootfs-watch.js';
import { rootfsPaneLines } from './view/rootfs-pane.js';
import { headerLines, type HostFacts } from './view/header.js';
import { stateDirectories, watchStateDirectories, type StateWatcher } from './watch.js';
import { MoreViews } from './more-views.js';
import { groupRows } from './view/groups.js';
import { escapeTags } from './view/text-cells.js';
import { withGauges } from './view/gauges.js';
import { shownIds } from './view/focus.js';

export interface DashboardOptions {
  root: string;
  intervalMs: number;
  /** false for --no-color or NO_COLOR: no colour anywhere, charts in the terminal's own colour. */
  colours?: boolean;
  /** The settings file's contents (read by the CLI) and where W writes them. */
  config?: DashboardConfig;
  configPath?: string;
  /** How often the detail view's writable layer is walked again (ms; default a minute). */
  rootfsRefreshMs?: number;
}

class Dashboard {
  private readonly screen: blessed.Widgets.Screen;
  private readonly layout: Layout;
  private readonly sampler: Sampler;
  private readonly scanner: HostScanner;
  /** The host's two series. */
  private readonly history = new History();
  private readonly containerHistory = new ContainerHistory();
  private readonly hostCharts: ChartPanel[];
  private readonly columns: ReturnType<typeof configuredColumns>;
  /** The gauges join the default columns only: columns the user chose in the config are shown as chosen. */
  private readonly gauges: boolean;
  private readonly detailCharts: ChartPanel[];
  private readonly rootfs: RootfsWatch;
  private readonly more: MoreViews;
  private state: UiState = initialState();
  private facts: HostFacts = {};
  private rows: ContainerRow[] = [];
  private visible: ContainerRow[] = [];
  /** The index in `visible` of the table's top row on screen (only the rows on screen are in the list). */
  private firstShown = 0;
  private watcher: StateWatcher | undefined;
  private finished = false;

  constructor(
    private readonly options: DashboardOptions,
    private readonly done: (err?: unknown) => void,
  ) {
    const scanner = new HostScanner({ root: options.root, fullPassAside: true });
    this.scanner = scanner;
    this.sampler = new Sampler(scanner, options.intervalMs);
    this.screen = createScreen();
    this.layout = createLayout(this.screen);
    const config = options.config ?? {};
    this.state = { ...this.state, sortKey: config.sort ?? this.state.sortKey, reverse: config.reverse ?? this.state.reverse };
    this.columns = configuredColumns(config);
    this.gauges = config.columns === undefined;
    this.hostCharts = [0, 1].map(() => new ChartPanel(this.screen));
    this.detailCharts = [0, 1, 2, 3].map(() => new ChartPanel(this.screen));
    this.rootfs = new RootfsWatch(hostPaths(options.root), options.rootfsRefreshMs);
    this.more = new MoreViews(this.screen, scanner, options.root, () => this.guard(() => this.render()));
  }

  start(): void {
    this.screen.on('keypress', (ch: string | undefined, key: { name?: string; ctrl?: boolean }) =>
      this.guard(() => this.onKey(keyName(ch, key))),
    );
    this.screen.on('resize', () => this.guard(() => this.render()));
    this.layout.list.on('click', (data: { y: number }) => this.guard(() => this.onClickRow(data.y)));
    this.layout.list.on('wheeldown', () => this.guard(() => this.onKey('down')));
    this.layout.list.on('wheelup', () => this.guard(() => this.onKey('up')));
    this.layout.detail.on('wheeldown', () => this.guard(() => this.scrollDetail('down')));
    this.layout.detail.on('wheelup', () => this.guard(() => this.scrollDetail('up')));
    this.more.tree.box.on('click', (data: { y: number }) =>
      this.guard(() => {
        this.more.tree.click(data.y);
        this.render();
      }),
    );
    for (const [box, view] of [
      [this.more.tree.box, 'tree'],
      [this.more.logs.box, 'logs'],
    ] as const) {
      box.on('wheeldown', () => this.guard(() => this.state.view === view && this.onKey('down')));
      box.on('wheelup', () => this.guard(() => this.state.view === view && this.onKey('up')));
    }
    this.sampler.subscribe((cur, prev) => this.guard(() => this.onSnapshot(cur, prev)));
    this.facts = {
      ...loadHostFacts(this.options.root),
      runtimes: [...new Set(stateDirectories(this.options.root).map((d) => d.runtime))].sort(),
    };
    this.sampler.start();
    watchStateDirectories(this.options.root, () => this.guard(() => this.refreshNow()))
      .then((w) => {
        if (this.finished) return void w.close();
        this.watcher = w;
        this.guard(() => this.refreshNow()); // whatever started while the watchers were setting up
      })
      .catch(() => undefined); // without a watcher the dashboard still refreshes every tick
  }

  /** Restore the terminal first, then report: an error message must land on a normal screen. */
  finish(err?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.sampler.stop();
    this.rootfs.close();
    this.more.close();
    void this.watcher?.close();
    restoreTerminal(this.screen);
    this.done(err);
  }

  /**
   * Scan now and restart the clock, so this scan takes the place of the next periodic one instead of adding to it
   * (on a host where containers come and go all the time the cost stays near one scan per interval).
   */
  private refreshNow(): void {
    if (this.state.paused || !this.sampler.running) return;
    this.sampler.stop();
    this.sampler.start();
  }

  private guard(fn: () => void): void {
    if (this.finished) return;
    try {
      fn();
    } catch (err) {
      this.finish(err);
    }
  }

  private onSnapshot(cur: HostSnapshot, prev: HostSnapshot | undefined): void {
    const host = hostRates(prev, cur);
    if (prev) this.history.push('host:cpu', host.cpuPercent);
    this.history.push('host:mem', host.memUsedPercent);
    const rates = prev ? allContainerRates(prev, cur) : undefined;
    this.rows = containerRows(cur, prev, rates);
    const known = new Set(prev?.containers.map((c) => c.id));
    for (const r of this.rows) {
      const rate = known.has(r.id) ? rates?.get(r.id) : undefined; // no baseline yet: no rate, not zero
      this.containerHistory.record(r.id, {
        cpu: r.cpuPercent,
        mem: r.memBytes,
        netrx: rate?.netRxBytesPerSec,
        nettx: rate?.netTxBytesPerSec,
        ioread: rate?.ioReadBytesPerSec,
        iowrite: rate?.ioWriteBytesPerSec,
      });
    }
    // the series of containers that are gone, looked for only when some are
    if (!prev || this.rows.length !== known.size || this.rows.some((r) => !known.has(r.id))) {
      this.containerHistory.retain(new Set(this.rows.map((r) => r.id)));
    }
    this.render();
  }

  private onKey(key: string | undefined): void {
    if (key === undefined) return;
    if (this.state.view === 'detail' && this.state.filterDraft === undefined && !this.state.confirm && this.scrollDetail(key)) return;
    if (this.more.key(this.state, key, this.sampler.latest, this.bodyPlace())) return void this.render();
    const page = Math.max(1, Number(this.layout.list.height) - 1);
    const { state, effects } = handleKey(this.state, key, this.visible, page);
    const wasPaused = this.state.paused;
    const from = this.state.view;
    this.state = state;
    if (this.more.switched(from, state, this.sampler.latest)) this.refreshNow();
    if (state.paused !== wasPaused) state.paused ? this.sampler.stop() : this.sampler.start();
    for (const e of effects) this.apply(e);
    if (!this.finished) this.render();
  }

  /** A click on a row selects it; a click on the selected row opens it (the second click of a double click). */
  private onClickRow(screenY: number): void {
    if (this.state.view !== 'table' || this.state.filterDraft !== undefined || this.state.confirm) return;
    const list = this.layout.list as unknown as { atop: number; itop: number; childBase: number };
    const index = this.firstShown + list.childBase + screenY - list.atop - list.itop;
    const row = this.visible[index];
    if (!row) return;
    if (index === this.state.selectedIndex && row.id === this.state.selectedId) {
      this.onKey('enter');
      return;
    }
    this.state = { ...this.state, selectedIndex: index, selectedId: row.id };
    this.render();
  }

  private scrollDetail(key: string): boolean {
    const by = { up: -1, k: -1, down: 1, j: 1, pageup: -10, pagedown: 10 }[key];
    if (by === undefined) return false;
    this.layout.detail.scroll(by);
    this.screen.render();
    return true;
  }

  private apply(effect: Effect): void {
    if (effect.kind === 'quit') this.finish();
    else if (effect.kind === 'save-config') this.saveConfig();
    else if (effect.kind === 'engine') {
      void runEngine(effect.argv).then((r) =>
        this.guard(() => {
          this.state = { ...this.state, message: r.message };
          this.refreshNow();
          this.render();
        }),
      );
    }
  }

  /** W: what is in effect now, written where the next start reads it. */
  private saveConfig(): void {
    const path = this.options.configPath;
    if (!path) return;
    const config: DashboardConfig = {
      columns: this.columns.map((c) => c.header),
      sort: this.state.sortKey,
      reverse: this.state.reverse,
      refreshSeconds: this.options.intervalMs / 1000,
      colours: this.options.colours !== false,
    };
    writeConfig(path, config).then(
      () => this.guard(() => this.say(`settings saved to ${escapeControls(path)}`)),
      (err: NodeJS.ErrnoException) => this.guard(() => this.say(`settings not saved: ${err.code ?? err.message}`)),
    );
  }

  private say(message: string): void {
    this.state = { ...this.state, message };
    this.render();
  }

  private bodyPlace() {
    return regions(Number(this.screen.width), Number(this.screen.height)).body;
  }

  private render(): void {
    const cur = this.sampler.latest;
    const width = Number(this.screen.width);
    const r = regions(width, Number(this.screen.height));
    place(this.layout.header, r.headerText);
    place(this.layout.tableHeader, r.tableHeader);
    place(this.layout.list, r.list);
    place(this.layout.detail, r.charts ? r.detailText : r.body);
    place(this.layout.help, r.body);
    if (cur) this.renderData(cur, width, r);
    const { view } = this.state;
    this.layout.tableHeader.hidden = view !== 'table';
    this.layout.list.hidden = view !== 'table';
    this.layout.detail.hidden = view !== 'detail';
    this.layout.help.hidden = view !== 'help';
    if (view === 'help') renderHelp(this.layout);
    this.more.draw(view, cur, r.body);
    const status = statusLine(this.state, this.visible.length, this.rows.length);
    this.layout.status.setContent(view === 'logs' && !this.state.confirm ? ` ${escapeTags(this.more.logs.status())}` : status);
    this.screen.render();
  }

  private renderData(cur: HostSnapshot, width: number, r: ReturnType<typeof regions>): void {
    const prev = this.sampler.before;
    const host = hostRates(prev, cur);
    const hostHistory = { cpu: this.history.get('host:cpu'), mem: this.history.get('host:mem') };
    renderHeader(this.layout, headerLines(cur, this.facts, host, hostHistory, width), r.charts);
    this.drawCharts(cur, r);
    const sorted = sortRows(filterRows(this.rows, this.state.filter), this.state.sortKey, this.state.reverse);
    this.visible = this.state.grouped ? groupRows(sorted, this.state.openGroups, this.state.sortKey, this.state.reverse) : sorted;
    if (this.state.view === 'detail' && !this.visible.some((r) => r.id === this.state.selectedId)) {
      this.state = { ...this.state, view: 'table', message: 'that container is gone' };
    }
    this.state = {
      ...this.state,
      ...reselect(
        this.state,
        this.visible.map((r) => r.id),
      ),
    };
    this.firstShown = renderTable(
      this.layout,
      this.visible,
      this.state,
      width,
      this.options.colours !== false,
      this.gauges ? withGauges(this.columns, width) : this.columns,
    );
    const list = this.layout.list;
    const height = Number(list.height) - Number(list.iheight ?? 0);
    // an order by memory or state needs those of every container every scan; CPU time is read every scan anyway
    const everySignal = this.state.sortKey === 'mem' || this.state.sortKey === 'state';
    this.scanner.focus(shownIds(this.visible, this.firstShown, height, this.state.selectedId), everySignal);
    const selected = cur.containers.find((c) => c.id === this.state.selectedId);
    if (this.state.view === 'detail' && selected) {
      const history = { cpu: this.containerHistory.get(selected.id, 'cpu'), mem: this.containerHistory.get(selected.id, 'mem') };
      const rootfs = { title: 'Root filesystem', lines: rootfsPaneLines(this.rootfs.of(selected), width) };
      renderDetail(this.layout, detailView(selected, cur, prev, width), history, width, r.charts, [rootfs]);
    } else this.rootfs.idle();
    this.rootfs.retain(cur.containers);
  }

  /** Host charts in the table view, the selected container's in the detail view; none where they do not fit. */
  private drawCharts(cur: HostSnapshot, r: ReturnType<typeof regions>): void {
    const interval = this.options.intervalMs / 1000;
    const colours = this.options.colours !== false;
    const { view } = this.state;
    const host = [hostCpuChart(this.history.get('host:cpu')), hostMemChart(this.history.get('host:mem'))];
    this.hostCharts.forEach((chart, i) =>
      r.charts && view === 'table' ? chart.draw(r.hostCharts[i], host[i], interval, colours) : chart.hide(),
    );
    const selected = view === 'detail' ? cur.containers.find((c) => c.id === this.state.selectedId) : undefined;
    if (!selected || !r.charts) {
      for (const c of this.detailCharts) c.hide();
      return;
    }
    const h = (k: ContainerSeries) => this.containerHistory.get(selected.id, k);
    const cpu = selected.cgroup?.cpu;
    const quota = cpu?.quotaMicros && cpu.periodMicros ? cpu.quotaMicros / cpu.periodMicros : undefined;
    const models = [
      containerCpuChart(h('cpu'), quota),
      containerMemChart(h('mem'), selected.cgroup?.memory?.limitBytes),
      containerNetChart(h('netrx'), h('nettx')),
      containerIoChart(h('ioread'), h('iowrite')),
    ];
    this.detailCharts.forEach((chart, i) => chart.draw(r.detailCharts[i], models[i], interval, colours));
  }
}

/** Runs until the user quits; the terminal is restored before this resolves or rejects. */
export function runDashboard(options: DashboardOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let dashboard: Dashboard | undefined;
    const onSignal = () => dashboard?.finish();
    const onCrash = (err: unknown) => dashboard?.finish(err);
    const cleanup = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    };
    dashboard = new Dashboard(options, (err) => {
      cleanup();
      if (err) reject(err);
      else resolve();
    });
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    try {
      dashboard.start();
    } catch (err) {
      dashboard.finish(err); // e.g. the first scan failed: give the terminal back, then say why
    }
  });
}
