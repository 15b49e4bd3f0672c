/**
 * `npm run bench`: how much a shim costs, as ratios measured side by side in one run on the same Node.
 *
 *   P1       Node shim (a symlink named terraform → dist/cli.js), cached session with a ticket, running
 *            /bin/true named terraform          vs  a bare `node empty.js`        target ≤ 1.3×
 *   P2       the same shim with the marker set (nested: a session already in the environment)
 *                                               vs  a bare `node empty.js`        target ≤ 1.10×
 *   P1-fast  the shell launcher with the ticket → /bin/true named terraform
 *                                               vs  /bin/true run directly        target ≤ 3×
 *   floor    (information) `/usr/bin/env node exec-true.cjs`, a script that only execs /bin/true, vs the bare
 *            Node start: the part of P1/P2 that no Node shim can avoid (the #! hop and execve)
 *   P6       server mode: the Node shim on `terraform apply` (a long run: tfmfa stays the parent and serves
 *            renewing credentials) vs the same shim on the static path (TFMFA_LONG_RUN=0, ticket)
 *                                               goal: < 60 ms added; and the RSS of the waiting parent < 60 MB
 *   TG       (information) warm `tfmfa terragrunt-auth` in Node vs `sh -c 'exec /bin/true'` (the goal, ≤ 3×,
 *            is for when the shell launcher serves it)
 *   P3-fast  tfmfa-launcher serving a warm `credential-process` from the ticket (the overlay's line)
 * vs `aws configure export-credentials` (static keys) goal ≥ 50× faster
 *   TG-fast  tfmfa-launcher serving a warm `terragrunt-auth` from the ticket
 *                                               vs  `sh -c 'exec /bin/true'`      target ≤ 3×
 *   P3-login tfmfa-launcher serving a warm `credential-process` for an `aws login` (login_session) profile from
 *            its ticket (the overlay's line)       vs  `sh -c 'exec /bin/true'`      target ≤ 3×
 *            (the installed AWS CLI 2.9 has no `aws login`, so no `aws configure export-credentials` side)
 *   TG-typed `tfmfa terragrunt-auth` as typed (TG_AUTH_PROVIDER_CMD='tfmfa terragrunt-auth': found on PATH),
 *            installed as npm installs it (PREFIX/bin/tfmfa → ../lib/node_modules/tfmfa/shims/tfmfa), warm
 *                                               vs  `sh -c 'exec /bin/true'`      target ≤ 3×
 *   aws-vault `aws-vault exec PROFILE -- /bin/true` with a cached session, when aws-vault is on PATH and
 *            TFMFA_BENCH_AWS_VAULT_PROFILE names a profile with a cached session (for comparison only)
 *
 * Each measurement is a function returning a pair of commands; runs are interleaved (A B, B A, ...) and
 * timed from spawn to exit; the median of TFMFA_BENCH_RUNS (default 40) runs each is reported. Results go
 * to the terminal as a table and to bench-results.json (TFMFA_BENCH_ONLY=P1,P2 runs only those). P3 and P4
 * (credential_process use, scripts/bench-credentials.ts), P7 (cold exec, scripts/bench-cold-exec.ts), P5 (the key
 * store's share of a cold session start, scripts/bench-keystore.ts), then S1 and S2 (overlay regeneration and
 * `tfmfa list` over 50,000 profiles, scripts/bench-scale.ts) run after them. To add a side-by-side measurement,
 * write another function like p1() and list it in MEASUREMENTS.
 *
 * `npm run bench -- --against REF` instead runs this build side by side with the build of commit REF
 * (scripts/bench-against.ts): the launcher paths, the Node paths users take by default, a cold exec with its STS
 * round trips and the server parent's memory, as ratios this/REF (TFMFA_BENCH_ONLY=launcher,cold selects paths).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { delimiter, join } from 'node:path';
import { renderLauncher } from '../src/shim/launcher/render.ts';
import { LOGIN_ARN, writeLoginToken } from '../test/support/login-session.ts';
import { CLI, createSandbox, NODE_DIR, ROOT, SERIAL, type Sandbox } from '../test/support/sandbox.ts';
import { againstTable, benchAgainst } from './bench-against.ts';
import { benchColdExec } from './bench-cold-exec.ts';
import { benchCredentialProcess, benchParallel } from './bench-credentials.ts';
import { benchKeystore } from './bench-keystore.ts';
import { waitingParentRss } from './bench-server.ts';
import { benchScale } from './bench-scale.ts';

interface Command {
  label: string;
  file: string;
  args: string[];
  env: Record<string, string>;
}

interface Measurement {
  id: string;
  title: string;
  subject: Command;
  baseline: Command;
  target: number;
  /** Run before each round, untimed (P3-login: Node renews the ticket's launcher trust, which lasts a minute). */
  beforeRound?: () => void;
}

