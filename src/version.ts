import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** The bundler (src/cli/bundle.ts) defines it as package.json's version: a bundled CLI starts without finding and reading that file. */
interface VersionGlobal {
  TCTOP_VERSION?: string;
}

function readVersion(): string {
  try {
    return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
  } catch {
    return '0.0.0';
  }
}

// the expression must stay this one: it is what the bundler replaces with a constant
export const VERSION = (globalThis as VersionGlobal).TCTOP_VERSION ?? readVersion();
