// The compiled filter run through a small classic-BPF interpreter: docker's default profile decides as moby's
// documents it (argument filters on personality, clone, socket; clone3 -> ENOSYS; other ABIs killed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCKER_DEFAULT_CAPABILITIES } from '../../../../src/engine/security/capabilities.js';
import { compileSeccomp } from '../../../../src/engine/security/seccomp-bpf.js';
import { dockerDefaultProfile, resolveProfile } from '../../../../src/engine/security/seccomp-profile.js';
import { X86_64_SYSCALLS } from '../../../../src/engine/security/syscalls-x86_64.js';

const ALLOW = 0x7fff0000,
  EPERM = 0x00050001,
  ENOSYS = 0x00050026,
  KILL_PROCESS = 0x80000000;

/** Runs the program on seccomp_data {nr, arch, ip, args[6]}. */
function run(prog: Buffer, name: string | number, args: bigint[] = [], arch = 0xc000003e): number {
  const nr = typeof name === 'number' ? name : X86_64_SYSCALLS.get(name)!;
  const data = Buffer.alloc(64);
  data.writeUInt32LE(nr, 0);
  data.writeUInt32LE(arch, 4);
  args.forEach((a, i) => data.writeBigUInt64LE(a, 16 + 8 * i));
  let acc = 0;
  for (let pc = 0; pc < prog.length / 8; pc++) {
    const code = prog.readUInt16LE(pc * 8),
      jt = prog[pc * 8 + 2],
      jf = prog[pc * 8 + 3],
      k = prog.readUInt32LE(pc * 8 + 4);
    switch (code) {
      case 0x20:
        acc = data.readUInt32LE(k);
        break;
      case 0x54:
        acc = (acc & k) >>> 0;
        break;
      case 0x05:
        pc += k;
        break;
      case 0x15:
        pc += acc === k ? jt : jf;
        break;
      case 0x25:
        pc += acc > k ? jt : jf;
        break;
      case 0x35:
        pc += acc >= k ? jt : jf;
        break;
      case 0x06:
        return k >>> 0;
      default:
        throw new Error(`unexpected opcode ${code}`);
    }
  }
  throw new Error('fell off the program');
}

const defaultFilter = (caps = DOCKER_DEFAULT_CAPABILITIES) => compileSeccomp(resolveProfile(dockerDefaultProfile(), caps));

test("docker's default profile: allowlist, argument filters, ENOSYS for the unknown, other ABIs killed", () => {
  const p = defaultFilter();
  assert.ok(p.length / 8 < 4096);
  assert.equal(run(p, 'read'), ALLOW);
  assert.equal(run(p, 'execve'), ALLOW);
  assert.equal(run(p, 'mount'), EPERM);
  assert.equal(run(p, 'unshare'), EPERM);
  assert.equal(run(p, 'keyctl'), EPERM);
  assert.equal(run(p, 'personality', [0n]), ALLOW);
  assert.equal(run(p, 'personality', [0xffffffffn]), ALLOW);
  assert.equal(run(p, 'personality', [1n]), EPERM);
  assert.equal(run(p, 'personality', [0x1_00000000n]), EPERM); // the high word counts
  assert.equal(run(p, 'clone', [0x11n]), ALLOW); // SIGCHLD | a plain fork
  assert.equal(run(p, 'clone', [0x10000000n]), EPERM); // CLONE_NEWUSER
  assert.equal(run(p, 'clone3'), ENOSYS);
  assert.equal(run(p, 'socket', [2n]), ALLOW); // AF_INET
  assert.equal(run(p, 'socket', [39n]), ALLOW);
  assert.equal(run(p, 'socket', [40n]), EPERM); // AF_VSOCK
  assert.equal(run(p, 'socket', [41n]), ALLOW);
  assert.equal(run(p, 1000), ENOSYS);
  assert.equal(run(p, 0x40000000), ENOSYS); // x32
  assert.equal(run(p, 'read', [], 0x40000003), KILL_PROCESS); // i386
});

test('capabilities open their syscalls: CAP_SYS_ADMIN allows mount, unshare, any clone', () => {
  const p = defaultFilter([...DOCKER_DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);
  assert.equal(run(p, 'mount'), ALLOW);
  assert.equal(run(p, 'unshare'), ALLOW);
  assert.equal(run(p, 'clone', [0x10000000n]), ALLOW);
  assert.equal(run(p, 'clone3'), ALLOW);
});

test('every comparison operator on 64-bit values', () => {
  const op = (o: string, value: number, valueTwo = 0) =>
    compileSeccomp(
      resolveProfile(
        {
          defaultAction: 'SCMP_ACT_ERRNO',
          syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, op: o, value, valueTwo }] }],
        },
        [],
      ),
    );
  const v = (p: Buffer, a: bigint) => run(p, 'read', [0n, 0n, a]) === ALLOW;
  const big = 0x1_00000005;
  for (const [o, cases] of [
    [
      'SCMP_CMP_EQ',
      [
        [big, true],
        [5, false],
        [big + 1, false],
      ],
    ],
    [
      'SCMP_CMP_NE',
      [
        [big, false],
        [5, true],
        [0x2_00000005, true],
      ],
    ],
    [
      'SCMP_CMP_GT',
      [
        [big, false],
        [big + 1, true],
        [0x2_00000000, true],
        [0xffffffff, false],
      ],
    ],
    [
      'SCMP_CMP_GE',
      [
        [big, true],
        [big - 1, false],
        [0x2_00000000, true],
      ],
    ],
    [
      'SCMP_CMP_LT',
      [
        [big, false],
        [big - 1, true],
        [5, true],
        [0x2_00000000, false],
      ],
    ],
    [
      'SCMP_CMP_LE',
      [
        [big, true],
        [big + 1, false],
        [0xffffffff, true],
      ],
    ],
  ] as const) {
    const p = op(o, big);
    for (const [arg, expected] of cases) assert.equal(v(p, BigInt(arg)), expected, `${o} ${arg.toString(16)}`);
  }
  const masked = op('SCMP_CMP_MASKED_EQ', 0xf0, 0x30);
  assert.equal(v(masked, 0x3fn), true);
  assert.equal(v(masked, 0x4fn), false);
});

test('bad profiles are usage errors naming the entry', () => {
  assert.throws(
    () =>
      resolveProfile(
        {
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 7, op: 'SCMP_CMP_EQ', value: 1 }] }],
        },
        [],
      ),
    /syscalls\[0\]\.args\[0\]: index must be 0 to 5/,
  );
  assert.throws(() => resolveProfile({ defaultAction: 'SCMP_ACT_NOTIFY' }, []), /SCMP_ACT_NOTIFY/);
  assert.throws(() => resolveProfile([], []), /not a JSON object/);
});
