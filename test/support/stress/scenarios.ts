// The scenarios of a stress round, each a crowd of parallel invocations, some with a victim killed at a chosen
// moment, and the figures each one yields. Test support only.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { promptEvents, start, type Entry, type PromptEvent, type World } from './world.ts';

export type ScenarioName =
  'cold' | 'warm' | 'kill-before-prompt' | 'kill-mid-prompt' | 'kill-mid-sts' | 'kill-mid-write';
export const SCENARIOS: readonly ScenarioName[] = [
  'cold',
  'warm',
  'kill-before-prompt',
  'kill-mid-prompt',
  'kill-mid-sts',
  'kill-mid-write',
];

export interface VictimFigures {
  signal: NodeJS.Signals;
  /** ms after the victim started. */
  killedAtMs: number;
  /** Where it was when killed, as far as can be seen from outside. */
  phase:
    | 'before-prompt'
    | 'mid-prompt'
    | 'mid-sts'
    | 'after-prompt'
    | 'after-GetSessionToken'
    | 'after-AssumeRole'
    | 'already-done';
}

export interface ScenarioFigures {
  round: number;
  scenario: ScenarioName;
  invocations: number;
  byEntry: Partial<Record<Entry, number>>;
  /** Failed invocations (the victim excluded), with the reason. */
  failures: string[];
  /** mfa_process runs started in this scenario, all processes. */
  prompts: number;
  /** mfa_process runs started by the survivors (not the victim). */
  survivorPrompts: number;
  /** Pairs of prompts that ran at the same time (a killed holder's prompt ends when it is killed). */
  overlappingPrompts: number;
  getSessionTokenOk: number;
  assumeRoleOk: number;
  stsCalls: number;
  /** Cache entries (sessions/*.json) that do not parse. */
  corruptFiles: number;
  /** Files other than entries left in sessions/ (temp files of a killed writer). */
  tempFiles: number;
  victim?: VictimFigures;
  wallMs: number;
  latenciesMs: number[];
  /** Prompt starts/ends and the kill, ms from the scenario's start, by process group: to read when something failed. */
  timeline: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `parallel` invocations (round robin over entries and three roles) and waits for all of them. Spawning is
 * synchronous, so the event loop is given back between spawns: a kill timer set before the crowd fires on time.
 */
async function crowd(
  world: World,
  parallel: number,
): Promise<{ failures: string[]; latencies: number[]; byEntry: Partial<Record<Entry, number>> }> {
  const byEntry: Partial<Record<Entry, number>> = {};
  const runs: Array<Promise<{ entry: Entry; profile: string; result: Awaited<ResultPromise>; ms: number }>> = [];
  for (let i = 0; i < parallel; i++) {
    const entry = world.entries[i % world.entries.length] as Entry;
    byEntry[entry] = (byEntry[entry] ?? 0) + 1;
    const profile = `par-${i % 3}`;
    const started = Date.now();
    runs.push(start(world, entry, profile).then((result) => ({ entry, profile, result, ms: Date.now() - started })));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const done = await Promise.all(runs);
  const failures = done
    .filter(
      ({ result, entry }) =>
        result.exitCode !== 0 ||
        (entry === 'credential-process' && !String(result.stdout).includes('"SecretAccessKey"')),
    )
    .map(({ entry, profile, result }) => {
      const outcome = result.timedOut
        ? 'timed out'
        : result.signal
          ? `killed by ${result.signal}`
          : `exit ${result.exitCode}`;
      return `${entry} ${profile}: ${outcome}: ${String(result.stderr).trim().split('\n').slice(-2).join(' | ')}`;
    });
  return { failures, latencies: done.map((d) => d.ms), byEntry };
}

function inspectSessions(cacheDir: string): { corrupt: number; temp: number } {
  const dir = join(cacheDir, 'sessions');
  let corrupt = 0;
  let temp = 0;
  if (!existsSync(dir)) return { corrupt, temp };
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) {
      temp++;
      continue;
    }
    try {
      const entry = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
      if (
        entry.version !== 1 ||
        typeof entry.secretAccessKey !== 'string' ||
        Number.isNaN(Date.parse(String(entry.expiration)))
      )
        corrupt++;
    } catch {
      corrupt++;
    }
  }
  return { corrupt, temp };
}

/** Pairs of prompt intervals that intersect; a prompt without an end ends when its process group was killed. */
function overlaps(events: PromptEvent[], killedAt: Map<number, number>): number {
  const starts = events.filter((e) => e.e === 'start');
  const intervals = starts.map((s) => {
    const end =
      events.find((e) => e.e === 'end' && e.pid === s.pid)?.t ?? killedAt.get(s.pgid) ?? Number.POSITIVE_INFINITY;
    return [s.t, end] as const;
  });
  let count = 0;
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const [a0, a1] = intervals[i] as readonly [number, number];
      const [b0, b1] = intervals[j] as readonly [number, number];
      if (a0 < b1 && b0 < a1) count++;
    }
  }
  return count;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(25);
  }
  return predicate();
}

