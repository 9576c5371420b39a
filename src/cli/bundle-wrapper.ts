// The CommonJS module wrapper around a CLI bundle (dist/cli/tctop.cjs, dist/cli/commands/<group>.cjs): the bundler
// writes it into the file (bundle.ts) so that the launcher (launch.ts) compiles the file's text as it was read. Wrapping
// it at start made a second, flattened copy of the ~300 KB source, in the young generation, at every start.
// A leaf (no imports): both the build step and the launcher read it.
export const WRAP_OPEN = '(function (exports, require, module, __filename, __dirname) {';
export const WRAP_CLOSE = '\n})';