interface Skipped {
  id: string;
  title: string;
  skipped: string;
}

interface Context {
  box: Sandbox;
  dir: string;
  /** PATH with the fake "real" terraform (/bin/true) and this Node first. */
  basePath: string;
  emptyScript: string;
  nodeShim: string;
  launcher: string;
  realTrue: string;
}

const RUNS = Number(process.env.TFMFA_BENCH_RUNS ?? 40);
const WARMUP = 3;
/** TFMFA_BENCH_ONLY=P1,floor runs only those. */
const ONLY = process.env.TFMFA_BENCH_ONLY?.split(',');

async function setUp(): Promise<Context> {
  const box = await createSandbox();
  const dir = join(box.dir, 'bench');
  for (const sub of ['node-shims', 'launcher-shims', 'real']) mkdirSync(join(dir, sub), { recursive: true });
  const realTrue = join(dir, 'real', 'terraform');
  copyFileSync('/bin/true', realTrue);
  const nodeShim = join(dir, 'node-shims', 'terraform');
  symlinkSync(CLI, nodeShim);
  const launcher = join(dir, 'launcher-shims', 'terraform');
  writeFileSync(launcher, renderLauncher({ entry: CLI }), { mode: 0o755 });
  const emptyScript = join(dir, 'empty.js');
  writeFileSync(emptyScript, '');
  const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
  if (warm.exitCode !== 0) throw new Error(`bench: could not open the session: ${String(warm.stderr)}`);
  return {
    box,
    dir,
    basePath: `${NODE_DIR}${delimiter}${join(dir, 'real')}${delimiter}/usr/bin${delimiter}/bin`,
    emptyScript,
    nodeShim,
    launcher,
    realTrue,
  };
}

function environment(context: Context, shimDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...context.box.env,
    PATH: `${shimDir}${delimiter}${context.basePath}`,
    PWD: context.box.dir,
    AWS_PROFILE: 'GEHC-056',
    ...extra,
  };
}

function bareNode(context: Context): Command {
  return {
    label: 'node empty.js',
    file: process.execPath,
    args: [context.emptyScript],
    env: environment(context, join(context.dir, 'node-shims')),
  };
}

function p1(context: Context): Measurement {
  return {
    id: 'P1',
    title: 'Node shim, cached session (ticket) → /bin/true vs bare Node start',
    subject: {
      label: 'terraform plan (Node shim)',
      file: context.nodeShim,
      args: ['plan'],
      env: environment(context, join(context.dir, 'node-shims')),
    },
    baseline: bareNode(context),
    target: 1.3,
  };
}

function p6(context: Context): Measurement {
  const shims = join(context.dir, 'node-shims');
  const served = environment(context, shims);
  delete served.TFMFA_LONG_RUN;
  return {
    id: 'P6',
    title: `Node shim on a long run: server mode vs the static path (goal: < ${P6_ADDED_MS_GOAL} ms added)`,
    subject: { label: 'terraform apply (server mode)', file: context.nodeShim, args: ['apply'], env: served },
    baseline: {
      label: 'terraform apply (static, ticket)',
      file: context.nodeShim,
      args: ['apply'],
      env: { ...served, TFMFA_LONG_RUN: '0' },
    },
    target: Infinity,
  };
}

function p2(context: Context): Measurement {
  const marker = {
    TFMFA_PROFILE: 'GEHC-056',
    AWS_ACCESS_KEY_ID: 'ASIABENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
  };
  return {
    id: 'P2',
    title: 'Node shim, marker set (nested) → /bin/true vs bare Node start',
    subject: {
      label: 'terraform plan (Node shim, marker)',
      file: context.nodeShim,
      args: ['plan'],
      env: environment(context, join(context.dir, 'node-shims'), marker),
    },
    baseline: bareNode(context),
    target: 1.1,
  };
}

