// Issue 20.5: one Ctrl-C (or Cancel in a dialog) at the shared MFA prompt ends every run that was waiting for
// that code, with exit 130 and the same line, runs that ignore SIGINT included; a run started afterwards asks
// again. Real programs: the runs share a real pseudo-terminal (test/support/pty.ts), or a real zenity dialog on
// a virtual display (Xvfb) cancelled with xdotool. See docs/prompt-cancel.md.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnInPty } from '../../support/pty.ts';
import { CLI, createSandbox, SERIAL, type Sandbox } from '../../support/sandbox.ts';
import { missingDialogPrograms, startXvfb, type Xvfb } from '../../support/xvfb.ts';

const RUNS = 5;
const PROMPT = `Enter MFA code for ${SERIAL}`;
const TITLE_PREFIX = 'tfmfa: MFA code for';
const WAITING = /tfmfa\[debug\] lock for mfa:\S+ is held by another tfmfa: waiting/;
const SHARED = /tfmfa\[debug\] the prompt this run was waiting for \(mfa:\S+\) was cancelled in another tfmfa run/;
/** Two profiles on the same MFA device: runs for either wait for the same code. */
const PROFILES = ['GEHC-056', 'team-b'];

/** The lines a user sees (the debug log, on for the test's synchronisation, left out). */
const userLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line !== '' && !line.startsWith('tfmfa[debug]'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A process's parent, from /proc/PID/stat (the field after the command name, which may contain spaces). */
const parentPid = (pid: string) =>
  readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) \S+ /s, '')
    .split(' ')[0] as string;

