// .dockerignore rules from docker's reference: */temp*, */*/temp*, temp?, **/*.go, ! exceptions, last match wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IgnoreMatcher, readIgnorePatterns } from '../../../../src/engine/build/dockerignore.js';

const matcher = (text: string) => new IgnoreMatcher(readIgnorePatterns(text));

test('the reference example: comments, */temp*, */*/temp*, temp?', () => {
  const m = matcher('# comment\n*/temp*\n*/*/temp*\ntemp?\n');
  assert.equal(m.ignores('somedir/temporary.txt'), true);
  assert.equal(m.ignores('somedir/temp'), true);
  assert.equal(m.ignores('somedir/subdir/temp.txt'), true);
  assert.equal(m.ignores('tempa'), true);
  assert.equal(m.ignores('tempab'), false);
  assert.equal(m.ignores('temp.txt'), false);
  assert.equal(m.ignores('a/b/c/temp'), false);
});

test('** matches any number of directories, including none', () => {
  const m = matcher('**/*.go');
  assert.equal(m.ignores('main.go'), true);
  assert.equal(m.ignores('a/b/c.go'), true);
  assert.equal(m.ignores('a/b/c.gox'), false);
  const all = matcher('a/**');
  assert.equal(all.ignores('a/x/y'), true);
  assert.equal(all.ignores('b/x'), false);
});

test('! exceptions, and the last matching line wins', () => {
  const m = matcher('*.md\n!README*.md\nREADME-secret.md');
  assert.equal(m.ignores('CHANGES.md'), true);
  assert.equal(m.ignores('README.md'), false);
  assert.equal(m.ignores('README-secret.md'), true);
  const n = matcher('*.md\nREADME-secret.md\n!README*.md');
  assert.equal(n.ignores('README-secret.md'), false);
});

test('a pattern matching a directory excludes what is inside it; paths are cleaned; leading / is the context root', () => {
  const m = matcher('node_modules\n/build/\n./logs//old');
  assert.equal(m.ignores('node_modules/x/y.js'), true);
  assert.equal(m.ignores('build/out.o'), true);
  assert.equal(m.ignores('logs/old/1.log'), true);
  assert.equal(m.ignores('src/node_modules'), false); // not anchored anywhere but the root
  assert.deepEqual(readIgnorePatterns('  ! keep \n/a/../b\n'), ['!keep', 'b']);
});

test('?, character classes and escapes stay within one component', () => {
  const m = matcher('file?.txt\n[ab].log\nlit\\*');
  assert.equal(m.ignores('file1.txt'), true);
  assert.equal(m.ignores('file/.txt'), false);
  assert.equal(m.ignores('a.log'), true);
  assert.equal(m.ignores('c.log'), false);
  assert.equal(m.ignores('lit*'), true);
  assert.equal(m.ignores('litx'), false);
});
