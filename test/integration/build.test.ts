// tctop build, commit, save and tag against the real thing: the same Dockerfile built by tctop and by docker's
// classic builder, both images run (tctop run, docker run --pull never) with the same output; tctop's image through
// `tctop save | docker load`; the build cache; a failing RUN leaving nothing behind; bad Dockerfiles; commit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing, sh } from '../helpers/prereq.js';
import { Engine } from './engine-harness.js';

const suffix = randomBytes(4).toString('hex');

function needAll(t: TestContext): boolean {
  return (
    missing(t, isRoot(), 'root') ||
    missing(t, dockerAvailable(), 'docker') ||
    missing(t, testImagePresent(), TEST_IMAGE) ||
    missing(t, existsSync('native/build/tctop-shim'), 'the native shim (npm run build)') ||
    missing(t, hasCommand('getfattr'), 'getfattr (attr)')
  );
}

/** A fresh tctop root holding docker's test image, removed (containers first) after the test. */
function engineWithTestImage(t: TestContext): Engine {
  const e = new Engine(mkdtempSync(join(tmpdir(), 'tctop-build-')));
  t.after(() => e.cleanup());
  const archive = join(e.root, 'base.tar');
  sh('docker', ['save', '-o', archive, TEST_IMAGE]);
  e.ok(['load', '-i', archive]);
  rmSync(archive);
  return e;
}

function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function dockerImages(t: TestContext, ...names: string[]): void {
  t.after(() => void spawnSync('docker', ['rmi', '-f', ...names], { stdio: 'ignore' }));
}

/** Every image ID a classic `docker build` printed: its untagged stages and intermediates are removed after the test. */
const dockerBuilt: string[] = [];
process.on('exit', () => {
  // newest first, so no image still has a child when its turn comes
  if (dockerBuilt.length) spawnSync('docker', ['rmi', '-f', ...new Set([...dockerBuilt].reverse())], { stdio: 'ignore' });
});