function p1Fast(context: Context): Measurement {
  const env = environment(context, join(context.dir, 'launcher-shims'));
  return {
    id: 'P1-fast',
    title: 'shell launcher, ticket → /bin/true vs /bin/true',
    subject: { label: 'terraform plan (launcher)', file: context.launcher, args: ['plan'], env },
    baseline: { label: '/bin/true', file: context.realTrue, args: ['plan'], env },
    target: 3,
  };
}

/** Information for now: the ≤ 3× goal holds once the shell launcher serves the terragrunt JSON from the ticket. */
function terragruntAuth(context: Context): Measurement {
  const env = environment(context, join(context.dir, 'node-shims'));
  return {
    id: 'TG',
    title: "warm terragrunt auth command (Node) vs sh -c 'exec /bin/true' (goal ≤ 3× with the launcher)",
    subject: {
      label: 'tfmfa terragrunt-auth (Node)',
      file: process.execPath,
      args: [CLI, 'terragrunt-auth', 'GEHC-056'],
      env,
    },
    baseline: { label: "sh -c 'exec /bin/true'", file: '/bin/sh', args: ['-c', 'exec /bin/true'], env },
    target: Number.POSITIVE_INFINITY,
  };
}

/** Not a target: what any Node shim costs at least here (the #! line's /usr/bin/env hop, then execve). */
function floor(context: Context): Measurement {
  const script = join(context.dir, 'exec-true.cjs');
  writeFileSync(script, `process.execve(${JSON.stringify(context.realTrue)}, ['terraform', 'plan'], process.env);\n`);
  return {
    id: 'floor',
    title: 'the least a Node shim can cost: /usr/bin/env node SCRIPT that only execs /bin/true vs bare Node start',
    subject: {
      label: 'env node exec-true.cjs',
      file: '/usr/bin/env',
      args: ['node', script],
      env: environment(context, join(context.dir, 'node-shims')),
    },
    baseline: bareNode(context),
    target: Number.POSITIVE_INFINITY,
  };
}

function awsVault(context: Context): Measurement | Skipped {
  const title = 'aws-vault exec, cached session → /bin/true vs /bin/true';
  const found = (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d || '.', 'aws-vault'))
    .find((p) => existsSync(p));
  if (!found) return { id: 'aws-vault', title, skipped: 'aws-vault is not on PATH' };
  const profile = process.env.TFMFA_BENCH_AWS_VAULT_PROFILE;
  if (!profile)
    return {
      id: 'aws-vault',
      title,
      skipped:
        `aws-vault found (${found}) but TFMFA_BENCH_AWS_VAULT_PROFILE does not name a profile with a ` +
        `cached session`,
    };
  return {
    id: 'aws-vault',
    title,
    subject: {
      label: `aws-vault exec ${profile}`,
      file: found,
      args: ['exec', profile, '--', '/bin/true'],
      env: { ...(process.env as Record<string, string>) },
    },
    baseline: {
      label: '/bin/true',
      file: context.realTrue,
      args: [],
      env: { ...(process.env as Record<string, string>) },
    },
    target: Number.POSITIVE_INFINITY,
  };
}

/** P3-fast's goal: the launcher at least this many times faster than the AWS CLI (a ratio target of 1/50). */
const P3_FAST_GOAL = 50;

/**
 * tfmfa-launcher with no Node reachable (nor in P3-fast's overlay form): a hand-over fails the run instead of
 * timing Node.
 */
function servingLauncher(context: Context): string {
  const path = join(context.dir, 'serving', 'tfmfa-launcher');
  if (!existsSync(path)) {
    mkdirSync(join(context.dir, 'serving'), { recursive: true });
    writeFileSync(path, renderLauncher({ entry: '/nonexistent/tfmfa/dist/cli.js' }), { mode: 0o755 });
  }
  return path;
}

function p3Fast(context: Context): Measurement | Skipped {
  const title =
    `tfmfa-launcher credential-process (warm ticket) vs aws configure export-credentials (goal ` +
    `≥ ${P3_FAST_GOAL}× faster)`;
  if (!existsSync('/usr/bin/aws')) return { id: 'P3-fast', title, skipped: 'no AWS CLI' };
  const env = { ...context.box.env };
  const files = [
    '--config-file',
    env.AWS_CONFIG_FILE as string,
    '--credentials-file',
    env.AWS_SHARED_CREDENTIALS_FILE as string,
  ];
  return {
    id: 'P3-fast',
    title,
    subject: {
      label: 'tfmfa-launcher credential-process',
      file: servingLauncher(context),
      args: ['/nonexistent/node', '/nonexistent/tfmfa/dist/cli.js', 'credential-process', ...files, '--', 'GEHC-056'],
      env,
    },
    baseline: {
      label: 'aws configure export-credentials',
      file: '/usr/bin/aws',
      args: ['configure', 'export-credentials', '--profile', 'GEHC-000', '--format', 'process'],
      env,
    },
    target: 1 / P3_FAST_GOAL,
  };
}

