// Per-device block IO from the cgroup files (v1 blkio.throttle.io_service_bytes, v2 io.stat), and the device's
// name (/dev/vda) from sysfs as cAdvisor labels them; names are looked up once per device number.
import { join } from 'node:path';
import type { HostReader } from '../reader.js';
import type { IoDevice } from '../records.js';

/** v1 "8:0 Read 123" lines: every operation the kernel lists (Read, Write, Sync, Async, Discard, Total) per device. */
export function parseBlkioDevices(text: string | null): Array<Omit<IoDevice, 'device'>> {
  const byDevice = new Map<string, Omit<IoDevice, 'device'>>();
  if (!text) return [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const m = f.length === 3 ? /^(\d+):(\d+)$/.exec(f[0]) : null;
    const n = m ? Number(f[2]) : NaN;
    if (!m || !Number.isFinite(n)) continue;
    let d = byDevice.get(f[0]);
    if (!d) byDevice.set(f[0], (d = { major: Number(m[1]), minor: Number(m[2]), bytes: {} }));
    d.bytes[f[1]] = n;
  }
  return [...byDevice.values()];
}

/** v2 io.stat "8:0 rbytes=1 wbytes=2 ...": rbytes and wbytes as Read and Write, the operations runc maps them to. */
export function parseIoStatDevices(text: string | null): Array<Omit<IoDevice, 'device'>> {
  const out: Array<Omit<IoDevice, 'device'>> = [];
  if (!text) return out;
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const m = /^(\d+):(\d+)$/.exec(fields[0]);
    if (!m) continue;
    const bytes: Record<string, number> = {};
    for (const kv of fields.slice(1)) {
      const [k, v] = kv.split('=');
      if (k === 'rbytes') bytes.Read = Number(v) || 0;
      else if (k === 'wbytes') bytes.Write = Number(v) || 0;
    }
    out.push({ major: Number(m[1]), minor: Number(m[2]), bytes });
  }
  return out;
}

const names = new Map<string, string>();

/** "/dev/<DEVNAME>" from /sys/dev/block/M:m/uevent; '' when sysfs does not know the device (as cAdvisor leaves it). */
export function blockDeviceName(r: HostReader, major: number, minor: number): string {
  const key = `${r.paths.root}\0${major}:${minor}`;
  let name = names.get(key);
  if (name === undefined) {
    const uevent = r.recordText(join(r.paths.root, 'sys/dev/block', `${major}:${minor}`, 'uevent'));
    const dev = uevent ? /^DEVNAME=(.+)$/m.exec(uevent)?.[1] : undefined;
    name = dev ? `/dev/${dev}` : '';
    if (names.size > 4096) names.clear();
    names.set(key, name);
  }
  return name;
}

/** Devices with their names. */
export function namedDevices(r: HostReader, devices: Array<Omit<IoDevice, 'device'>>): IoDevice[] {
  return devices.map((d) => ({ device: blockDeviceName(r, d.major, d.minor), ...d }));
}