function docker(args: string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  // images that existed before (the base image the FROM lines print) are never ours to remove
  const before = args[0] === 'build' ? new Set(sh('docker', ['images', '-aq']).split('\n')) : new Set<string>();
  const r = spawnSync('docker', args, {
    input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  if (args[0] === 'build')
    for (const m of (r.stdout ?? '').matchAll(/ ---> ([0-9a-f]{12})\n/g)) if (!before.has(m[1])) dockerBuilt.push(m[1]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG BASE=${TEST_IMAGE}
FROM \${BASE} AS builder
ARG FLAVOUR=plain
RUN mkdir -p /out && echo "built $FLAVOUR" > /out/result && rm -rf /home
COPY gen.sh /gen.sh
RUN sh /gen.sh /out

FROM \${BASE}
LABEL org.example.name="the app" version=1
ENV APP_HOME=/srv/app GREETING="hello world"
WORKDIR \${APP_HOME}
COPY --from=builder /out/ ./out/
COPY src/ ./src/
COPY ["notes.md", "keep*.txt", "./"]
ADD bundle.tar.gz /opt/
ADD bundle.tar.xz bundle.tar.bz2 /opt/more/
RUN echo 'app:x:1234:1234::/srv/app:/bin/sh' >> /etc/passwd && echo 'app:x:1234:' >> /etc/group && chown -R app:app /srv/app && rm -rf /tmp
COPY --chown=app:app notes.md /srv/owned/
USER app
EXPOSE 8080/tcp 53/udp
STOPSIGNAL SIGTERM
ENTRYPOINT ["/bin/sh", "-c", "echo \\"$GREETING from $(pwd) as $(id -u):$(id -g)\\"; cat out/*; find . /opt -type f | sort; ls -d /home /tmp 2>&1; stat -c '%u:%g %a' /srv/owned/notes.md; echo args: \\"$@\\"", "--"]
CMD ["default-arg"]
`;

/** A context with a .dockerignore (an exclusion, a ** pattern and an exception), a tarball for ADD, a script. */
function writeContext(dir: string): void {
  mkdirSync(join(dir, 'src/deep'), { recursive: true });
  mkdirSync(join(dir, 'src/build'), { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'gen.sh'), 'echo generated > "$1/generated"\n');
  writeFileSync(join(dir, 'notes.md'), 'notes\n');
  writeFileSync(join(dir, 'keep1.txt'), 'keep one\n');
  writeFileSync(join(dir, 'keep2.txt'), 'keep two\n');
  writeFileSync(join(dir, 'src/main.c'), 'int main;\n');
  writeFileSync(join(dir, 'src/deep/util.c'), 'int util;\n');
  writeFileSync(join(dir, 'src/deep/debug.log'), 'excluded by **/*.log\n');
  writeFileSync(join(dir, 'src/build/out.o'), 'excluded dir\n');
  writeFileSync(join(dir, 'src/build/keep.o'), 'an exception inside an excluded dir\n');
  writeFileSync(join(dir, 'secret.txt'), 'never copied\n');
  writeFileSync(join(dir, '.dockerignore'), '# comment\n**/*.log\nsrc/build\n!src/build/keep.o\nsecret.txt\n');
  const payload = join(dir, '.payload');
  mkdirSync(join(payload, 'pkg/bin'), { recursive: true });
  writeFileSync(join(payload, 'pkg/bin/tool'), 'tool\n');
  writeFileSync(join(payload, 'pkg/README'), 'readme\n');
  sh('tar', ['-C', payload, '--owner=0', '--group=0', '-czf', join(dir, 'bundle.tar.gz'), 'pkg']);
  sh('tar', ['-C', payload, '--owner=0', '--group=0', '-cJf', join(dir, 'bundle.tar.xz'), 'pkg/bin']);
  sh('tar', ['-C', payload, '--owner=0', '--group=0', '-cjf', join(dir, 'bundle.tar.bz2'), 'pkg/README']);
  rmSync(payload, { recursive: true });
}

const CONFIG_FIELDS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Labels', 'StopSignal'];

test('the same Dockerfile built by tctop and by docker build runs the same in both, and after tctop save | docker load', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const ctx = tempDir(t, 'tctop-build-ctx-');
  writeContext(ctx);
  const tctopTag = `tctop-test/built-by-tctop:${suffix}`;
  const dockerTag = `tctop-test/built-by-docker:${suffix}`;
  dockerImages(t, tctopTag, dockerTag);

  const built = e.tctop(['build', '-t', tctopTag, '--build-arg', 'FLAVOUR=spicy', ctx], { timeoutMs: 180_000 });
  assert.equal(built.status, 0, built.stderr + built.stdout);
  assert.match(built.stdout, /^Step 1\/22 : ARG BASE=tctop-test\/busybox:latest\n/);
  assert.match(
    built.stdout,
    /\nStep 4\/22 : RUN mkdir -p \/out .*\n ---> Running in [0-9a-f]{12}\n(?:.*\n)*?Removing intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\n/,
  );
  assert.match(built.stdout, new RegExp(`\\nSuccessfully built [0-9a-f]{12}\\nSuccessfully tagged ${tctopTag}\\n$`));
  const d = docker(['build', '--network', 'none', '-t', dockerTag, '--build-arg', 'FLAVOUR=spicy', ctx]);
  assert.equal(d.status, 0, d.stderr + d.stdout);

  const fromTctop = e.tctop(['run', '--rm', tctopTag, 'one', 'two'], { timeoutMs: 60_000 });
  assert.equal(fromTctop.status, 0, fromTctop.stderr);
  const fromDocker = docker(['run', '--rm', '--pull', 'never', '--network', 'none', dockerTag, 'one', 'two']);
  assert.equal(fromDocker.status, 0, fromDocker.stderr);
  const expected = [
    'hello world from /srv/app as 1234:1234',
    'built spicy',
    'generated',
    './keep1.txt',
    './keep2.txt',
    './notes.md',
    './out/generated',
    './out/result',
    './src/build/keep.o',
    './src/deep/util.c',
    './src/main.c',
    '/opt/more/pkg/README',
    '/opt/more/pkg/bin/tool',
    '/opt/pkg/README',
    '/opt/pkg/bin/tool',
    '1234:1234 644',
    'ls: /home: No such file or directory', // the test image has none
    'ls: /tmp: No such file or directory', // the final RUN removed it: a whiteout
    'args: one two',
  ];
  assert.deepEqual(fromDocker.stdout.trim().split('\n').sort(), expected.sort());
  assert.equal(fromTctop.stdout, fromDocker.stdout);

  // the image configs agree on everything a run uses
  const dockerConfig = JSON.parse(docker(['image', 'inspect', '--format', '{{json .Config}}', dockerTag]).stdout);
  const archive = join(ctx, '..', `${suffix}-saved.tar`);
  t.after(() => rmSync(archive, { force: true }));
  e.ok(['save', '-o', archive, tctopTag]);
  const loaded = docker(['load', '-i', archive]);
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.match(loaded.stdout, new RegExp(`Loaded image: ${tctopTag}`));
  const tctopConfig = JSON.parse(docker(['image', 'inspect', '--format', '{{json .Config}}', tctopTag]).stdout);
  for (const field of CONFIG_FIELDS) assert.deepEqual(tctopConfig[field] ?? null, dockerConfig[field] ?? null, field);
  const history = JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tctopTag]).stdout);
  assert.equal(history.length, JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', dockerTag]).stdout).length);
  const saved = docker(['run', '--rm', '--pull', 'never', '--network', 'none', tctopTag, 'one', 'two']);
  assert.equal(saved.status, 0, saved.stderr);
  assert.equal(saved.stdout, fromDocker.stdout);
  // both behave the same without arguments too (CMD after ENTRYPOINT)
  assert.equal(e.ok(['run', '--rm', tctopTag]).split('\n').at(-2), 'args: default-arg');
});

test('the build cache: an unchanged rebuild makes no layer, one changed file rebuilds from its step on, --no-cache all', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const ctx = tempDir(t, 'tctop-build-ctx-');
  writeFileSync(join(ctx, 'a.txt'), 'a\n');
  writeFileSync(join(ctx, 'b.txt'), 'b\n');
  writeFileSync(
    join(ctx, 'Dockerfile'),
    `FROM ${TEST_IMAGE}\nCOPY a.txt /a.txt\nRUN cat /a.txt > /copy-of-a\nCOPY b.txt /b.txt\nRUN cat /b.txt > /copy-of-b\nCMD ["cat", "/copy-of-a", "/copy-of-b"]\n`,
  );
  const layers = () => readdirSync(join(e.root, 'images/layers/sha256')).sort();
  const first = e.ok(['build', '-t', 'cached:1', ctx], { timeoutMs: 120_000 });
  assert.doesNotMatch(first, /Using cache/);
  const afterFirst = layers();
  const id = /Successfully built ([0-9a-f]{12})/.exec(first)![1];

  const second = e.ok(['build', '-t', 'cached:1', ctx], { timeoutMs: 120_000 });
  assert.equal(second.match(/ ---> Using cache/g)?.length, 5);
  assert.doesNotMatch(second, /Running in/);
  assert.equal(/Successfully built ([0-9a-f]{12})/.exec(second)![1], id);
  assert.deepEqual(layers(), afterFirst);

  writeFileSync(join(ctx, 'b.txt'), 'b changed\n');
  const third = e.ok(['build', '-t', 'cached:1', ctx], { timeoutMs: 120_000 });
  assert.equal(third.match(/ ---> Using cache/g)?.length, 2, third); // COPY a, RUN a
  assert.equal(third.match(/Running in/g)?.length, 1);
  assert.equal(e.ok(['run', '--rm', 'cached:1']), 'a\nb changed\n');

  const fourth = e.ok(['build', '--no-cache', '-t', 'cached:1', ctx], { timeoutMs: 120_000 });
  assert.doesNotMatch(fourth, /Using cache/);
  assert.equal(fourth.match(/Running in/g)?.length, 2);
  assert.match(e.ok(['images']), /cached +1 /);
});

test('a failing RUN shows its output and exit code and leaves no image, container, mount or cgroup', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const ctx = tempDir(t, 'tctop-build-ctx-');
  writeFileSync(
    join(ctx, 'Dockerfile'),
    `FROM ${TEST_IMAGE}\nRUN echo before\nRUN echo output of the failing step; exit 3\nCMD ["true"]\n`,
  );
  const imagesBefore = e.ok(['images', '--json']);
  const r = e.tctop(['build', '-t', 'failing:1', ctx], { timeoutMs: 120_000 });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /output of the failing step\n/);
  assert.equal(r.stderr, "tctop: The command '/bin/sh -c echo output of the failing step; exit 3' returned a non-zero code: 3\n");
  const ids = [...r.stdout.matchAll(/Running in ([0-9a-f]{12})/g)].map((m) => m[1]);
  assert.equal(ids.length, 2);
  assert.equal(e.ok(['images', '--json']), imagesBefore);
  assert.deepEqual(e.stateDirs(), []);
  assert.deepEqual(readdirSync(join(e.root, 'images/tmp')), []);
  for (const ctl of ['', ...readdirSync('/sys/fs/cgroup')]) {
    const dir = join('/sys/fs/cgroup', ctl, 'tctop');
    const left = existsSync(dir) ? readdirSync(dir).filter((n) => ids.some((id) => n.startsWith(id))) : [];
    assert.deepEqual(left, [], `cgroups left in ${dir}`);
  }
  assert.equal(
    readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes(e.root)).length,
    0,
  );
  const steps = JSON.parse(e.ok(['ps', '-a', '--json', '--runtime', 'tctop'])).filter((c: { name: string }) =>
    c.name.startsWith('tctop-build-'),
  );
  assert.deepEqual(steps, []);
});

test('bad Dockerfiles and sources outside the context are refused, naming the line and the instruction', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const ctx = tempDir(t, 'tctop-build-ctx-');
  const outside = tempDir(t, 'tctop-build-outside-');
  writeFileSync(join(outside, 'secret'), 'host secret\n');
  symlinkSync(join(outside, 'secret'), join(ctx, 'link-out'));
  writeFileSync(join(ctx, 'ok.txt'), 'ok\n');
  const cases: Array<[string, RegExp, number, string?]> = [
    [`FROM ${TEST_IMAGE}\n\nFROOM x\n`, /^tctop: Dockerfile line 3: unknown instruction: FROOM\n$/, 2],
    ['RUN true\n', /^tctop: Dockerfile line 1: RUN: no build stage in current context/, 2],
    [
      `FROM ${TEST_IMAGE}\nCOPY ../x /x\n`,
      /^tctop: Dockerfile line 2: COPY failed: forbidden path outside the build context: \.\.\/x\n$/,
      2,
    ],
    [
      `FROM ${TEST_IMAGE}\nCOPY link-out /x\n`,
      /^tctop: Dockerfile line 2: COPY failed: forbidden path outside the build context: link-out \(it resolves to /,
      2,
    ],
    [
      `FROM ${TEST_IMAGE}\nCOPY missing.txt /x\n`,
      /^tctop: Dockerfile line 2: COPY failed: file not found in build context or excluded by \.dockerignore: stat missing\.txt/,
      1,
    ],
    [
      `FROM ${TEST_IMAGE}\nCOPY ok.txt ok.txt /x\n`,
      /^tctop: Dockerfile line 2: COPY: When using COPY with more than one source file, the destination must be a directory and end with a \//,
      2,
    ],
    [`FROM ${TEST_IMAGE}\nADD http://127.0.0.1:9/x /x\n`, /^tctop: Dockerfile line 2: ADD: remote URLs are not supported/, 2],
    [`FROM ${TEST_IMAGE}\nENV ONLYKEY\n`, /^tctop: Dockerfile line 2: ENV: must have two arguments\n$/, 2],
    [
      `FROM ${TEST_IMAGE}\nRUN --mount=type=cache,target=/c true\n`,
      /^tctop: Dockerfile line 2: RUN: the --mount option requires BuildKit/,
      2,
    ],
    // a missing image is pulled, as docker's builder does (the policy `missing`): from a loopback port nobody serves
    // (9, discard), so the pull fails at once and no test reaches a registry off this machine
    [
      `FROM 127.0.0.1:9/absent-${suffix}:1\n`,
      new RegExp(`^tctop: image 127\\.0\\.0\\.1:9/absent-${suffix}:1 not found and not pulled: .*127\\.0\\.0\\.1:9`),
      1,
      'missing',
    ],
    [
      `FROM ${TEST_IMAGE}\nCOPY --from=127.0.0.1:9/nosuchstage /x /x\n`,
      /^tctop: Dockerfile line 2: COPY: image 127\.0\.0\.1:9\/nosuchstage not found and not pulled: /,
      1,
      'missing',
    ],
    // the policy `never` (the test runner's default): not even tried
    [
      `FROM 127.0.0.1:9/absent-${suffix}:1\n`,
      /^tctop: image 127\.0\.0\.1:9\/absent-\w+:1 not found, and the pull policy is never\n$/,
      1,
      'never',
    ],
  ];
  for (const [dockerfile, message, code, policy] of cases) {
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
    const env = policy ? { TCTOP_PULL_POLICY: policy } : undefined;
    const r = e.tctop(['build', '-t', 'never:1', ctx], { timeoutMs: 60_000, env });
    assert.equal(r.status, code, `${dockerfile}: ${r.stderr}`);
    assert.match(r.stderr, message, dockerfile);
  }
  assert.equal(e.tctop(['build', '--target', 'nope', ctx]).stderr, 'tctop: failed to reach build target nope in Dockerfile\n');
  assert.match(e.tctop(['build', '-f', join(ctx, 'absent'), ctx]).stderr, /^tctop: Cannot locate specified Dockerfile: no such file/);
  assert.doesNotMatch(e.ok(['images']), /never/);
});

test('commit of a running container (whiteouts, an opaque dir, -c changes) runs in tctop and, saved, in docker', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const tag = `tctop-test/committed:${suffix}`;
  dockerImages(t, tag);
  const id = e.runDetached([
    '--name',
    'to-commit',
    TEST_IMAGE,
    'sh',
    '-c',
    'rm /bin/vi; rm -rf /etc; mkdir /etc; echo new > /etc/only; echo data > /data; touch /ready; sleep 600',
  ]);
  for (let i = 0; i < 100 && e.tctop(['exec', id, 'test', '-e', '/ready']).status !== 0; i++) await new Promise((r) => setTimeout(r, 50));
  const committed = e
    .ok([
      'commit',
      '-c',
      'CMD ["sh", "-c", "cat /data /etc/only; ls /etc; ls /bin/vi 2>&1; echo $MODE"]',
      '-c',
      'ENV MODE=committed',
      '-m',
      'a message',
      '-a',
      'me',
      'to-commit',
      tag,
    ])
    .trim();
  assert.match(committed, /^sha256:[0-9a-f]{64}$/);
  assert.equal(e.state(id)?.status, 'running'); // unfrozen afterwards
  // hostname, hosts and resolv.conf are the run's own mounts (docker's too), not part of the image
  const expected = 'data\nnew\nhostname\nhosts\nonly\nresolv.conf\nls: /bin/vi: No such file or directory\ncommitted\n';
  assert.equal(e.ok(['run', '--rm', tag]), expected);
  const archive = join(e.root, 'committed.tar');
  e.ok(['save', '-o', archive, tag]);
  assert.equal(docker(['load', '-i', archive]).status, 0);
  const r = docker(['run', '--rm', '--pull', 'never', '--network', 'none', tag]);
  assert.equal(r.stdout, expected.replace('hosts\n', 'hosts\nmtab\n'), r.stderr); // docker adds its /etc/mtab link
  assert.equal(JSON.parse(docker(['image', 'inspect', '--format', '{{json .Author}}', tag]).stdout), 'me');
  assert.equal(JSON.parse(docker(['image', 'inspect', '--format', '{{json .Comment}}', tag]).stdout), 'a message');
  // tag: another name for the same image; a stopped container commits too
  e.ok(['tag', tag, 'again:1']);
  assert.match(e.ok(['images']), /again +1 +/);
  e.ok(['stop', '-t', '1', 'to-commit']);
  assert.match(e.ok(['commit', 'to-commit']), /^sha256:/);
});

