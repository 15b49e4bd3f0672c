// A real zenity dialog on a virtual display (Xvfb), answered with xdotool, for a shim run that has no
// terminal at all: started in a session of its own (setsid: no controlling tty, /dev/tty cannot be opened),
// stdin, stdout and stderr pipes. Skips, naming what is missing, where xvfb/zenity/xdotool are not installed
// (CI installs them: .ci/run).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SERIAL } from '../../support/sandbox.ts';
import { createShimWorld, type RunResult, type ShimWorld } from '../../support/shim-world.ts';
import { missingDialogPrograms, startXvfb, type Xvfb } from '../../support/xvfb.ts';

const TITLE = 'tfmfa: MFA code for GEHC-056';
const missing = missingDialogPrograms();

describe('MFA code from a zenity dialog (no terminal, real Xvfb)', { skip: missing || false }, () => {
  let x: Xvfb;
  let world: ShimWorld;
  let round = 0;
  /** A cold cache of its own per test, DISPLAY set, the profile chosen by AWS_PROFILE (a shim has no flags). */
  const coldEnv = (extra: Record<string, string> = {}) => {
    const cacheDir = join(world.box.dir, `cache-${++round}`);
    return { cacheDir, env: { DISPLAY: x.display, AWS_PROFILE: 'GEHC-056', TFMFA_CACHE_DIR: cacheDir, ...extra } };
  };
  const sessions = (cacheDir: string) =>
    existsSync(join(cacheDir, 'sessions')) ? readdirSync(join(cacheDir, 'sessions')).length : 0;
  /** `terraform plan` through the shim, in a new session (setsid), no terminal. */
  const shim = (env: Record<string, string>) =>
    world.run('node', 'terraform', ['plan'], { env, detached: true, timeout: 60_000 });

  before(async () => {
    x = await startXvfb();
    world = await createShimWorld();
  });
  after(async () => {
    await world?.cleanup();
    await x?.stop();
  });

  test(
    'the shim opens one dialog; the code typed as "123 456" opens the session and the tool ' + 'runs with it',
    async () => {
      await x.waitForNoWindow(TITLE, 10_000);
      world.box.emu.resetCounts();
      const { env } = coldEnv({ TFMFA_DEBUG: '1' });
      const run = shim(env);
      const window = await x.waitForWindow(TITLE);
      const pid = await x.windowPid(window);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      assert.ok(argv[0]?.endsWith('zenity'), argv.join(' '));
      assert.ok(argv.includes('--hide-text'), 'a password-style entry');
      assert.ok(
        argv.some((arg) => arg.includes(SERIAL)),
        'the text names the MFA device',
      );
      const code = world.freshCode();
      await x.answer(window, `${code.slice(0, 3)} ${code.slice(3)}`);
      const result = await run;
      assert.equal(result.exitCode, 0, result.stderr);
      const record = world.last('terraform');
      assert.deepEqual(record.argv, ['plan']);
      assert.equal(record.stdinIsTTY, false);
      assert.equal(record.stdoutIsTTY, false);
      assert.match(record.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      assert.ok(record.env.AWS_SESSION_TOKEN);
      assert.equal(world.box.emu.count('GetSessionToken'), 1);
      assert.match(
        result.stderr,
        /tfmfa\[debug\] MFA code: zenity \(no terminal; desktop session \(DISPLAY=:\d+\) and zenity installed\)/,
        'the debug log is on and names the choice',
      );
      for (const text of [result.stderr, result.stdout, JSON.stringify(record.env), JSON.stringify(record.argv)])
        assert.ok(!text.includes(code), 'the code appears nowhere, debug log included');
    },
  );

  test('20 parallel shim runs open exactly one dialog and make one GetSessionToken', async () => {
    await x.waitForNoWindow(TITLE, 10_000);
    world.box.emu.resetCounts();
    const { env } = coldEnv();
    const runs: Array<Promise<RunResult>> = [];
    for (let i = 0; i < 20; i++) runs.push(shim(env));
    const first = await x.waitForWindow(TITLE);
    const seen = new Set<string>([first]);
    let most = 1;
    for (let i = 0; i < 15; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const windows = await x.windows(TITLE);
      windows.forEach((id) => seen.add(id));
      most = Math.max(most, windows.length);
    }
    assert.equal(most, 1, 'never more than one dialog at a time');
    await x.answer(first, world.freshCode());
    const results = await Promise.all(runs);
    results.forEach((result, i) => assert.equal(result.exitCode, 0, `run ${i}: ${result.stderr}`));
    assert.deepEqual([...seen], [first], 'one dialog in all');
    assert.deepEqual(await x.windows(TITLE), [], 'no dialog left open');
    assert.equal(world.box.emu.count('GetSessionToken'), 1);
  });

  test('a code STS rejects opens the dialog again, saying so (attempt 2 of 3)', async () => {
    await x.waitForNoWindow(TITLE, 10_000);
    world.box.emu.resetCounts();
    const { env, cacheDir } = coldEnv();
    const run = shim(env);
    const first = await x.waitForWindow(TITLE);
    await x.answer(first, '000000');
    const second = await x.waitForWindow(TITLE, { exceptPids: [await x.windowPid(first)] });
    const pid = await x.windowPid(second);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    assert.match(argv, /attempt 2 of 3/);
    await x.answer(second, world.freshCode());
    const result = await run;
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /AWS rejected the MFA code.*\(attempt 2 of 3\)/);
    assert.equal(world.box.emu.count('GetSessionToken'), 2);
    assert.ok(sessions(cacheDir) > 0);
  });

  test('Cancel (Escape) ends the run with exit 130, "MFA prompt cancelled", no STS call, nothing cached', async () => {
    await x.waitForNoWindow(TITLE, 10_000);
    world.box.emu.resetCounts();
    const { env, cacheDir } = coldEnv();
    const before = world.records('terraform').length;
    const run = shim(env);
    const window = await x.waitForWindow(TITLE);
    await x.xdotool(['windowfocus', '--sync', window]);
    await x.xdotool(['key', 'Escape']);
    const result = await run;
    assert.equal(result.exitCode, 130, result.stderr);
    assert.equal(result.stderr, 'tfmfa: MFA prompt cancelled\n');
    assert.equal(world.box.emu.count(), 0);
    assert.equal(sessions(cacheDir), 0);
    assert.equal(world.records('terraform').length, before, 'the tool never ran');
  });

  test('nobody answers: the dialog goes away after TFMFA_PROMPT_TIMEOUT with a clear message', async () => {
    await x.waitForNoWindow(TITLE, 10_000);
    world.box.emu.resetCounts();
    const { env, cacheDir } = coldEnv({ TFMFA_PROMPT_TIMEOUT: '5' });
    const started = Date.now();
    const run = shim(env);
    await x.waitForWindow(TITLE);
    const result = await run;
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      "tfmfa: no MFA code was entered within 5s (zenity prompt for profile 'GEHC-056'): run again, or allow " +
        'more time with TFMFA_PROMPT_TIMEOUT\n',
    );
    assert.ok(Date.now() - started < 20_000);
    await x.waitForNoWindow(TITLE, 5_000);
    assert.equal(sessions(cacheDir), 0);
  });
});

if (missing) test(`zenity dialog tests skipped: ${missing}`, (t) => t.skip(missing));
