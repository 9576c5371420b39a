// Docker's variable substitution (docs: "Environment replacement"), quotes and escapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envMap, processWord, processWords } from '../../../../src/engine/build/dockerfile/shell-lex.js';

const env = envMap(['FOO=/bar', 'EMPTY=', 'abc=hello']);

test("$VAR, ${VAR} and the :- :+ - + modifiers, as in docker's reference", () => {
  assert.equal(processWord('$FOO', env), '/bar');
  assert.equal(processWord('${FOO}/x', env), '/bar/x');
  assert.equal(processWord('${UNSET:-word}', env), 'word');
  assert.equal(processWord('${EMPTY:-word}', env), 'word');
  assert.equal(processWord('${EMPTY-word}', env), '');
  assert.equal(processWord('${UNSET-word}', env), 'word');
  assert.equal(processWord('${FOO:+word}', env), 'word');
  assert.equal(processWord('${EMPTY:+word}', env), '');
  assert.equal(processWord('${EMPTY+word}', env), 'word');
  assert.equal(processWord('${UNSET:+word}', env), '');
  assert.equal(processWord('${UNSET:-$FOO/y}', env), '/bar/y');
  assert.equal(processWord('$UNSET', env), '');
  assert.equal(processWord('a$', env), 'a$');
  assert.throws(() => processWord('${UNSET:?must be set}', env), /UNSET: must be set/);
});

test('escapes and quotes: \\$foo is literal, single quotes are literal, double quotes expand', () => {
  assert.equal(processWord('\\$FOO', env), '$FOO');
  assert.equal(processWord("'$FOO'", env), '$FOO');
  assert.equal(processWord('"$FOO x"', env), '/bar x');
  assert.equal(processWord('"a\\"b\\\\c\\d"', env), 'a"b\\c\\d');
  assert.equal(processWord('Rex\\ The\\ Dog', env), 'Rex The Dog');
  assert.equal(processWord('"John Doe"', env), 'John Doe');
  assert.throws(() => processWord('"open', env), /double-quote/);
  assert.throws(() => processWord("'open", env), /single-quote/);
});

test('the docs example: ENV abc=hello; ENV abc=bye def=$abc keeps def=hello', () => {
  const before = envMap(['abc=hello']);
  assert.equal(processWord('$abc', before), 'hello');
});

test('processWords splits on unquoted whitespace only', () => {
  assert.deepEqual(processWords('80/tcp "8080 x" ${FOO}', env), ['80/tcp', '8080 x', '/bar']);
  assert.deepEqual(processWords('   ', env), []);
  assert.deepEqual(processWords('a "" b', env), ['a', '', 'b']);
});

test('backtick escape mode', () => {
  assert.equal(processWord('c:`$FOO', env, '`'), 'c:$FOO');
  assert.equal(processWord('c:\\dir', env, '`'), 'c:\\dir');
});
