/**
 * `npm run stress` (full size) and test/stress.test.ts (scaled down): tfmfa under load against the STS emulator.
 *
 * Each round runs these scenarios, each with PARALLEL invocations spread over every entry (exec,
 * credential-process, the Node shim, the shell launcher if built, exec --server with a child that fetches
 * credentials) and over three roles on one MFA device:
 *
 *   cold               empty cache: exactly one prompt (mfa_process run), one GetSessionToken, one AssumeRole per role
 *   warm               the same again: no prompt, no STS call
 *   kill-before-prompt a victim started with the others is killed 0–400 ms in (mostly before its prompt)
 *   kill-mid-prompt    the victim holds the MFA lock inside a 5 s mfa_process when it is killed
 *   kill-mid-sts       the victim's GetSessionToken hangs (emulator fault) when it is killed
 *   kill-mid-write     the victim is killed 0–2000 ms after its mfa_process answered (its STS calls and cache writes)
 *
 * Victims are killed as a process group (tfmfa and its mfa_process), with SIGKILL, SIGTERM, SIGHUP or SIGINT.
 * After every scenario: every invocation but the victim must have succeeded, no two prompts may have run at the
 * same time while their holders lived, and every cache entry must parse. Figures are printed as a table.
 *
 *   node scripts/stress.ts [--rounds N] [--parallel N] [--seed N] [--only SCENARIO,...]
 *   (env: TFMFA_STRESS_ROUNDS, TFMFA_STRESS_SEED)
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import { CLI, createSandbox, ROLE_ARN, ROLE_B, ROLE_C, ROOT, SERIAL, type Sandbox } from '../test/support/sandbox.ts';

export type ScenarioName = 'cold' | 'warm' | 'kill-before-prompt' | 'kill-mid-prompt' | 'kill-mid-sts' | 'kill-mid-write';
export const SCENARIOS: readonly ScenarioName[] = ['cold', 'warm', 'kill-before-prompt', 'kill-mid-prompt', 'kill-mid-sts', 'kill-mid-write'];
export type Entry = 'exec' | 'credential-process' | 'shim' | 'launcher' | 'server';

export interface StressOptions {
  rounds: number;
  /** Scenarios to run in each round (default: all). */
  scenarios?: readonly ScenarioName[];
  parallel: number;
  seed: number;
  /** Progress lines (one per scenario). */
  log?: (line: string) => void;
}