test('save streams to stdout: docker load reads it from a pipe', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const tag = `tctop-test/piped:${suffix}`;
  dockerImages(t, tag);
  e.ok(['tag', TEST_IMAGE, tag]);
  const saved = spawnSync(process.execPath, ['bin/tctop', 'save', tag], { env: e.env, maxBuffer: 64 << 20 });
  assert.equal(saved.status, 0, saved.stderr?.toString());
  const r = docker(['load'], saved.stdout);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(docker(['run', '--rm', '--pull', 'never', '--network', 'none', tag, 'echo', 'piped']).stdout, 'piped\n');
  assert.equal(e.tctop(['save', 'no-such-image:1']).stderr, 'tctop: no such image: no-such-image:1\n');
});

const METADATA_DOCKERFILE = `ARG TAG=latest
ARG UNUSED_GLOBAL=x
FROM tctop-test/busybox:\${TAG}
ARG TAG
ARG WHO=nobody
ARG EMPTY
ENV GREETING="hi \${WHO}" TAG_SEEN=\${TAG} FALLBACK=\${EMPTY:-fallback} ALT=\${WHO:+set}
LABEL multi.word="a b" plain=1
EXPOSE 8000-8002 53/udp
VOLUME ["/data", "/logs"]
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=30s --timeout=5s --start-period=1m30s --retries=4 CMD test -e /tmp || exit 1
SHELL ["/bin/sh", "-e", "-c"]
RUN echo "$GREETING" > /greeting
ONBUILD RUN echo "trigger ran" > /triggered
ENTRYPOINT echo "$GREETING $TAG_SEEN $FALLBACK $ALT"; cat /greeting
`;

