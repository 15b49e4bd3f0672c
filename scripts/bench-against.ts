/**
 * `npm run bench -- --against REF`: this tree's build side by side with the build of commit REF, in one run.
 *
 * REF's tree is taken with `git archive` into a temp directory (node_modules linked to this tree's, no npm ci)
 * and built there with its own scripts. Each build gets a world of its own (test/support/sandbox.ts: an STS
 * emulator, AWS files, a cache), opened with one `exec`, so that neither reads the other's tickets or sessions.
 * Then every path below runs for both builds, interleaved (A B, B A, ...), timed from spawn to exit, and the
 * medians are compared: the ratio this/REF (< 1 is faster). The waiting parent's memory in server mode is read
 * from /proc, also interleaved. Paths:
 *
 *   launcher: terraform plan        shims/terraform with a ticket → /bin/true named terraform (no Node)
 *   launcher: credential-process    shims/tfmfa-launcher as the overlay's credential_process line runs it, served
 *                                   from the ticket (no Node: the line names one that does not exist)
 *   launcher: terragrunt-auth       shims/tfmfa-launcher terragrunt-auth PROFILE, served from the ticket
 *   node: marker (hand-over)        `cli.js __shim terraform plan` with a session in the environment
 *   node: ticket (hand-over)        `cli.js __shim terraform plan` with a ticket
 *   node: credential-process        warm `cli.js credential-process PROFILE` (the ticket cannot serve it)
 *   node: export                    warm `cli.js export PROFILE`
 *   node: list                      `cli.js list`
 *   node: exec cold                 the first run of a profile: no cache, `exec --mfa-token CODE -- /bin/true`,
 *                                   with its STS round trips (GetSessionToken, AssumeRole) against the emulator
 *   node: server mode apply         a Node shim on `terraform apply` (server mode, from the cache) → /bin/true
 *   server parent RSS               the same waiting for its command: VmRSS in MB
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { setprivProbePath } from '../src/store/layout.ts';
import { createSandbox, NODE_DIR, ROOT, SERIAL, type Sandbox } from '../test/support/sandbox.ts';
import { median, timeRun } from './bench-credentials.ts';
import { waitingParentRss } from './bench-server.ts';

/** A build of tfmfa and the world it runs in. */
interface Build {
  name: string;
  root: string;
  cli: string;
  box: Sandbox;
  /** The directory of the "real" terraform (a copy of /bin/true). */
  real: string;
  /** A directory with a Node shim: terraform → dist/cli.js. */
  nodeShims: string;
}

interface Run {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Called before each run (a cold run clears the cache). */
  prepare?: () => string[] | void;
}

interface Path {
  id: string;
  run: (build: Build) => Run;
}

const PROFILE = 'GEHC-056';

function shimEnv(build: Build, shimDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...build.box.env,
    PATH: [shimDir, build.real, NODE_DIR, '/usr/bin', '/bin'].join(delimiter),
    AWS_PROFILE: PROFILE,
    ...extra,
  };
}

/**
 * A cold run: the cache directory emptied of sessions, tickets, overlay and locks, as for a profile's first run.
 * What is the machine's, not a profile's, stays: setpriv's answer (src/server/orphan-guard.ts), asked once per
 * setpriv file; wiping it here made the server mode row after this one pay a `setpriv --help` users pay once.
 */
function clearProfileCache(cacheDir: string): void {
  const kept = basename(setprivProbePath(cacheDir));
  for (const entry of existsSync(cacheDir) ? readdirSync(cacheDir) : [])
    if (entry !== kept) rmSync(join(cacheDir, entry), { recursive: true, force: true });
}

