import { readFileSync } from 'node:fs';

// package.json sits two levels above dist/src at run time and one above src when read by tests from source.
function readVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')).version as string;
    } catch {
      /* try the next layout */
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
