// --cap-add/--cap-drop as moby's TweakCapabilities, and the masks the shim receives.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { capabilityMask, DOCKER_DEFAULT_CAPABILITIES, effectiveCapabilities } from '../../../../src/engine/security/capabilities.js';
import { planSecurity } from '../../../../src/engine/security/security-spec.js';

test("docker's default set is CapEff 00000000a80425fb", () => {
  assert.equal(capabilityMask(DOCKER_DEFAULT_CAPABILITIES), '00000000a80425fb');
  assert.equal(capabilityMask(effectiveCapabilities([], [], false)), '00000000a80425fb');
});

test('adds, drops, ALL on either side, names in any form', () => {
  assert.deepEqual(effectiveCapabilities(['net_admin'], ['ALL'], false), ['CAP_NET_ADMIN']);
  assert.equal(effectiveCapabilities([], ['CAP_CHOWN', 'kill'], false).includes('CAP_CHOWN'), false);
  assert.equal(effectiveCapabilities(['SYS_ADMIN'], [], false).includes('CAP_SYS_ADMIN'), true);
  const all = effectiveCapabilities(['ALL'], ['NET_RAW'], false);
  assert.equal(all.includes('CAP_NET_RAW'), false);
  assert.ok(all.length > DOCKER_DEFAULT_CAPABILITIES.length);
  assert.throws(() => effectiveCapabilities(['CAP_FLY'], [], false), /unknown capability: "CAP_FLY"/);
});

test('security plans: privileged has no filter; unconfined has none; the default has one (cached); bad options are usage errors', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-secplan-'));
  const saved = process.env.TCTOP_ROOT;
  process.env.TCTOP_ROOT = root; // the compiled-filter cache lives under it
  t.after(() => {
    if (saved === undefined) delete process.env.TCTOP_ROOT;
    else process.env.TCTOP_ROOT = saved;
    rmSync(root, { recursive: true, force: true });
  });
  const first = planSecurity({}).seccompFilter!;
  assert.equal(readdirSync(join(root, 'cache', 'seccomp')).length, 1);
  assert.deepEqual(planSecurity({}).seccompFilter, first);
  assert.notDeepEqual(planSecurity({ capAdd: ['SYS_ADMIN'] }).seccompFilter, first); // caps change the program
  assert.equal(planSecurity({}).seccompFilter !== null, true);
  assert.equal(planSecurity({}).spec.seccomp, 'default');
  assert.equal(planSecurity({ securityOpt: ['seccomp=unconfined'] }).seccompFilter, null);
  assert.equal(planSecurity({ securityOpt: ['seccomp:unconfined'] }).seccompFilter, null);
  assert.equal(planSecurity({ privileged: true }).seccompFilter, null);
  assert.equal(planSecurity({ securityOpt: ['no-new-privileges'] }).spec.noNewPrivileges, true);
  assert.throws(() => planSecurity({ securityOpt: ['no-new-privileges=false'] }), /not supported/);
  assert.throws(() => planSecurity({ securityOpt: ['apparmor=x'] }), /not supported/);
  assert.throws(() => planSecurity({ securityOpt: ['seccomp'] }), /needs a value/);
});