function tgFast(context: Context): Measurement {
  const env = { ...context.box.env };
  return {
    id: 'TG-fast',
    title: "tfmfa-launcher terragrunt-auth (warm ticket) vs sh -c 'exec /bin/true'",
    subject: {
      label: 'tfmfa-launcher terragrunt-auth',
      file: servingLauncher(context),
      args: ['terragrunt-auth', 'GEHC-056'],
      env,
    },
    baseline: { label: "sh -c 'exec /bin/true'", file: '/bin/sh', args: ['-c', 'exec /bin/true'], env },
    target: 3,
  };
}

/**
 * A login_session profile in files of its own (the other rows' tickets stay bound to theirs), signed in, its ticket
 * written.
 */
function p3Login(context: Context): Measurement {
  const dir = join(context.dir, 'login');
  const files = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  const env = { ...context.box.env, ...files };
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(files.AWS_CONFIG_FILE, `[profile dev-login]\nlogin_session = ${LOGIN_ARN}\nregion = us-west-2\n`);
    writeLoginToken(context.box, context.box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222' }));
    const warm = spawnSync(process.execPath, [CLI, 'exec', 'dev-login', '--', '/bin/true'], { env, encoding: 'utf8' });
    if (warm.status !== 0) throw new Error(`bench: could not open the login session: ${warm.stderr}`);
  }
  return {
    id: 'P3-login',
    title: "tfmfa-launcher credential-process of a login_session profile (warm ticket) vs sh -c 'exec /bin/true'",
    subject: {
      label: 'tfmfa-launcher credential-process (aws login)',
      file: servingLauncher(context),
      args: [
        '/nonexistent/node',
        '/nonexistent/tfmfa/dist/cli.js',
        'credential-process',
        '--config-file',
        files.AWS_CONFIG_FILE,
        '--credentials-file',
        files.AWS_SHARED_CREDENTIALS_FILE,
        '--',
        'dev-login',
      ],
      env,
    },
    baseline: { label: "sh -c 'exec /bin/true'", file: '/bin/sh', args: ['-c', 'exec /bin/true'], env },
    target: 3,
    // No other row runs this profile through Node: a run of more than a minute would outlive the launcher's trust.
    beforeRound: () => void spawnSync(process.execPath, [CLI, 'credential-process', 'dev-login'], { env }),
  };
}

/** A prefix laid out as `npm install -g` lays it out (the package folder linked, as `npm install -g .` does). */
function installedBin(context: Context): string {
  const prefix = join(context.dir, 'prefix');
  const bin = join(prefix, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(join(prefix, 'lib', 'node_modules'), { recursive: true });
    mkdirSync(bin);
    symlinkSync(ROOT, join(prefix, 'lib', 'node_modules', 'tfmfa'));
    symlinkSync(join('..', 'lib', 'node_modules', 'tfmfa', 'shims', 'tfmfa'), join(bin, 'tfmfa'));
  }
  return bin;
}

function tgTyped(context: Context): Measurement {
  const env = { ...context.box.env, PATH: `${installedBin(context)}${delimiter}${context.box.env.PATH}` };
  return {
    id: 'TG-typed',
    title: "tfmfa terragrunt-auth as typed, installed, warm vs sh -c 'exec /bin/true'",
    subject: { label: 'tfmfa terragrunt-auth', file: 'tfmfa', args: ['terragrunt-auth', 'GEHC-056'], env },
    baseline: { label: "sh -c 'exec /bin/true'", file: '/bin/sh', args: ['-c', 'exec /bin/true'], env },
    target: 3,
  };
}

const MEASUREMENTS: Array<(context: Context) => Measurement | Skipped> = [
  p1,
  p2,
  p1Fast,
  p6,
  terragruntAuth,
  p3Fast,
  tgFast,
  tgTyped,
  p3Login,
  floor,
  awsVault,
];