test("metadata instructions, ARG scoping and ONBUILD are recorded and behave as docker's builder does", async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const ctx = tempDir(t, 'tctop-build-ctx-');
  writeFileSync(join(ctx, 'Dockerfile'), METADATA_DOCKERFILE);
  const tTag = `tctop-test/meta-tctop:${suffix}`;
  const dTag = `tctop-test/meta-docker:${suffix}`;
  const tChild = `tctop-test/meta-child-tctop:${suffix}`;
  const dChild = `tctop-test/meta-child-docker:${suffix}`;
  dockerImages(t, tTag, dTag, tChild, dChild);
  // the Dockerfile on stdin (-f -), the context a directory
  const built = spawnSync(
    process.execPath,
    ['bin/tctop', 'build', '-f', '-', '--build-arg', 'WHO=builder', '--build-arg', 'NOT_DECLARED=1', '-t', tTag, ctx],
    { env: e.env, input: METADATA_DOCKERFILE, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(built.status, 0, built.stderr + built.stdout);
  assert.match(built.stdout, /\[Warning\] One or more build-args \[NOT_DECLARED\] were not consumed\n/);
  const d = docker(['build', '--network', 'none', '--build-arg', 'WHO=builder', '--build-arg', 'NOT_DECLARED=1', '-t', dTag, ctx]);
  assert.equal(d.status, 0, d.stderr + d.stdout);
  const archive = join(ctx, '..', `${suffix}-meta.tar`);
  t.after(() => rmSync(archive, { force: true }));
  e.ok(['save', '-o', archive, tTag]);
  assert.equal(docker(['load', '-i', archive]).status, 0);
  const inspect = (ref: string) => JSON.parse(docker(['image', 'inspect', '--format', '{{json .Config}}', ref]).stdout);
  const [mine, theirs] = [inspect(tTag), inspect(dTag)];
  for (const field of [...CONFIG_FIELDS, 'Volumes', 'Healthcheck', 'Shell', 'OnBuild'])
    assert.deepEqual(mine[field] ?? null, theirs[field] ?? null, field);
  assert.deepEqual(Object.keys(mine.ExposedPorts).sort(), ['53/udp', '8000/tcp', '8001/tcp', '8002/tcp']);
  const runMine = e.ok(['run', '--rm', tTag]);
  assert.equal(runMine, 'hi builder latest fallback set\nhi builder\n');
  assert.equal(docker(['run', '--rm', '--pull', 'never', '--network', 'none', dTag]).stdout, runMine);
  // history: metadata steps are empty layers, the RUN is not
  const history = JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tTag]).stdout);
  assert.equal(history.length, 2);

  // ONBUILD: a build FROM the image runs the trigger first, and the child no longer carries it
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${tTag}\nENTRYPOINT ["cat", "/triggered"]\n`);
  const child = e.ok(['build', '-t', tChild, ctx], { timeoutMs: 120_000 });
  assert.match(child, /# Executing 1 build trigger\n/);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${dTag}\nENTRYPOINT ["cat", "/triggered"]\n`);
  assert.equal(docker(['build', '--network', 'none', '-t', dChild, ctx]).status, 0);
  assert.equal(e.ok(['run', '--rm', tChild]), 'trigger ran\n');
  assert.equal(docker(['run', '--rm', '--pull', 'never', '--network', 'none', dChild]).stdout, 'trigger ran\n');
  e.ok(['save', '-o', archive, tChild]);
  assert.equal(docker(['load', '-i', archive]).status, 0);
  assert.deepEqual(inspect(tChild).OnBuild ?? null, inspect(dChild).OnBuild ?? null);
});