const PATHS: Path[] = [
  {
    id: 'launcher: terraform plan',
    run: (b) => ({ file: join(b.root, 'shims', 'terraform'), args: ['plan'], env: shimEnv(b, join(b.root, 'shims')) }),
  },
  {
    // The overlay's credential_process line; a Node that does not exist, so a hand-over fails the run.
    id: 'launcher: credential-process',
    run: (b) => ({
      file: join(b.root, 'shims', 'tfmfa-launcher'),
      args: [
        '/nonexistent/node',
        '/nonexistent/dist/cli.js',
        'credential-process',
        '--config-file',
        b.box.env.AWS_CONFIG_FILE as string,
        '--credentials-file',
        b.box.env.AWS_SHARED_CREDENTIALS_FILE as string,
        '--',
        PROFILE,
      ],
      env: b.box.env,
    }),
  },
  {
    id: 'launcher: terragrunt-auth',
    run: (b) => ({
      file: join(b.root, 'shims', 'tfmfa-launcher'),
      args: ['terragrunt-auth', PROFILE],
      env: b.box.env,
    }),
  },
  {
    id: 'node: marker (hand-over)',
    run: (b) => ({
      file: process.execPath,
      args: [b.cli, '__shim', 'terraform', 'plan'],
      env: shimEnv(b, b.nodeShims, {
        TFMFA_PROFILE: PROFILE,
        AWS_ACCESS_KEY_ID: 'ASIABENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_SESSION_TOKEN: 'bench',
      }),
    }),
  },
  {
    id: 'node: ticket (hand-over)',
    run: (b) => ({
      file: process.execPath,
      args: [b.cli, '__shim', 'terraform', 'plan'],
      env: shimEnv(b, b.nodeShims),
    }),
  },
  {
    id: 'node: credential-process',
    run: (b) => ({ file: process.execPath, args: [b.cli, 'credential-process', PROFILE], env: b.box.env }),
  },
  { id: 'node: export', run: (b) => ({ file: process.execPath, args: [b.cli, 'export', PROFILE], env: b.box.env }) },
  { id: 'node: list', run: (b) => ({ file: process.execPath, args: [b.cli, 'list'], env: b.box.env }) },
  {
    id: 'node: exec cold (with STS)',
    run: (b) => ({
      file: process.execPath,
      args: [b.cli, 'exec', PROFILE, '--mfa-token', 'CODE', '--', '/bin/true'],
      env: b.box.env,
      prepare: () => {
        clearProfileCache(b.box.cacheDir);
        b.box.emu.advance(30);
        return [b.cli, 'exec', PROFILE, '--mfa-token', b.box.emu.currentCode(SERIAL), '--', '/bin/true'];
      },
    }),
  },
  {
    id: 'node: server mode apply',
    run: (b) => {
      const env = shimEnv(b, b.nodeShims);
      delete env.TFMFA_LONG_RUN;
      return { file: join(b.nodeShims, 'terraform'), args: ['apply'], env };
    },
  },
];

/**
 * TFMFA_BENCH_AGAINST_ENV=NAME=VALUE[,NAME=VALUE...]: set for REF's runs only, e.g. TFMFA_COMPILE_CACHE=0 for a
 * build that still had the compile cache (before issue 22), to compare the two on the same footing.
 */
function refEnvironment(): Record<string, string> {
  const pairs = (process.env.TFMFA_BENCH_AGAINST_ENV ?? '').split(',').filter(Boolean);
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** REF's tree, built, in a temp directory (or REF itself: a tree already built, such as a variant of this one). */
function buildCommit(ref: string): { root: string; sha: string; temporary: boolean } {
  if (existsSync(join(ref, 'dist', 'cli.js'))) return { root: ref, sha: basename(ref), temporary: false };
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const root = mkdtempSync(join(tmpdir(), `tfmfa-against-${sha.slice(0, 7)}-`));
  execFileSync('sh', ['-c', 'git archive "$1" | tar -x -C "$2"', 'sh', sha, root], { cwd: ROOT, stdio: 'inherit' });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(root, 'node_modules'));
  for (const script of ['bundle.ts', 'build-launcher.ts'])
    execFileSync(process.execPath, [join('scripts', script)], { cwd: root, stdio: 'inherit' });
  return { root, sha, temporary: true };
}

async function world(name: string, root: string, extraEnv: Record<string, string> = {}): Promise<Build> {
  const box = await createSandbox();
  Object.assign(box.env, extraEnv);
  const cli = join(root, 'dist', 'cli.js');
  const real = join(box.dir, 'real');
  const nodeShims = join(box.dir, 'node-shims');
  mkdirSync(real);
  mkdirSync(nodeShims);
  copyFileSync('/bin/true', join(real, 'terraform'));
  symlinkSync(cli, join(nodeShims, 'terraform'));
  await timeRun(
    process.execPath,
    [cli, 'exec', PROFILE, '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true'],
    box.env,
  );
  return { name, root, cli, box, real, nodeShims };
}

