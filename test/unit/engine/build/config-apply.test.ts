// Metadata instructions applied to a container config as docker's builder applies them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMetadata, parseDuration, type ContainerConfig } from '../../../../src/engine/build/config-apply.js';
import { applyChangeLines } from '../../../../src/engine/build/commit-container.js';
import { parseInstruction } from '../../../../src/engine/build/dockerfile/parse.js';
import { envMap } from '../../../../src/engine/build/dockerfile/shell-lex.js';

function apply(config: ContainerConfig, lines: string[], env: string[] = [], cmdSet = false): ContainerConfig {
  const ctx = { env: envMap(env, config.Env ?? []), escape: '\\', cmdSet };
  for (const [i, text] of lines.entries()) {
    ctx.env = envMap(env, config.Env ?? []); // each instruction sees the ENV of the ones before it, as in a stage
    applyMetadata(config, parseInstruction({ line: i + 1, text }, '\\'), ctx);
  }
  return config;
}

test('ENTRYPOINT clears an inherited CMD, but not one set in the same stage', () => {
  assert.equal(apply({ Cmd: ['sh'] }, ['ENTRYPOINT ["top"]']).Cmd, null);
  assert.deepEqual(apply({ Cmd: ['sh'] }, ['CMD ["x"]', 'ENTRYPOINT ["top"]']).Cmd, ['x']);
});

test('shell forms use SHELL; WORKDIR is relative to the previous one; ENV sees earlier ENV', () => {
  const c = apply({}, ['SHELL ["/bin/bash", "-c"]', 'CMD echo hi', 'WORKDIR /a', 'WORKDIR b', 'WORKDIR ../c', 'ENV A=1', 'ENV B=${A}2']);
  assert.deepEqual(c.Cmd, ['/bin/bash', '-c', 'echo hi']);
  assert.equal(c.WorkingDir, '/a/c');
  assert.deepEqual(c.Env, ['A=1', 'B=12']);
});

test('EXPOSE ranges and protocols, VOLUME, LABEL quoting, HEALTHCHECK durations, ONBUILD, STOPSIGNAL', () => {
  const c = apply({}, [
    'EXPOSE 80 7000-7001/UDP',
    'VOLUME /a /b',
    'LABEL "k k"="v v"',
    'HEALTHCHECK --interval=1m30s --retries=2 CMD ["true"]',
    'ONBUILD RUN x',
    'STOPSIGNAL 9',
  ]);
  assert.deepEqual(Object.keys(c.ExposedPorts!), ['80/tcp', '7000/udp', '7001/udp']);
  assert.deepEqual(Object.keys(c.Volumes!), ['/a', '/b']);
  assert.deepEqual(c.Labels, { 'k k': 'v v' });
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'true'], Interval: 90e9, Retries: 2 });
  assert.deepEqual(c.OnBuild, ['RUN x']);
  assert.equal(c.StopSignal, '9');
  assert.equal(parseDuration('500ms', 'x'), 5e8);
  assert.throws(() => parseDuration('5 s', 'x'), /invalid duration/);
  assert.throws(() => apply({}, ['EXPOSE 99999']), /invalid port range/);
  assert.throws(() => apply({}, ['HEALTHCHECK --interval=1us CMD true']), /cannot be less than 1ms/);
});

test("commit -c: docker's set of instructions, others refused", () => {
  const c: ContainerConfig = { Env: ['A=1'] };
  applyChangeLines(c, ['ENV B=$A', 'CMD ["run"]', 'EXPOSE 80']);
  assert.deepEqual([c.Env, c.Cmd, Object.keys(c.ExposedPorts!)], [['A=1', 'B=1'], ['run'], ['80/tcp']]);
  assert.throws(() => applyChangeLines(c, ['RUN x']), /RUN is not supported here/);
  assert.throws(() => applyChangeLines(c, ['BOGUS x']), /unknown instruction/);
});
