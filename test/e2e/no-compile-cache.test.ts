// tfmfa enables no Node compile cache on any path (issue 21.2: the cache's directory could be swapped by another
// user and V8 runs what it finds there). Node's own NODE_DEBUG_NATIVE=COMPILE_CACHE says when a cache is on;
// the cold paths (command mode: exec, credential-process; a Node shim that has to call STS; a long run in server
// mode) must not turn one on, must not hand NODE_COMPILE_CACHE to the command, and must create no directory but
// tfmfa's own cache under XDG_CACHE_HOME or ~/.cache.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanEnv, createShimWorld, type ShimWorld } from '../support/shim-world.ts';

describe('no compile cache', () => {
  let world: ShimWorld;
  let xdg: string;
  before(async () => {
    world = await createShimWorld();
    xdg = join(world.box.dir, 'xdg-cache');
    // A shim has no --mfa-token: this profile's code comes from its mfa_process.
    world.box.writeConfig(
      `[profile cp]\nsource_profile = GEHC-000\nrole_arn = arn:aws:iam::111111111111:role/team-b\nmfa_serial = ` +
        `arn:aws:iam::222222222222:mfa/username\nmfa_process = ${world.box.mfaProcess}\n`,
    );
  });
  after(() => world.cleanup());

  /**
   * The sandbox's environment with the cache in the default place (XDG_CACHE_HOME/tfmfa) and Node's cache debugging
   * on.
   */
  const env = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({
      ...world.env('node'),
      TFMFA_CACHE_DIR: undefined,
      XDG_CACHE_HOME: xdg,
      NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
      ...extra,
    });
  const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

  /** A run with nothing cached: the session code and the SDK load. */
  function cold(): void {
    rmSync(xdg, { recursive: true, force: true });
    mkdirSync(xdg, { mode: 0o700 });
    world.box.emu.advance(30); // a code not used before, for mfa_process
  }

  function assertNoCache(what: string, stderr: string, childEnv?: Record<string, string>): void {
    assert.ok(!/compile.?cache/i.test(stderr), `${what}: Node reports a compile cache: ${stderr.slice(0, 200)}`);
    if (childEnv)
      assert.equal(childEnv.NODE_COMPILE_CACHE, undefined, `${what}: no NODE_COMPILE_CACHE for the command`);
    assert.deepEqual(entries(xdg), ['tfmfa'], `${what}: only tfmfa's cache under XDG_CACHE_HOME`);
    assert.deepEqual(entries(join(world.box.home, '.cache')), [], `${what}: nothing under ~/.cache`);
  }

  test('a cold exec: no cache enabled, none handed on, no directory', async () => {
    cold();
    const result = await world.box.tfmfa(
      ['exec', 'GEHC-056', '--mfa-token', world.freshCode(), '--', 'terraform', 'plan'],
      { env: env({ PATH: `${world.fakeBin}:${world.box.env.PATH}` }) },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assertNoCache('exec', result.stderr, world.last('terraform').env);
  });

  test('a cold credential-process, and the same with XDG_CACHE_HOME unset (~/.cache)', async () => {
    cold();
    const code = world.freshCode();
    const result = await world.box.tfmfa(['credential-process', '--mfa-token', code, 'GEHC-056'], { env: env() });
    assert.equal(result.exitCode, 0, result.stderr);
    assertNoCache('credential-process', result.stderr);
    rmSync(join(world.box.home, '.cache'), { recursive: true, force: true });
    const home = await world.box.tfmfa(['credential-process', '--mfa-token', world.freshCode(), 'team-b'], {
      env: env({ XDG_CACHE_HOME: undefined, TFMFA_CACHE_DIR: join(world.box.dir, 'elsewhere') }),
    });
    assert.equal(home.exitCode, 0, home.stderr);
    assert.ok(!/compile.?cache/i.test(home.stderr), `Node reports a compile cache: ${home.stderr.slice(0, 200)}`);
    assert.deepEqual(entries(join(world.box.home, '.cache')), [], 'nothing under ~/.cache');
  });

  test(
    'a Node shim resolving a session, and a long run in server mode: no cache enabled, none ' +
      'handed on, no directory',
    async () => {
      cold();
      const shim = await world.run('node', 'terraform', ['plan'], { fullEnv: env({ AWS_PROFILE: 'cp' }) });
      assert.equal(shim.exitCode, 0, shim.stderr);
      assertNoCache('shim', shim.stderr, world.last('terraform').env);
      cold();
      const long = await world.run('node', 'terraform', ['apply'], {
        fullEnv: env({ AWS_PROFILE: 'cp', TFMFA_LONG_RUN: undefined }),
      });
      assert.equal(long.exitCode, 0, long.stderr);
      assert.ok(world.last('terraform').env.AWS_CONTAINER_CREDENTIALS_FULL_URI, 'server mode');
      assertNoCache('long run', long.stderr, world.last('terraform').env);
    },
  );
});
