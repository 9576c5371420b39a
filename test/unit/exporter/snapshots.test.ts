// Fresh snapshots: one scan shared by truly concurrent scrapes (same turn, or arrived during the scan), a new scan
// for any later scrape and for a client already handed it; reuse within an explicit max age only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { createExporterServer, listen } from '../../../src/exporter/server.js';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { FreshSnapshots } from '../../../src/exporter/snapshots.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { fixtureSnapshot } from './snapshot-fixture.js';

/** Scrapes that are not concurrent: past the sharing window of a just-taken scan (two check phases). */
const nextTurn = () => new Promise((r) => setImmediate(() => setImmediate(r)));

function countingSource(): { scans: () => number; scan: () => HostSnapshot } {
  let n = 0;
  return {
    scans: () => n,
    scan: () => {
      n++;
      return { ...fixtureSnapshot(), hostProcessCount: n };
    },
  };
}

test('concurrent requests share one in-flight scan', async () => {
  const source = countingSource();
  const fresh = new FreshSnapshots(source, 1000);
  const all = await Promise.all(Array.from({ length: 8 }, () => fresh.get()));
  assert.equal(source.scans(), 1);
  assert.ok(all.every((s) => s === all[0]));
});

test('without a max age, a scrape after the scan ended scans again: no snapshot is served twice in sequence', async () => {
  const source = countingSource();
  const fresh = new FreshSnapshots(source);
  const a = await fresh.get();
  await new Promise((r) => setTimeout(r, 5));
  const b = await fresh.get();
  assert.notEqual(b, a);
  assert.equal(source.scans(), 2);
});

test('a request queued while the scan ran (handled in the turn after it) shares that scan', async () => {
  let queued: Promise<HostSnapshot> | undefined;
  const fresh = new FreshSnapshots({
    scan: () => {
      // an event that arrives during the synchronous scan is handled once it ends, before the next check phase
      queued ??= new Promise((r) => setTimeout(() => r(fresh.get()), 0));
      const until = Date.now() + 5; // long enough for the timer to be due when the scan ends
      while (Date.now() < until);
      return fixtureSnapshot();
    },
  });
  const first = await fresh.get();
  assert.equal(await queued, first);
  assert.equal(fresh.scans, 1);
});

// Four HTTP scrapes from another process, written to their sockets while the scan runs (the scan waits for them).
const CLIENT = `
const net = require('node:net'), fs = require('node:fs');
const [port, dir] = process.argv.slice(1);
const sockets = [1, 2, 3, 4].map(() => net.connect(Number(port), '127.0.0.1'));
const bodies = sockets.map((s) => { let b = ''; s.setEncoding('utf8').on('data', (c) => (b += c)); return new Promise((r) => s.on('close', () => r(b))); });
Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r)))).then(() => {
  fs.writeFileSync(dir + '/connected', '');
  const wait = setInterval(() => {
    if (!fs.existsSync(dir + '/scanning')) return;
    clearInterval(wait);
    let n = 0;
    for (const s of sockets) s.write('GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n', () => ++n === 4 && fs.writeFileSync(dir + '/sent', ''));
  }, 5);
});
Promise.all(bodies).then((all) => process.stdout.write(all.map((b) => /^tctop_host_processes .*$/m.exec(b)?.[0]).join('\\n') + '\\n'));
`;

/**
 * An exporter whose first scan waits (bounded) until `client`, a script run with the port and a directory, has
 * written its scrapes (it sees the file `scanning`, then makes `sent`): the scrapes arrive while the scan runs.
 */