export async function scenario(
  world: World,
  round: number,
  name: ScenarioName,
  parallel: number,
  random: () => number,
): Promise<ScenarioFigures> {
  const { box } = world;
  if (name !== 'warm') rmSync(box.cacheDir, { recursive: true, force: true });
  box.emu.advance(30); // a fresh TOTP window: codes are single-use
  box.emu.resetCounts();
  writeFileSync(world.promptLog, '');
  const began = Date.now();
  const killedAt = new Map<number, number>();
  let victim: VictimFigures | undefined;
  let victimRun: ResultPromise | undefined;
  let crowdRun: ReturnType<typeof crowd>;

  const signals: NodeJS.Signals[] = ['SIGKILL', 'SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGHUP', 'SIGINT'];
  const signal = signals[Math.floor(random() * signals.length)] as NodeJS.Signals;
  const kill = (startedAt: number): void => {
    const pid = victimRun?.pid;
    const events = promptEvents(world);
    const mine = events.filter((e) => e.pgid === pid);
    const hanging = box.emu.calls().some((c) => c.errorCode === 'Fault:hang');
    const done = victimRun !== undefined && (victimRun.exitCode !== null || victimRun.signalCode !== null);
    // STS answers so far (before the crowd gets the lock, they are the victim's): which cache write may be under way.
    const answered = (action: string) => box.emu.calls().some((c) => c.action === action && c.ok);
    const afterPrompt = answered('AssumeRole')
      ? 'after-AssumeRole'
      : answered('GetSessionToken')
        ? 'after-GetSessionToken'
        : 'after-prompt';
    const phase: VictimFigures['phase'] = done
      ? 'already-done'
      : hanging
        ? 'mid-sts'
        : mine.length === 0
          ? 'before-prompt'
          : mine.some((e) => e.e === 'end')
            ? afterPrompt
            : 'mid-prompt';
    killGroup(pid, signal);
    if (pid !== undefined) killedAt.set(pid, Date.now());
    victim = { signal, killedAtMs: Date.now() - startedAt, phase };
    box.emu.advance(30); // the victim may have used the current code: survivors get the next one
  };

  const killLater = (startedAt: number, ms: number) => sleep(ms).then(() => kill(startedAt));
  let killed: Promise<void> = Promise.resolve();
  switch (name) {
    case 'cold':
    case 'warm':
      crowdRun = crowd(world, parallel);
      break;
    case 'kill-before-prompt': {
      const startedAt = Date.now();
      victimRun = start(world, 'credential-process', 'victim-fast');
      killed = killLater(startedAt, Math.floor(random() * 400));
      crowdRun = crowd(world, parallel);
      break;
    }
    case 'kill-mid-prompt': {
      const startedAt = Date.now();
      victimRun = start(world, 'credential-process', 'victim-slow');
      await waitFor(() => promptEvents(world).some((e) => e.pgid === victimRun?.pid), 15_000);
      killed = killLater(startedAt, 200 + Math.floor(random() * 2300));
      crowdRun = crowd(world, parallel);
      break;
    }
    case 'kill-mid-sts': {
      box.emu.injectFault({ kind: 'hang', action: 'GetSessionToken', times: 1 });
      const startedAt = Date.now();
      victimRun = start(world, 'credential-process', 'victim-fast');
      const hung = await waitFor(() => box.emu.calls().some((c) => c.errorCode === 'Fault:hang'), 15_000);
      if (!hung) throw new Error('kill-mid-sts: the victim never reached GetSessionToken');
      killed = killLater(startedAt, Math.floor(random() * 1000));
      crowdRun = crowd(world, parallel);
      break;
    }
    case 'kill-mid-write': {
      // Killed a random 0–2000 ms after its code was read: while it calls STS and writes the cache.
      const startedAt = Date.now();
      victimRun = start(world, 'credential-process', 'victim-fast');
      await waitFor(() => promptEvents(world).some((e) => e.pgid === victimRun?.pid && e.e === 'end'), 15_000);
      killed = killLater(startedAt, Math.floor(random() * 2000));
      crowdRun = crowd(world, parallel);
      break;
    }
  }
  await killed;
  const result = await crowdRun;
  if (victimRun) await victimRun;
  const events = promptEvents(world);
  const starts = events.filter((e) => e.e === 'start');
  const victimPid = victimRun?.pid;
  const { corrupt, temp } = inspectSessions(box.cacheDir);
  const calls = box.emu.calls();
  return {
    round,
    scenario: name,
    invocations: parallel,
    byEntry: result.byEntry,
    failures: result.failures,
    prompts: starts.length,
    survivorPrompts: starts.filter((e) => e.pgid !== victimPid).length,
    overlappingPrompts: overlaps(events, killedAt),
    getSessionTokenOk: calls.filter((c) => c.action === 'GetSessionToken' && c.ok).length,
    assumeRoleOk: calls.filter((c) => c.action === 'AssumeRole' && c.ok).length,
    stsCalls: calls.length,
    corruptFiles: corrupt,
    tempFiles: temp,
    ...(victim ? { victim } : {}),
    wallMs: Date.now() - began,
    latenciesMs: result.latencies,
    timeline: [
      ...events.map((e) => ({ t: e.t, text: `${e.e} pgid ${e.pgid}${e.pgid === victimPid ? ' (victim)' : ''}` })),
      ...[...killedAt].map(([pid, t]) => ({ t, text: `kill pgid ${pid} (victim, ${victim?.signal})` })),
    ]
      .sort((a, b) => a.t - b.t)
      .map(({ t, text }) => `+${t - began}ms ${text}`),
  };
}