/** The launcher rows must be served without Node: with nothing but the launcher (and the real tool) on PATH. */
function verifyLaunchers(build: Build): void {
  for (const path of PATHS.filter((p) => p.id.startsWith('launcher:'))) {
    const run = path.run(build);
    const alone = { ...run.env, PATH: [join(build.root, 'shims'), build.real].join(delimiter) };
    const served = spawnSync(run.file, run.args, { env: alone, encoding: 'utf8' });
    if (served.status !== 0)
      throw new Error(`bench --against: ${path.id} of ${build.name} is not served by the launcher: ${served.stderr}`);
  }
}

export interface AgainstRow {
  id: string;
  thisMs: number;
  refMs: number;
  ratio: number;
}

export interface AgainstResult {
  ref: string;
  sha: string;
  runs: number;
  rows: AgainstRow[];
  rss: { thisMb: number; refMb: number; ratio: number };
  /** What TFMFA_BENCH_AGAINST_ENV set for REF's runs. */
  refEnv: Record<string, string>;
}

export async function benchAgainst(ref: string, runs: number, only?: string[]): Promise<AgainstResult> {
  const other = buildCommit(ref);
  const builds = [await world('this', ROOT), await world(other.sha.slice(0, 7), other.root, refEnvironment())];
  const paths = only ? PATHS.filter((p) => only.some((word) => p.id.includes(word))) : PATHS;
  try {
    builds.forEach(verifyLaunchers);
    const samples = paths.map(() => builds.map(() => [] as number[]));
    for (let round = -2; round < runs; round++) {
      for (const [index, path] of paths.entries()) {
        const order = round % 2 === 0 ? [0, 1] : [1, 0];
        for (const side of order) {
          const build = builds[side] as Build;
          const run = path.run(build);
          const args = run.prepare?.() ?? run.args;
          const ms = await timeRun(run.file, args, run.env);
          if (round >= 0) samples[index]![side]!.push(ms);
        }
      }
    }
    const rss = builds.map(() => [] as number[]);
    for (let round = 0; round < Math.min(runs, 10); round++)
      for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const build = builds[side] as Build;
        const served = paths.find((p) => p.id === 'node: server mode apply') ?? PATHS.at(-1)!;
        const run = served.run(build);
        rss[side]!.push((await waitingParentRss(run.file, build.real, run.env)).rssMb);
      }
    const rows = paths.map((path, index) => {
      const [mine, theirs] = samples[index]!.map(median) as [number, number];
      return { id: path.id, thisMs: mine, refMs: theirs, ratio: mine / theirs };
    });
    const [thisMb, refMb] = rss.map(median) as [number, number];
    const memory = { thisMb, refMb, ratio: thisMb / refMb };
    return { ref, sha: other.sha, runs, rows, rss: memory, refEnv: refEnvironment() };
  } finally {
    for (const build of builds) await build.box.cleanup();
    if (other.temporary) rmSync(other.root, { recursive: true, force: true });
  }
}

export function againstTable(result: AgainstResult): string {
  const name = result.sha.slice(0, 7);
  const verdict = (ratio: number) => (ratio <= 1.05 ? 'ok' : 'WORSE');
  const lines = result.rows.map(
    (row) =>
      `${row.id.padEnd(30)} ${row.thisMs.toFixed(1).padStart(8)} ${row.refMs.toFixed(1).padStart(8)}` +
      `   ${row.ratio.toFixed(3)}  ${verdict(row.ratio)}`,
  );
  const { thisMb, refMb, ratio } = result.rss;
  lines.push(
    `${'server parent RSS (MB)'.padEnd(30)} ${thisMb.toFixed(1).padStart(8)} ${refMb.toFixed(1).padStart(8)}` +
      `   ${ratio.toFixed(3)}  ${verdict(ratio)}`,
  );
  return [
    `tfmfa bench --against ${result.ref} (${name}): Node ${process.version}, median of ${result.runs} ` +
      `interleaved runs` +
      Object.entries(result.refEnv)
        .map(([key, value]) => `, ${key}=${value} for ${name}`)
        .join(''),
    '',
    `${'path'.padEnd(30)} ${'this ms'.padStart(8)} ${`${name} ms`.padStart(8)}   this/${name} (goal ≤ 1.05)`,
    ...lines,
  ].join('\n');
}
