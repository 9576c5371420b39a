// The Dockerfile parser against the cases of docker's reference (docs.docker.com/reference/dockerfile): parser
// directives, comments, continuations, JSON vs shell form, ENV/LABEL/ARG forms, flags, errors naming the line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitLogicalLines } from '../../../../src/engine/build/dockerfile/lines.js';
import { parseDockerfile, type Instruction } from '../../../../src/engine/build/dockerfile/parse.js';
import { extractFlags, parseJsonArray, parseWords } from '../../../../src/engine/build/dockerfile/words.js';

type Of<K extends Instruction['keyword']> = Instruction & Extract<Instruction, { keyword: K } | { keyword: K | any }> & { keyword: K };
const only = <K extends Instruction['keyword']>(df: string, keyword: K) =>
  parseDockerfile(df).instructions.find((i) => i.keyword === keyword) as Of<K>;

test('line continuations join lines; comment lines inside them and empty continuation lines are dropped', () => {
  const text = splitLogicalLines('FROM x\nRUN echo hello \\\n# comment\n  world \\\n\n  again\n# trailing\nCMD a');
  assert.deepEqual(text.lines, [
    { line: 1, text: 'FROM x' },
    { line: 2, text: 'RUN echo hello   world   again' },
    { line: 8, text: 'CMD a' },
  ]);
});

test('leading whitespace before instructions and comments is ignored (docs: "  # this is a comment-line")', () => {
  const text = splitLogicalLines('        # this is a comment-line\n    RUN echo hello\nRUN echo world');
  assert.deepEqual(
    text.lines.map((l) => l.text),
    ['RUN echo hello', 'RUN echo world'],
  );
});

test('a # after the start of a line is an argument, not a comment', () => {
  assert.deepEqual(only("FROM x\nRUN echo 'we are running some # of cool things'", 'RUN').command, {
    form: 'shell',
    text: "echo 'we are running some # of cool things'",
  });
});

test('# escape=` makes the backtick continue lines (the Windows example of the docs)', () => {
  const df = parseDockerfile('# escape=`\n\nFROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\nRUN a `\n  b');
  assert.equal(df.escape, '`');
  const copy = df.instructions[1] as Of<'COPY'>;
  assert.deepEqual([copy.sources, copy.dest], [['testfile.txt'], 'c:\\']);
  assert.deepEqual((df.instructions[3] as Of<'RUN'>).command, { form: 'shell', text: 'a   b' });
});

test('directives end at the first comment, blank line or instruction; a repeated one is an error', () => {
  assert.equal(splitLogicalLines('# syntax=docker/dockerfile:1\n# escape=`\nFROM x').escape, '`');
  assert.equal(splitLogicalLines('# about my dockerfile\n# escape=`\nFROM x').escape, '\\'); // after a comment: a comment
  assert.equal(splitLogicalLines('\n# escape=`\nFROM x').escape, '\\');
  assert.equal(splitLogicalLines('# unknowndirective=value\n# escape=`\nFROM x').escape, '\\');
  assert.deepEqual(splitLogicalLines('#syntax = docker/dockerfile:1\nFROM x').directives, { syntax: 'docker/dockerfile:1' });
  assert.throws(() => splitLogicalLines('# escape=\\\n# escape=`\nFROM x'), /line 2: only one escape parser directive/);
  assert.throws(() => splitLogicalLines('# escape=x\nFROM x'), /invalid escape token/);
});

test('JSON (exec) form vs shell form; malformed JSON falls back to the shell form, as docker', () => {
  assert.deepEqual(only('FROM x\nCMD ["echo", "a b"]', 'CMD').command, { form: 'exec', args: ['echo', 'a b'] });
  assert.deepEqual(only('FROM x\nENTRYPOINT exec top -b', 'ENTRYPOINT').command, { form: 'shell', text: 'exec top -b' });
  assert.deepEqual(only("FROM x\nCMD ['echo', 'x']", 'CMD').command, { form: 'shell', text: "['echo', 'x']" });
  assert.deepEqual(only('FROM x\nRUN ["c:\\\\windows\\\\system32\\\\tasklist.exe"]', 'RUN').command, {
    form: 'exec',
    args: ['c:\\windows\\system32\\tasklist.exe'],
  });
  assert.deepEqual(parseJsonArray('[1, 2]'), null);
  assert.deepEqual(parseJsonArray(' [ "a" ] '), ['a']);
});