export interface VictimFigures {
  signal: NodeJS.Signals;
  /** ms after the victim started. */
  killedAtMs: number;
  /** Where it was when killed, as far as can be seen from outside. */
  phase: 'before-prompt' | 'mid-prompt' | 'mid-sts' | 'after-prompt' | 'after-GetSessionToken' | 'after-AssumeRole' | 'already-done';
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

export interface StressReport {
  seed: number;
  parallel: number;
  entries: Entry[];
  scenarios: ScenarioFigures[];
}

/** mulberry32: a small seeded PRNG, so that a run can be repeated with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An mfa_process that logs start and end (with its process group) and prints the emulator's current code. */
const PROMPT_SCRIPT = `import { appendFileSync, readFileSync } from 'node:fs';
const [log, url, serial, delay] = process.argv.slice(2);
const stat = readFileSync('/proc/self/stat', 'utf8');
const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
appendFileSync(log, JSON.stringify({ e: 'start', pid: process.pid, pgid, t: Date.now() }) + '\\n');
if (Number(delay) > 0) await new Promise((r) => setTimeout(r, Number(delay)));
const res = await fetch(url + '/__emulator/code?serial=' + encodeURIComponent(serial));
const code = (await res.text()).trim();
appendFileSync(log, JSON.stringify({ e: 'end', pid: process.pid, pgid, t: Date.now() }) + '\\n');
process.stdout.write(code + '\\n');
`;

/** The child of `exec --server`: fetches credentials once, as an SDK would. */
const FETCH_SCRIPT = `const r = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } });
const j = await r.json();
if (r.status !== 200 || !String(j.AccessKeyId).startsWith('ASIA')) { process.stderr.write('server answered ' + r.status + '\\n'); process.exit(3); }
`;

interface PromptEvent {
  e: 'start' | 'end';
  pid: number;
  pgid: number;
  t: number;
}

interface World {
  box: Sandbox;
  promptLog: string;
  shimDir: string;
  realDir: string;
  fetchScript: string;
  entries: Entry[];
}

async function createWorld(): Promise<World> {
  const box = await createSandbox();
  const promptScript = join(box.dir, 'prompt.mjs');
  const promptLog = join(box.dir, 'prompts.jsonl');
  const fetchScript = join(box.dir, 'fetch.mjs');
  writeFileSync(promptScript, PROMPT_SCRIPT);
  writeFileSync(promptLog, '');
  writeFileSync(fetchScript, FETCH_SCRIPT);
  const prompt = (delayMs: number) => `${process.execPath} ${promptScript} ${promptLog} ${box.emu.url} ${SERIAL} ${delayMs}`;
  const role = (name: string, arn: string, delayMs: number, extra = '') => `[profile ${name}]
source_profile = GEHC-000
role_arn = ${arn}
mfa_serial = ${SERIAL}
mfa_process = ${prompt(delayMs)}
${extra}`;
  box.writeConfig([
    role('par-0', ROLE_ARN, 0, 'external_id = 111111111111\n'),
    role('par-1', ROLE_B, 0),
    role('par-2', ROLE_C, 0),
    role('victim-fast', ROLE_B, 0),
    role('victim-slow', ROLE_B, 5000),
  ].join(''));
  const shimDir = join(box.dir, 'shim');
  const realDir = join(box.dir, 'real');
  mkdirSync(shimDir);
  mkdirSync(realDir);
  symlinkSync(CLI, join(shimDir, 'terraform'));
  writeFileSync(join(realDir, 'terraform'), '#!/bin/sh\n[ -n "$AWS_ACCESS_KEY_ID" ] && [ -n "$AWS_SESSION_TOKEN" ] || { echo "no credentials" >&2; exit 3; }\n');
  chmodSync(join(realDir, 'terraform'), 0o755);
  const entries: Entry[] = ['exec', 'credential-process', 'shim', 'server'];
  if (existsSync(join(ROOT, 'shims', 'terraform'))) entries.push('launcher');
  return { box, promptLog, shimDir, realDir, fetchScript, entries };
}

function start(world: World, entry: Entry, profile: string): ResultPromise {
  const { box } = world;
  const options = { env: box.env, extendEnv: false, reject: false, stdin: 'ignore' as const, detached: true, timeout: 120_000, forceKillAfterDelay: 1000 };
  const path = (first: string) => `${first}:${world.realDir}:${box.env.PATH}`;
  switch (entry) {
    case 'exec':
      return execa(process.execPath, [CLI, 'exec', profile, '--', join(world.realDir, 'terraform'), 'plan'], options);
    case 'credential-process':
      return execa(process.execPath, [CLI, 'credential-process', profile], options);
    case 'shim':
      return execa(join(world.shimDir, 'terraform'), ['plan'], { ...options, env: { ...box.env, AWS_PROFILE: profile, PATH: path(world.shimDir) } });
    case 'launcher':
      return execa(join(ROOT, 'shims', 'terraform'), ['plan'], { ...options, env: { ...box.env, AWS_PROFILE: profile, PATH: path(join(ROOT, 'shims')) } });
    case 'server':
      return execa(process.execPath, [CLI, 'exec', '--server', profile, '--', process.execPath, world.fetchScript], options);
  }
}

function promptEvents(world: World): PromptEvent[] {
  return readFileSync(world.promptLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as PromptEvent);
}

/**
 * Runs `parallel` invocations (round robin over entries and three roles) and waits for all of them. Spawning is
 * synchronous, so the event loop is given back between spawns: a kill timer set before the crowd fires on time.
 */
async function crowd(world: World, parallel: number): Promise<{ failures: string[]; latencies: number[]; byEntry: Partial<Record<Entry, number>> }> {
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
    .filter(({ result, entry }) => result.exitCode !== 0 || (entry === 'credential-process' && !String(result.stdout).includes('"SecretAccessKey"')))
    .map(({ entry, profile, result }) => `${entry} ${profile}: ${result.timedOut ? 'timed out' : result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`}: ${String(result.stderr).trim().split('\n').slice(-2).join(' | ')}`);
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
      if (entry.version !== 1 || typeof entry.secretAccessKey !== 'string' || Number.isNaN(Date.parse(String(entry.expiration)))) corrupt++;
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
    const end = events.find((e) => e.e === 'end' && e.pid === s.pid)?.t ?? killedAt.get(s.pgid) ?? Number.POSITIVE_INFINITY;
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

async function scenario(world: World, round: number, name: ScenarioName, parallel: number, random: () => number): Promise<ScenarioFigures> {
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
    const afterPrompt = answered('AssumeRole') ? 'after-AssumeRole' : answered('GetSessionToken') ? 'after-GetSessionToken' : 'after-prompt';
    const phase: VictimFigures['phase'] = done ? 'already-done' : hanging ? 'mid-sts' : mine.length === 0 ? 'before-prompt' : mine.some((e) => e.e === 'end') ? afterPrompt : 'mid-prompt';
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
    ].sort((a, b) => a.t - b.t).map(({ t, text }) => `+${t - began}ms ${text}`),
  };
}

/** Problems with a scenario's figures (empty when it passed). */
export function judge(s: ScenarioFigures): string[] {
  const problems: string[] = [];
  const at = `round ${s.round} ${s.scenario}`;
  if (s.failures.length) problems.push(`${at}: ${s.failures.length} failed invocation(s): ${s.failures.join('; ')}`);
  const timeline = () => `prompts: ${s.timeline.join(', ')}`;
  if (s.overlappingPrompts) problems.push(`${at}: ${s.overlappingPrompts} pair(s) of prompts ran at the same time (${timeline()})`);
  if (s.corruptFiles) problems.push(`${at}: ${s.corruptFiles} corrupt cache file(s)`);
  if (s.scenario === 'cold') {
    if (s.prompts !== 1) problems.push(`${at}: ${s.prompts} prompts, expected 1`);
    if (s.getSessionTokenOk !== 1 || s.assumeRoleOk !== 3) problems.push(`${at}: ${s.getSessionTokenOk} GetSessionToken and ${s.assumeRoleOk} AssumeRole, expected 1 and 3`);
    if (s.tempFiles) problems.push(`${at}: ${s.tempFiles} temp file(s) left without any process killed`);
  } else if (s.scenario === 'warm') {
    if (s.prompts !== 0 || s.stsCalls !== 0) problems.push(`${at}: ${s.prompts} prompts and ${s.stsCalls} STS calls on a warm cache, expected none`);
    if (s.tempFiles) problems.push(`${at}: ${s.tempFiles} temp file(s) left without any process killed`);
  } else {
    if (s.survivorPrompts > 1) problems.push(`${at}: the survivors prompted ${s.survivorPrompts} times, expected at most 1 (${timeline()})`);
    if (s.getSessionTokenOk > 2) problems.push(`${at}: ${s.getSessionTokenOk} successful GetSessionToken calls (victim + survivors ≤ 2)`);
  }
  return problems;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export function renderTable(report: StressReport): string {
  const header = ['round', 'scenario', 'n', 'fail', 'prompts', 'by survivors', 'overlap', 'GetSessionToken', 'AssumeRole', 'corrupt', 'temp', 'victim', 'wall s', 'p50 ms', 'p95 ms', 'max ms'];
  const rows = report.scenarios.map((s) => [
    String(s.round),
    s.scenario,
    String(s.invocations),
    String(s.failures.length),
    String(s.prompts),
    String(s.survivorPrompts),
    String(s.overlappingPrompts),
    String(s.getSessionTokenOk),
    String(s.assumeRoleOk),
    String(s.corruptFiles),
    String(s.tempFiles),
    s.victim ? `${s.victim.signal}@${s.victim.killedAtMs}ms ${s.victim.phase}` : '-',
    (s.wallMs / 1000).toFixed(1),
    String(percentile(s.latenciesMs, 50)),
    String(percentile(s.latenciesMs, 95)),
    String(Math.max(0, ...s.latenciesMs)),
  ]);
  const all = report.scenarios;
  const sum = (f: (s: ScenarioFigures) => number) => String(all.reduce((n, s) => n + f(s), 0));
  rows.push(['all', `${all.length} scenarios`, sum((s) => s.invocations), sum((s) => s.failures.length), sum((s) => s.prompts), sum((s) => s.survivorPrompts), sum((s) => s.overlappingPrompts), sum((s) => s.getSessionTokenOk), sum((s) => s.assumeRoleOk), sum((s) => s.corruptFiles), sum((s) => s.tempFiles), `${all.filter((s) => s.victim).length} killed`, (all.reduce((n, s) => n + s.wallMs, 0) / 1000).toFixed(1), String(percentile(all.flatMap((s) => s.latenciesMs), 50)), String(percentile(all.flatMap((s) => s.latenciesMs), 95)), String(Math.max(0, ...all.flatMap((s) => s.latenciesMs)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 1 || i === 11 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [
    `tfmfa stress: seed ${report.seed}, ${report.parallel} parallel invocations per scenario over ${report.entries.join(', ')}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

export async function runStress(options: StressOptions): Promise<StressReport> {
  const world = await createWorld();
  const random = prng(options.seed);
  const report: StressReport = { seed: options.seed, parallel: options.parallel, entries: world.entries, scenarios: [] };
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of options.scenarios ?? SCENARIOS) {
        const figures = await scenario(world, round, name, options.parallel, random);
        report.scenarios.push(figures);
        const problems = judge(figures);
        options.log?.(`round ${round} ${name}: ${figures.failures.length} failures, ${figures.prompts} prompt(s) (${figures.survivorPrompts} by survivors), ${figures.overlappingPrompts} overlapping, ${figures.corruptFiles} corrupt, ${(figures.wallMs / 1000).toFixed(1)} s${figures.victim ? `, victim ${figures.victim.signal}@${figures.victim.killedAtMs}ms ${figures.victim.phase}` : ''}${problems.length ? ` — ${problems.join('; ')}` : ''}`);
      }
    }
  } finally {
    await world.box.cleanup();
  }
  return report;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, parallel: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } } });
  const only = values.only?.split(',').map((name) => name.trim()) as ScenarioName[] | undefined;
  const unknown = only?.filter((name) => !SCENARIOS.includes(name)) ?? [];
  if (unknown.length) {
    process.stderr.write(`stress: unknown scenario(s) ${unknown.join(', ')}: use ${SCENARIOS.join(', ')}\n`);
    process.exit(2);
  }
  const rounds = Number(values.rounds ?? process.env.TFMFA_STRESS_ROUNDS ?? 5);
  const parallel = Number(values.parallel ?? 20);
  const seed = Number(values.seed ?? process.env.TFMFA_STRESS_SEED ?? Date.now() % 2 ** 31);
  if (!existsSync(CLI)) {
    process.stderr.write('stress: dist/cli.js is missing: run npm run build first\n');
    process.exit(2);
  }
  const report = await runStress({ rounds, parallel, seed, ...(only ? { scenarios: only } : {}), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${renderTable(report)}\n`);
  const problems = report.scenarios.flatMap(judge);
  if (problems.length) {
    process.stdout.write(`\n${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('\nno problems: 0 failures, 0 overlapping prompts, 0 corrupt cache files\n');
  }
}