async function scanGatedExporter(t: { after(fn: () => void): void }, client: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-fresh-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let scans = 0;
  const fresh = new FreshSnapshots({
    scan: () => {
      scans++;
      if (scans === 1) {
        writeFileSync(join(dir, 'scanning'), '');
        const until = Date.now() + 10_000; // bounded: the client connects and writes its requests within that
        while (!existsSync(join(dir, 'sent')) && Date.now() < until);
      }
      return { ...fixtureSnapshot(), hostProcessCount: scans };
    },
  });
  const server: Server = createExporterServer({ renderer: new MetricsRenderer(fresh, COLLECTORS) });
  const { port } = await listen(server, '127.0.0.1', 0);
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const child = spawn(process.execPath, ['-e', client, String(port), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise((r) => child.once('exit', r));
  return { dir, port, exited, out: () => out, scans: () => scans };
}

test('HTTP scrapes that arrive while a scan runs share it; a scrape after them gets a new one', { timeout: 30_000 }, async (t) => {
  const { dir, port, exited, out, scans } = await scanGatedExporter(t, CLIENT);
  const deadline = Date.now() + 10_000;
  while (!existsSync(join(dir, 'connected')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const first = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await exited;
  assert.ok(existsSync(join(dir, 'sent')), 'the client sent its scrapes during the scan');
  assert.match(first, /^tctop_host_processes 1$/m);
  assert.equal(out(), 'tctop_host_processes 1\n'.repeat(4));
  assert.equal(scans(), 1);
  assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /^tctop_host_processes 2$/m);
});

// Eight scrapes on fresh connections, opened and written while the scan runs: the server accepts them in the poll
// after the scan and reads them in the poll after that.
const FRESH_CLIENT = `
const net = require('node:net'), fs = require('node:fs');
const [port, dir] = process.argv.slice(1);
const wait = setInterval(() => {
  if (!fs.existsSync(dir + '/scanning')) return;
  clearInterval(wait);
  let sent = 0;
  const bodies = Array.from({ length: 8 }, () => {
    const s = net.connect(Number(port), '127.0.0.1');
    s.once('connect', () => s.write('GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n', () => ++sent === 8 && fs.writeFileSync(dir + '/sent', '')));
    let b = '';
    s.setEncoding('utf8').on('data', (c) => (b += c));
    return new Promise((r) => s.on('close', () => r(b)));
  });
  Promise.all(bodies).then((all) => process.stdout.write(all.map((b) => /^tctop_host_processes .*$/m.exec(b)?.[0]).join('\\n') + '\\n'));
}, 5);
`;

test('eight scrapes on connections opened during a scan share it, though read two polls after it', { timeout: 30_000 }, async (t) => {
  const { dir, port, exited, out, scans } = await scanGatedExporter(t, FRESH_CLIENT);
  const first = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await exited;
  assert.ok(existsSync(join(dir, 'sent')), 'the client connected and sent its scrapes during the scan');
  assert.match(first, /^tctop_host_processes 1$/m);
  assert.equal(out(), 'tctop_host_processes 1\n'.repeat(8));
  assert.equal(scans(), 1);
});

/** One HTTP/1.1 response off a raw socket (Content-Length framed): its body. */
function response(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (c: string) => {
      got += c;
      const end = got.indexOf('\r\n\r\n');
      const length = Number(/^content-length: (\d+)$/im.exec(got.slice(0, end))?.[1]);
      if (end < 0 || got.length < end + 4 + length) return;
      socket.off('data', onData);
      resolve(got.slice(end + 4));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

test('a scrape sent right after the body came, on its kept-alive connection or a new one, gets a new scan', async (t) => {
  const source = countingSource();
  const server: Server = createExporterServer({ renderer: new MetricsRenderer(new FreshSnapshots(source), COLLECTORS) });
  const { port } = await listen(server, '127.0.0.1', 0);
  const socket = connect(port, '127.0.0.1').setEncoding('utf8');
  t.after(() => {
    socket.destroy();
    server.closeAllConnections();
    server.close();
  });
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    // written in the poll that reads the previous body: the server reads it while that scan's window is still open
    const body = response(socket);
    socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
    seen.push(/^tctop_host_processes .*$/m.exec(await body)?.[0] ?? '');
  }
  // a new connection, opened in the poll that read the last body: accepted in the poll after, not queued in a scan
  const other = connect(port, '127.0.0.1').setEncoding('utf8');
  t.after(() => other.destroy());
  const body = response(other);
  other.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
  seen.push(/^tctop_host_processes .*$/m.exec(await body)?.[0] ?? '');
  assert.deepEqual(
    seen,
    [1, 2, 3, 4].map((n) => `tctop_host_processes ${n}`),
  );
  assert.equal(source.scans(), 4);
});

test('a client already handed the just-taken scan gets a new one; another client shares it', async () => {
  const source = countingSource();
  const fresh = new FreshSnapshots(source);
  const [a, b] = [{}, {}];
  const first = await fresh.get(a);
  assert.equal(await fresh.get(b), first, 'b arrived within the window');
  const again = await fresh.get(a);
  assert.notEqual(again, first);
  assert.equal(source.scans(), 2);
});

test('a snapshot is reused within max age and replaced after it', async () => {
  let now = 0;
  const source = countingSource();
  const fresh = new FreshSnapshots(source, 1000, () => now);
  const a = await fresh.get();
  await nextTurn();
  now = 999;
  assert.equal(await fresh.get(), a);
  await nextTurn();
  now = 1001;
  const b = await fresh.get();
  assert.notEqual(b, a);
  assert.equal(source.scans(), 2);
});

test('a throwing scan rejects the waiting scrapes and the next call scans again', async () => {
  let fail = true;
  const fresh = new FreshSnapshots(
    {
      scan: () => {
        if (fail) throw new Error('boom');
        return fixtureSnapshot();
      },
    },
    1000,
  );
  await assert.rejects(Promise.all([fresh.get(), fresh.get()]), /boom/);
  fail = false;
  assert.ok(await fresh.get());
});

test('concurrent scrapes of one snapshot share one render; a new snapshot renders again', async () => {
  let now = 0;
  const source = countingSource();
  const renderer = new MetricsRenderer(new FreshSnapshots(source, 1000, () => now), COLLECTORS);
  const bodies = await Promise.all(Array.from({ length: 8 }, () => renderer.render('prometheus')));
  assert.ok(bodies.every((b) => b.body === bodies[0].body));
  assert.match(bodies[0].body, /^tctop_host_processes 1$/m);
  await nextTurn();
  now = 5000;
  const [p, o] = await Promise.all([renderer.render('prometheus'), renderer.render('openmetrics')]);
  assert.match(p.body, /^tctop_host_processes 2$/m);
  assert.match(o.body, /^tctop_host_processes 2$/m);
  assert.match(o.body, /^container_cpu_usage_seconds_total\{/m, 'OpenMetrics keeps the _total sample names');
  // the Prometheus registry is not disturbed by the OpenMetrics rename
  await nextTurn();
  now = 10000;
  assert.match((await renderer.render('prometheus')).body, /^# TYPE container_cpu_usage_seconds_total counter$/m);
});

test('between scrapes no body is held, unless a max age lets the next scrape be served the same snapshot', async () => {
  let now = 0;
  const held = new MetricsRenderer(new FreshSnapshots(countingSource(), 1000, () => now), COLLECTORS, undefined, true);
  const a = await held.render('prometheus');
  a.release();
  await nextTurn();
  now = 500;
  const b = await held.render('prometheus');
  assert.equal(b, a, 'the same snapshot is served from the held body, not rendered again');
  assert.match(b.body, /^tctop_host_processes 1$/m);
  b.release();

  const free = new MetricsRenderer(new FreshSnapshots(countingSource(), 1000, () => now), COLLECTORS);
  const c = await free.render('prometheus');
  const text = c.body;
  c.release();
  assert.throws(() => c.body, /after its release/, 'no hold is left once its response gave it back');
  const d = await free.render('prometheus');
  assert.notEqual(d, c);
  assert.equal(d.body, text, 'the same snapshot rendered again');
});

const busyFor = (ms: number) => {
  for (const end = performance.now() + ms; performance.now() < end; );
};

test('connections accepted one a turn after a scan share it while the loop stays busy, past the scan duration', async () => {
  const counting = countingSource();
  const fresh = new FreshSnapshots({
    scan: () => {
      busyFor(20);
      return counting.scan();
    },
  });
  const first = await fresh.get({});
  // each turn accepts one queued connection, reads it and writes a large body (30 ms here, 50 for 10 MB): the
  // run outlasts the 20-ms scan because the loop never waits idle while connections are still queued
  const handed: HostSnapshot[] = [];
  await new Promise<void>((done) => {
    let accepts = 0;
    // a timer scheduled before the busy work is due at the next turn, before its check phase (as an accept is)
    const acceptOne = () => {
      const client = {};
      fresh.accepted(client);
      void fresh.get(client).then((s) => handed.push(s));
      if (++accepts < 8) setTimeout(acceptOne, 0);
      else setImmediate(done);
      busyFor(30);
    };
    setTimeout(acceptOne, 0);
    busyFor(2);
  });
  await nextTurn();
  assert.equal(handed.length, 8);
  assert.ok(
    handed.every((s) => s === first),
    'all eight share the scan',
  );
  assert.equal(counting.scans(), 1);
  // once the loop has waited idle longer than the scan took, a new connection is a later scrape
  await new Promise((r) => setTimeout(r, 60));
  const late = {};
  fresh.accepted(late);
  assert.notEqual(await fresh.get(late), first);
  assert.equal(counting.scans(), 2);
});