test('a RUN step is a tctop container discovery finds; interrupting the build removes it and leaves nothing', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const ctx = tempDir(t, 'tctop-build-ctx-');
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo started; sleep 60\n`);
  const child = e.spawn(['build', '-t', 'interrupted:1', ctx]);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 60_000;
  while (!/started\n/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const short = /Running in ([0-9a-f]{12})/.exec(out)?.[1];
  assert.ok(short, out);
  const listed = JSON.parse(e.ok(['ps', '--json', '--runtime', 'tctop'])) as Array<{
    id: string;
    name: string;
    labels: Record<string, string>;
  }>;
  const step = listed.find((c) => c.id.startsWith(short));
  assert.ok(step, `the build step ${short} is not in tctop ps`);
  assert.match(step.name, /^tctop-build-[0-9a-f]{8}-step2$/);
  assert.equal(step.labels['org.tctop.build.step'], '2');
  child.kill('SIGINT');
  assert.equal(await closed, 130);
  assert.deepEqual(e.stateDirs(), []);
  assert.deepEqual(readdirSync(join(e.root, 'images/tmp')), []);
  for (const ctl of ['', ...readdirSync('/sys/fs/cgroup')]) {
    const dir = join('/sys/fs/cgroup', ctl, 'tctop');
    assert.deepEqual(existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(short)) : [], [], dir);
  }
  assert.doesNotMatch(e.ok(['images']), /interrupted/);
});

test('build - reads the Dockerfile from stdin with an empty context', async (t) => {
  if (needAll(t)) return;
  const e = engineWithTestImage(t);
  const r = e.tctop(['build', '-q', '-t', 'stdin:1', '-'], { input: `FROM ${TEST_IMAGE}\nCMD ["echo", "from stdin"]\n` });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal(e.ok(['run', '--rm', 'stdin:1']), 'from stdin\n');
  const copy = e.tctop(['build', '-'], { input: `FROM ${TEST_IMAGE}\nCOPY x /x\n` });
  assert.equal(copy.status, 1);
  assert.match(copy.stderr, /COPY failed: file not found in build context/);
});
