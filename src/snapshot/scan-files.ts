// The scanner's reader and what it holds between scans: the files read every scan kept open, and the limit files'
// cache with a descriptor set of its own, sharing one descriptor budget (host/fd-budget.ts). A one-shot scanner
// keeps no file open; its cache only spares a second read of a file within the scan.
import type { CgroupLayout } from '../host/cgroupfs/layout.js';
import { cgroupDir } from '../host/cgroupfs/v1.js';
import { SpecCache } from '../host/cgroupfs/spec-cache.js';
import { defaultMaxOpen } from '../host/fd-budget.js';
import { isCgroup2Fs, isKernelFs } from '../host/fs-magic.js';
import { OpenFiles } from '../host/open-files.js';
import type { HostPaths } from '../host/paths.js';
import { HostReader } from '../host/reader.js';

export class ScanFiles {
  readonly reader: HostReader;
  private readonly files: OpenFiles | undefined;
  private readonly specs: SpecCache;
  /** The cgroup hierarchies' mount points. */
  private readonly mounts: string[];

  /**
   * @param idleMs how long a kept file not read stays open (a quiet container's files are read at its full reads,
   * snapshot/quiet-containers.ts); 0: until the next sweep.
   */
  constructor(paths: HostPaths, layout: CgroupLayout, keepFilesOpen: boolean, specTtlMs: number, fdBudget = defaultMaxOpen(), idleMs = 0) {
    this.mounts = [...layout.v1.values(), ...(layout.unified ? [layout.unified] : [])];
    if (keepFilesOpen) {
      const kernelDirs = (dirs: string[]) => dirs.filter(isKernelFs).map((d) => (d.endsWith('/') ? d : `${d}/`));
      const cgroupDirs = kernelDirs([...layout.v1.values(), ...(layout.unified ? [layout.unified] : [])]);
      // one descriptor budget for both sets: usage files and stat, read every scan, get nearly all of it (a kept limit
      // file, read once a TTL, saves a fifth of what a kept usage file saves, or less)
      const budget = fdBudget;
      const cgroup2Dirs = cgroupDirs.filter(isCgroup2Fs);
      this.files = new OpenFiles([...kernelDirs([paths.proc]), ...cgroupDirs], budget - Math.floor(budget / 16), cgroup2Dirs, idleMs);
      // limit files are read every few seconds, not every scan: their own set, closed as their cache entries expire
      this.specs = new SpecCache(specTtlMs, new OpenFiles(cgroupDirs, Math.floor(budget / 16)));
    } else {
      this.specs = new SpecCache(specTtlMs);
    }
    this.reader = new HostReader(paths, { files: this.files, specs: this.specs });
  }

  /** After a scan: close what it did not read (files of processes and cgroups that are gone). */
  sweep(): void {
    this.files?.sweep();
  }

  /** Between scans: read the limit files that will have expired by `by` until `deadline` (SpecCache.prefetch). */
  prefetchSpecs(by: number, deadline: number): boolean {
    return this.specs.prefetch(by, deadline);
  }

  /** After a full pass: drop limit files not read for a while (containers that went away). */
  prune(): void {
    this.specs.prune();
  }

  /**
   * A process left the scanner's cache (its container is gone, or it exited): its files kept open go now, not when
   * idle (its net/dev pins its network namespace).
   */
  forgetProcessFiles(pid: number): void {
    const dir = `${this.reader.paths.proc}/${pid}`;
    this.files?.forget(`${dir}/stat`);
    this.files?.forget(`${dir}/net/dev`);
  }

  /** Container cgroups that are gone (paths in the hierarchies): close the files kept in them, in every hierarchy. */
  forgetCgroups(paths: string[]): void {
    if (!this.files) return;
    const dirs = new Set<string>();
    for (const mount of this.mounts) for (const p of paths) dirs.add(cgroupDir(mount, p));
    this.files.forgetInDirs(dirs);
  }

  /** A PID now belongs to another process: the old one's files (its net/dev pins its network namespace) must go. */
  forgetProcess(pid: number): void {
    this.files?.forgetUnder(`${this.reader.paths.proc}/${pid}`);
  }

  close(): void {
    this.files?.close();
    this.specs.close();
  }
}
