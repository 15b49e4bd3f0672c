// Issue 20.4: a shim's long run (server mode) with no terminal and no dialog says what every other shim path says
// (src/mfa/choose.ts, remedies for a shim: no --mfa-token, which a shim cannot take). The sandbox turns long runs
// off (TFMFA_LONG_RUN=0); this test turns `terraform plan` back on.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createShimWorld, type ShimWorld } from '../support/shim-world.ts';

let world: ShimWorld;
before(async () => {
  world = await createShimWorld();
});
after(() => world.cleanup());

const SHIM_MESSAGE =
  "tfmfa: an MFA code is needed for arn:aws:iam::222222222222:mfa/username (profile 'GEHC-056') but there is " +
  "no terminal to ask on and no desktop dialog: run 'tfmfa open-session GEHC-056' in a terminal first (later " +
  'runs use the cached session), or set mfa_process (a command that prints the code) or mfa_prompt (e.g. ' +
  "ykman) in profile 'GEHC-056'\n";

test(
  "a shim's long run (server mode: terraform plan) names what a shim can do, exactly as the " + 'static shim path does',
  async () => {
    let round = 0;
    const cold = (extra: Record<string, string>) => ({
      AWS_PROFILE: 'GEHC-056',
      TFMFA_CACHE_DIR: join(world.box.dir, `cache-${++round}`),
      ...extra,
    });
    const staticPath = await world.run('node', 'terraform', ['plan'], { env: cold({}) });
    assert.equal(staticPath.stderr, SHIM_MESSAGE, 'the static shim path (the reference)');
    for (const via of ['node', 'launcher'] as const) {
      const result = await world.run(via, 'terraform', ['plan'], { env: cold({ TFMFA_LONG_RUN: 'terraform:plan' }) });
      assert.equal(result.exitCode, 1, via);
      assert.equal(result.stderr, staticPath.stderr, via);
    }
    const debugged = await world.run('node', 'terraform', ['plan'], {
      env: cold({ TFMFA_LONG_RUN: 'terraform:plan', TFMFA_DEBUG: '1' }),
    });
    assert.match(debugged.stderr, /profile 'GEHC-056': server mode/, 'the run above took the server path');
    assert.ok(debugged.stderr.endsWith(SHIM_MESSAGE), debugged.stderr);
    assert.equal(world.records('terraform').length, 0, 'the real binary never ran');
    assert.equal(world.box.emu.count(), 0);
  },
);