describe('one cancellation ends every run waiting for the same MFA code', () => {
  let box: Sandbox;
  let round = 0;
  const coldEnv = (extra: Record<string, string> = {}) => ({
    ...box.env,
    TFMFA_CACHE_DIR: join(box.dir, `cache-${++round}`),
    TFMFA_DEBUG: '1',
    // Before the fix every survivor prompted in turn: this bounds how long each such prompt holds the test.
    TFMFA_PROMPT_TIMEOUT: '8',
    ...extra,
  });
  const sessions = (env: Record<string, string>) => {
    const dir = join(env.TFMFA_CACHE_DIR as string, 'sessions');
    return existsSync(dir) ? readdirSync(dir).length : 0;
  };
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };

  before(async () => {
    box = await createSandbox();
  });
  after(() => box.cleanup());

  test(
    `Ctrl-C at the terminal prompt ends all ${RUNS} runs (some ignoring SIGINT): exit 130, one ` +
      `line each, one prompt in all`,
    async () => {
      box.emu.resetCounts();
      const env = coldEnv();
      const out = join(box.dir, `pty-runs-${round}`);
      mkdirSync(out);
      // One run: SIGINT ignored when asked (as for a background job of a non-interactive script), its status and
      // its stderr kept in files; stdout is what credential_process consumers read.
      const run = join(out, 'run.sh');
      writeFileSync(
        run,
        `#!/bin/sh
[ "$2" = ignore ] && trap '' INT
"$TEST_NODE" "$TEST_CLI" credential-process "$3" >"$TEST_OUT/$1.out" 2>"$TEST_OUT/$1.err"
echo $? >"$TEST_OUT/$1.rc"
`,
      );
      chmodSync(run, 0o755);
      const jobs = Array.from(
        { length: RUNS },
        (_, i) => `"$TEST_RUN" ${i} ${i % 2 ? 'ignore' : 'default'} ${PROFILES[i % 2]} &`,
      ).join('\n');
      const pty = spawnInPty('sh', ['-c', `${jobs}\nwait\necho ALL-DONE`], {
        env: { ...env, TEST_NODE: process.execPath, TEST_CLI: CLI, TEST_OUT: out, TEST_RUN: run },
      });
      try {
        await pty.waitFor(PROMPT, 30_000);
        // Every other run is waiting for the lock (the debug log says so) before the user presses Ctrl-C.
        const waitingRuns = () =>
          Array.from({ length: RUNS }, (_, i) => join(out, `${i}.err`)).filter(
            (f) => existsSync(f) && WAITING.test(readFileSync(f, 'utf8')),
          ).length;
        for (const deadline = Date.now() + 30_000; waitingRuns() < RUNS - 1; await sleep(100)) {
          if (Date.now() > deadline) assert.fail(`only ${waitingRuns()} runs are waiting`);
        }
        pty.write('\x03');
        await pty.waitFor('ALL-DONE', 15_000);
      } finally {
        pty.kill();
        await pty.exited;
      }
      const prompts = pty.output().split(PROMPT).length - 1;
      assert.equal(prompts, 1, `exactly one prompt shown: ${JSON.stringify(pty.output())}`);
      let shared = 0;
      for (let i = 0; i < RUNS; i++) {
        const stderr = readFileSync(join(out, `${i}.err`), 'utf8');
        assert.equal(readFileSync(join(out, `${i}.rc`), 'utf8').trim(), '130', `run ${i}: ${stderr}`);
        assert.deepEqual(userLines(stderr), ['tfmfa: MFA prompt cancelled'], `run ${i}`);
        assert.equal(readFileSync(join(out, `${i}.out`), 'utf8'), '', `run ${i}: nothing on stdout`);
        if (SHARED.test(stderr)) shared++;
      }
      assert.equal(shared, RUNS - 1, 'every run but the one that prompted ended through the shared cancellation');
      assert.equal(box.emu.count(), 0, 'no STS call');
      assert.equal(sessions(env), 0, 'nothing cached');

      // The window closes with the cancellation: a run started after it asks again, and its code works.
      const later = spawnInPty(process.execPath, [CLI, 'credential-process', 'GEHC-056'], {
        env: { ...env, TFMFA_DEBUG: '' },
      });
      try {
        await later.waitFor(PROMPT, 30_000);
        later.write(`${freshCode()}\r`);
        const status = await later.exited;
        assert.equal(status.code, 0, later.output());
        assert.match(later.output(), /"Version":\s*1/);
      } finally {
        later.kill();
      }
      assert.equal(box.emu.count('GetSessionToken'), 1);
    },
  );

  const missing = missingDialogPrograms();
  describe('Cancel in a zenity dialog (real Xvfb, no terminal)', { skip: missing || false }, () => {
    let x: Xvfb;
    before(async () => {
      x = await startXvfb();
    });
    after(async () => {
      await x?.stop();
    });

    /** A run in a session of its own (no terminal: the dialog is the prompt), its stderr watched as it comes. */
    const start = (env: Record<string, string>, profile: string, ignoreSigint: boolean) => {
      const [command, args] = ignoreSigint
        ? ['sh', ['-c', `trap '' INT; exec "$0" "$@"`, process.execPath, CLI, 'credential-process', profile]]
        : [process.execPath, [CLI, 'credential-process', profile]];
      const child = spawn(command as string, args as string[], {
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let markWaiting!: () => void;
      const waiting = new Promise<void>((resolve) => {
        markWaiting = resolve;
      });
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (WAITING.test(stderr)) markWaiting();
      });
      const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stdout, stderr })),
      );
      return { child, waiting, done };
    };

    test(
      `Cancel (Escape) in the one dialog ends all ${RUNS} runs (some ignoring SIGINT); a run ` +
        `started after opens a dialog again`,
      async () => {
        await x.waitForNoWindow(TITLE_PREFIX, 10_000);
        box.emu.resetCounts();
        const env = coldEnv({ DISPLAY: x.display });
        const runs = Array.from({ length: RUNS }, (_, i) => start(env, PROFILES[i % 2] as string, i % 2 === 1));
        try {
          const first = await x.waitForWindow(TITLE_PREFIX);
          // The run whose dialog is open never waits; every other one does, before the user cancels.
          const asking = parentPid(await x.windowPid(first)); // the dialog's parent: the run that asks
          assert.ok(
            runs.some((r) => String(r.child.pid) === asking),
            'the dialog belongs to one of the runs',
          );
          let settled = false;
          const allWaiting = Promise.all(
            runs.filter((r) => String(r.child.pid) !== asking).map((r) => Promise.race([r.waiting, r.done])),
          ).finally(() => {
            settled = true;
          });
          for (const deadline = Date.now() + 30_000; !settled; await sleep(100)) {
            if (Date.now() > deadline) assert.fail('the runs did not all start waiting within 30 s');
          }
          await allWaiting;
          const seen = new Set<string>([first]);
          await x.xdotool(['windowfocus', '--sync', first]);
          await x.xdotool(['key', 'Escape']);
          let ended = false;
          const all = Promise.all(runs.map((r) => r.done)).finally(() => {
            ended = true;
          });
          // Watch for another dialog while the runs end (before the fix, the next waiter opened one).
          for (const deadline = Date.now() + 20_000; !ended; await sleep(100)) {
            (await x.windows(TITLE_PREFIX)).forEach((id) => seen.add(id));
            if (Date.now() > deadline)
              assert.fail(`not every run ended within 20 s; dialogs seen: ${[...seen].join(', ')}`);
          }
          const results = await all;
          let shared = 0;
          results.forEach((result, i) => {
            assert.equal(result.code, 130, `run ${i}: ${result.stderr}`);
            assert.deepEqual(userLines(result.stderr), ['tfmfa: MFA prompt cancelled'], `run ${i}`);
            assert.equal(result.stdout, '', `run ${i}`);
            if (SHARED.test(result.stderr)) shared++;
          });
          assert.equal(shared, RUNS - 1, 'every run but the one that asked ended through the shared cancellation');
          assert.deepEqual([...seen], [first], 'exactly one dialog');
          assert.equal(box.emu.count(), 0);
          assert.equal(sessions(env), 0);
        } finally {
          for (const run of runs)
            if (run.child.exitCode === null && run.child.pid) process.kill(-run.child.pid, 'SIGKILL');
        }

        // After the cancellation: a new run opens a dialog of its own, and the code typed there works.
        const later = start(env, 'GEHC-056', false);
        try {
          const window = await x.waitForWindow(TITLE_PREFIX);
          await x.answer(window, freshCode());
          const result = await later.done;
          assert.equal(result.code, 0, result.stderr);
          assert.equal((JSON.parse(result.stdout) as { Version: number }).Version, 1);
          assert.equal(box.emu.count('GetSessionToken'), 1);
        } finally {
          if (later.child.exitCode === null && later.child.pid) process.kill(-later.child.pid, 'SIGKILL');
        }
      },
    );
  });
  if (missing) test(`zenity cancellation test skipped: ${missing}`, (t) => t.skip(missing));
});