/** Server mode's goals (issue 13): start-up added to the static path, and the waiting parent's memory. */
const P6_ADDED_MS_GOAL = 60;
const P6_RSS_MB_GOAL = 60;

function timeOnce(command: Command): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command.file, command.args, { env: command.env, stdio: 'ignore' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(
      `bench: ${command.label} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`,
    );
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function p6Measurement(context: Context): Command {
  return p6(context).subject;
}

/** Checks that a measurement measures what it says (the ticket path, the launcher without Node). */
function verify(context: Context): void {
  const debug = spawnSync(context.nodeShim, ['plan'], {
    env: { ...p1(context).subject.env, TFMFA_DEBUG: '1' },
    encoding: 'utf8',
  });
  if (!/ticket hit/.test(debug.stderr)) throw new Error(`bench: P1 would not use the ticket: ${debug.stderr}`);
  const served = spawnSync(context.nodeShim, ['apply'], {
    env: { ...p6(context).subject.env, TFMFA_DEBUG: '1' },
    encoding: 'utf8',
  });
  if (!/credential server listening/.test(served.stderr))
    throw new Error(`bench: P6 would not use server mode: ${served.stderr}`);
  const staticApply = spawnSync(context.nodeShim, ['apply'], {
    env: { ...p6(context).baseline.env, TFMFA_DEBUG: '1' },
    encoding: 'utf8',
  });
  if (!/ticket hit/.test(staticApply.stderr))
    throw new Error(`bench: P6's baseline would not use the ticket: ${staticApply.stderr}`);
  const nowhere = join(context.dir, 'launcher-check');
  mkdirSync(nowhere, { recursive: true });
  writeFileSync(join(nowhere, 'terraform'), renderLauncher({ entry: '/nonexistent/tfmfa/dist/cli.js' }), {
    mode: 0o755,
  });
  const fast = spawnSync(join(nowhere, 'terraform'), ['plan'], {
    env: environment(context, nowhere),
    encoding: 'utf8',
  });
  if (fast.status !== 0) throw new Error(`bench: the launcher would not take its fast path: ${fast.stderr}`);
  // P3-fast and TG-fast: served without Node (their launcher has no Node to hand over to), the same bytes as Node's.
  for (const [measurement, nodeArgs] of [
    [p3Fast(context), ['credential-process', 'GEHC-056']],
    [tgFast(context), ['terragrunt-auth', 'GEHC-056']],
  ] as const) {
    if ('skipped' in measurement) continue;
    const node = spawnSync(process.execPath, [CLI, ...nodeArgs], { env: measurement.subject.env, encoding: 'utf8' });
    const served = spawnSync(measurement.subject.file, measurement.subject.args, {
      env: measurement.subject.env,
      encoding: 'utf8',
    });
    if (served.status !== 0 || served.stdout !== node.stdout)
      throw new Error(
        `bench: ${measurement.id} would not be served from the ticket as Node prints it: ${served.stderr}`,
      );
  }
  // TG-typed: with only the installed bin directory on PATH no Node can start (dist/cli.js is `#!/usr/bin/env node`).
  const typed = tgTyped(context).subject;
  const typedNode = spawnSync(process.execPath, [CLI, ...typed.args], { env: typed.env, encoding: 'utf8' });
  const typedServed = spawnSync(typed.file, typed.args, {
    env: { ...typed.env, PATH: installedBin(context) },
    encoding: 'utf8',
  });
  if (typedServed.status !== 0 || typedServed.stdout !== typedNode.stdout)
    throw new Error(`bench: TG-typed would not be served from the ticket as Node prints it: ${typedServed.stderr}`);
}

interface Result {
  id: string;
  title: string;
  subject: string;
  baseline: string;
  subjectMedianMs: number;
  baselineMedianMs: number;
  subjectMinMs: number;
  baselineMinMs: number;
  ratio: number;
  /** Ratio of the fastest runs: what the machine does without load. */
  minRatio: number;
  target: number | null;
  met: boolean | null;
}

/** Runs every measurement round-robin (subject and baseline alternating in order), so that a change in the
 * machine's load hits all of them alike; WARMUP rounds first, not counted. */
function runAll(measurements: Measurement[]): Result[] {
  const samples = measurements.map(() => ({ subject: [] as number[], baseline: [] as number[] }));
  for (let round = -WARMUP; round < RUNS; round++) {
    measurements.forEach((measurement, index) => {
      measurement.beforeRound?.();
      const pair = samples[index] as { subject: number[]; baseline: number[] };
      const order: Array<'subject' | 'baseline'> = round % 2 === 0 ? ['subject', 'baseline'] : ['baseline', 'subject'];
      for (const side of order) {
        const elapsed = timeOnce(measurement[side]);
        if (round >= 0) pair[side].push(elapsed);
      }
    });
  }
  return measurements.map((measurement, index) => {
    const { subject, baseline } = samples[index] as { subject: number[]; baseline: number[] };
    const ratio = median(subject) / median(baseline);
    const finite = Number.isFinite(measurement.target);
    return {
      id: measurement.id,
      title: measurement.title,
      subject: measurement.subject.label,
      baseline: measurement.baseline.label,
      subjectMedianMs: median(subject),
      baselineMedianMs: median(baseline),
      subjectMinMs: Math.min(...subject),
      baselineMinMs: Math.min(...baseline),
      ratio,
      minRatio: Math.min(...subject) / Math.min(...baseline),
      target: finite ? measurement.target : null,
      met: finite ? ratio <= measurement.target : null,
    };
  });
}

function table(results: Result[], skipped: Skipped[]): string {
  const rows = [
    ['', 'subject (median ms)', 'baseline (median ms)', 'ratio', 'target', '', 'fastest-run ratio'],
    ...results.map((r) => [
      r.id,
      `${r.subjectMedianMs.toFixed(1)}  ${r.subject}`,
      `${r.baselineMedianMs.toFixed(1)}  ${r.baseline}`,
      `${r.ratio.toFixed(2)}×`,
      r.target === null ? 'info' : `≤ ${r.target}×`,
      r.met === null ? '' : r.met ? 'ok' : 'MISSED',
      `${r.minRatio.toFixed(2)}×`,
    ]),
    ...skipped.map((s) => [s.id, `skipped: ${s.skipped}`, '', '', '', '', '']),
  ];
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.filter((row) => !row[1]?.startsWith('skipped')).map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `--against REF`: this build side by side with REF's (scripts/bench-against.ts), instead of the measurements here. */
async function against(ref: string): Promise<void> {
  const result = await benchAgainst(ref, RUNS, ONLY);
  process.stdout.write(`${againstTable(result)}\n`);
  const file = join(ROOT, 'bench-against-results.json');
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`,
  );
  process.stdout.write(`\nwritten to ${file}\n`);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--against');
  if (at >= 0) {
    const ref = process.argv[at + 1];
    if (!ref) throw new Error('bench: --against needs a commit (npm run bench -- --against fab2d60)');
    return against(ref);
  }
  const context = await setUp();
  try {
    verify(context);
    const measurements: Measurement[] = [];
    const skipped: Skipped[] = [];
    for (const make of MEASUREMENTS) {
      const measurement = make(context);
      if (ONLY && !ONLY.includes(measurement.id)) continue;
      if ('skipped' in measurement) skipped.push(measurement);
      else measurements.push(measurement);
    }
    const results = runAll(measurements);
    process.stdout.write(
      `tfmfa bench: Node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, median ` +
        `of ${RUNS} interleaved runs each\n\n${table(results, skipped)}\n`,
    );
    const p6 = results.find((r) => r.id === 'P6');
    let p6Summary: { addedMs: number; rssMb: number; met: boolean } | null = null;
    if (p6) {
      const served = p6Measurement(context);
      const { rssMb } = await waitingParentRss(served.file, join(context.dir, 'real'), served.env);
      const addedMs = p6.subjectMedianMs - p6.baselineMedianMs;
      p6Summary = { addedMs, rssMb, met: addedMs < P6_ADDED_MS_GOAL && rssMb < P6_RSS_MB_GOAL };
      process.stdout.write(
        `\nP6  server mode adds ${addedMs.toFixed(1)} ms to a shim-launched terraform apply (goal ` +
          `< ${P6_ADDED_MS_GOAL} ms); ` +
          `waiting parent RSS ${rssMb.toFixed(1)} MB (goal < ${P6_RSS_MB_GOAL} ` +
          `MB) ${p6Summary.met ? 'ok' : 'MISSED'}\n`,
      );
    }
    // P3 and P4 need STS answers from the emulator in this process, so they run asynchronously, after the rest.
    const p3 = !ONLY || ONLY.includes('P3') ? await benchCredentialProcess(context.box) : null;
    const p7 = !ONLY || ONLY.includes('P7') ? await benchColdExec(context.box, context.emptyScript) : null;
    const p4 = !ONLY || ONLY.includes('P4') ? await benchParallel(context.box) : null;
    const p3Fast = results.find((r) => r.id === 'P3-fast');
    if (p3Fast) {
      const faster = `${(1 / p3Fast.ratio).toFixed(0)}× faster (goal ≥ ${P3_FAST_GOAL}×)`;
      const verdict = `${faster} ${p3Fast.met ? 'ok' : 'MISSED'}`;
      process.stdout.write(
        `\nP3-fast  warm credential_process through tfmfa-launcher ${p3Fast.subjectMedianMs.toFixed(1)} ms vs ` +
          `aws configure export-credentials ${p3Fast.baselineMedianMs.toFixed(1)} ms: ${verdict}\n`,
      );
    }
    if (p3) {
      const verdict =
        p3.ratio === null
          ? 'skipped'
          : `tfmfa ${p3.ratio.toFixed(1)}× faster (Node target ≥ 5×) ${p3.met ? 'ok' : 'MISSED'}; ` +
            '≥ 50× is the goal once the launcher serves it';
      process.stdout.write(
        `\nP3  warm tfmfa credential-process (Node) ${p3.tfmfaMs.toFixed(1)} ms vs aws configure ` +
          `export-credentials ${p3.awsCliMs === null ? '(no AWS CLI)' : `${p3.awsCliMs.toFixed(1)} ms`}: ${verdict}\n`,
      );
    }
    if (p7) {
      process.stdout.write(
        `P7  cold tfmfa exec → /bin/true without prompt and STS ${p7.coldExecMs.toFixed(1)} ms (STS round ` +
          `trips taken off: ${p7.stsMs.toFixed(1)} ms) vs bare Node ${p7.bareNodeMs.toFixed(1)} ms: ` +
          `${p7.ratio.toFixed(2)}× (target ≤ ${p7.target}×) ${p7.met ? 'ok' : 'MISSED'}\n`,
      );
    }
    if (p4) {
      process.stdout.write(
        `P4  ${p4.parallel} parallel credential-process, 3 roles, cold cache: ${p4.prompts} ` +
          `prompt, ${p4.getSessionToken} GetSessionToken, ${p4.assumeRole} AssumeRole; ` +
          `wall ${p4.wallMs.toFixed(0)} ms = ${p4.ratio.toFixed(1)}× one warm call ` +
          `(${p4.singleWarmMs.toFixed(0)} ms)\n`,
      );
    }
    const p5 = !ONLY || ONLY.includes('P5') ? await benchKeystore(context.box) : null;
    if (p5) {
      const keyring =
        p5.keyringReadMs === null
          ? `keyring skipped (${p5.keyringSkipped})`
          : `keyring ${p5.keyringReadMs.toFixed(1)} ms of ${p5.coldKeyringMs?.toFixed(0)} ms`;
      process.stdout.write(
        `P5  key store read in a cold session start: file ${p5.fileReadMs.toFixed(0)} ms ` +
          `of ${p5.coldFileMs.toFixed(0)} ms, ${keyring} (cached runs never read it)\n`,
      );
    }
    const scale = !ONLY || ONLY.includes('S1') || ONLY.includes('S2') ? await benchScale() : null;
    if (scale) {
      const cpu = (ms: number | null) => (ms === null ? '' : `, CPU ${ms.toFixed(0)} ms`);
      process.stdout.write(
        `S1  overlay regeneration, ${scale.profiles} profiles: ${scale.overlayMs.toFixed(0)} ` +
          `ms${cpu(scale.overlayCpuMs)} (target < ${scale.overlayTargetMs} ms)\n` +
          `S2  tfmfa list, ${scale.profiles} profiles: ${scale.listMs.toFixed(0)} ms${cpu(scale.listCpuMs)} ` +
          `(target < ${scale.listTargetMs} ms) ${scale.met ? 'ok' : 'MISSED'}\n`,
      );
    }
    const file = join(ROOT, 'bench-results.json');
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      runs: RUNS,
      results,
      skipped,
      p3,
      p4,
      p5,
      p6: p6Summary,
      p7,
      scale,
    };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nwritten to ${file}\n`);
  } finally {
    await context.box.cleanup();
  }
}

await main();