test('ENV and LABEL: key=value pairs (quotes kept for substitution) and the legacy "key value" form', () => {
  assert.deepEqual(only('FROM x\nENV MY_NAME="John Doe" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy', 'ENV').pairs, [
    ['MY_NAME', '"John Doe"'],
    ['MY_DOG', 'Rex\\ The\\ Dog'],
    ['MY_CAT', 'fluffy'],
  ]);
  assert.deepEqual(only('FROM x\nENV MY_VAR my-value with spaces', 'ENV').pairs, [['MY_VAR', 'my-value with spaces']]);
  assert.deepEqual(only('FROM x\nLABEL "com.example.vendor"="ACME Incorporated" version=1.0', 'LABEL').pairs, [
    ['"com.example.vendor"', '"ACME Incorporated"'],
    ['version', '1.0'],
  ]);
  assert.throws(() => parseDockerfile('FROM x\nENV ONLYKEY'), /line 2: ENV: must have two arguments/);
  assert.throws(() => parseDockerfile('FROM x\nENV a=1 b'), /line 2: ENV: Syntax error - can't find = in "b"/);
});

test('parseWords keeps quotes and escapes, splits on unquoted whitespace', () => {
  assert.deepEqual(parseWords('a="b c" d=\'e f\' g=h\\ i', '\\'), ['a="b c"', "d='e f'", 'g=h\\ i']);
  assert.deepEqual(parseWords('  x=""  ', '\\'), ['x=""']);
});

test('ARG forms, several per line', () => {
  assert.deepEqual(only('ARG A\nARG B=1 C="two words"\nFROM x', 'ARG').args, [{ name: 'A' }]);
  assert.deepEqual(parseDockerfile('ARG A\nARG B=1 C="two words"\nFROM x').instructions[1], {
    line: 2,
    original: 'ARG B=1 C="two words"',
    flags: new Map(),
    keyword: 'ARG',
    args: [
      { name: 'B', value: '1' },
      { name: 'C', value: '"two words"' },
    ],
  });
});

test('FROM [AS name], COPY/ADD with flags and JSON form, HEALTHCHECK, ONBUILD, VOLUME, EXPOSE', () => {
  const from = only('FROM golang:1.21 AS Build', 'FROM');
  assert.deepEqual([from.image, from.stageName], ['golang:1.21', 'build']);
  const copy = only('FROM x\nCOPY --from=build --chown=55:mygroup files* /somedir/', 'COPY');
  assert.deepEqual(
    [copy.flags.get('from'), copy.flags.get('chown'), copy.sources, copy.dest],
    ['build', '55:mygroup', ['files*'], '/somedir/'],
  );
  assert.deepEqual(only('FROM x\nADD ["a b.txt", "/dest dir/"]', 'ADD').sources, ['a b.txt']);
  const hc = only('FROM x\nHEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1', 'HEALTHCHECK');
  assert.deepEqual(
    [hc.flags.get('interval'), hc.flags.get('timeout'), hc.command],
    ['5m', '3s', { form: 'shell', text: 'curl -f http://localhost/ || exit 1' }],
  );
  assert.equal(only('FROM x\nHEALTHCHECK NONE', 'HEALTHCHECK').command, null);
  assert.equal(
    only('FROM x\nONBUILD RUN /usr/local/bin/python-build --dir /app/src', 'ONBUILD').trigger,
    'RUN /usr/local/bin/python-build --dir /app/src',
  );
  assert.deepEqual(only('FROM x\nVOLUME ["/data", "/logs"]', 'VOLUME').values, ['/data', '/logs']);
  assert.deepEqual(only('FROM x\nVOLUME /var/log /var/db', 'VOLUME').values, ['/var/log', '/var/db']);
  assert.deepEqual(only('FROM x\nEXPOSE 80/tcp 80/udp', 'EXPOSE').values, ['80/tcp', '80/udp']);
  assert.equal(only('FROM x\nworkdir /a b', 'WORKDIR').value, '/a b'); // keywords are case-insensitive
});

test('flags: --name=value, quoted values, boolean, -- ends them', () => {
  const f = extractFlags('--chown="a b" --x --y=1 -- --not-a-flag rest');
  assert.deepEqual(
    [...f.flags],
    [
      ['chown', 'a b'],
      ['x', true],
      ['y', '1'],
    ],
  );
  assert.equal(f.rest, '--not-a-flag rest');
});

test('errors name the line and the instruction', () => {
  assert.throws(() => parseDockerfile('FROM x\n\nFROOM y'), /Dockerfile line 3: unknown instruction: FROOM$/);
  assert.throws(() => parseDockerfile('RUN echo\nFROM x'), /line 1: RUN: no build stage in current context/);
  assert.throws(() => parseDockerfile('FROM a b'), /line 1: FROM: requires either one or three arguments/);
  assert.throws(() => parseDockerfile('FROM a AS 1x'), /invalid name for build stage/);
  assert.throws(() => parseDockerfile('FROM x\nCOPY onlyone'), /line 2: COPY: requires at least two arguments/);
  assert.throws(
    () => parseDockerfile('FROM x\nRUN --mount=type=cache,target=/x true'),
    /line 2: RUN: the --mount option requires BuildKit/,
  );
  assert.throws(() => parseDockerfile('FROM x\nCOPY --bogus=1 a b'), /line 2: COPY: unknown flag: --bogus/);
  assert.throws(() => parseDockerfile('FROM x\nSHELL /bin/bash -c'), /line 2: SHELL: requires the arguments to be in JSON form/);
  assert.throws(() => parseDockerfile('FROM x\nRUN <<EOF\necho\nEOF'), /line 2: RUN: heredocs/);
  assert.throws(() => parseDockerfile('FROM x\nONBUILD ONBUILD RUN x'), /ONBUILD ONBUILD/);
  assert.throws(() => parseDockerfile('FROM x\nWORKDIR'), /line 2: WORKDIR: requires exactly one argument/);
  assert.throws(() => parseDockerfile('# just a comment\n'), /no instructions/);
});
