// A world for shim tests: the emulator sandbox, fake terraform/terragrunt/aws, and the same tools reachable
// through two kinds of shim directory:
//   via 'node'     symlinks named terraform, terragrunt, aws → dist/cli.js (Node's shim mode)
//   via 'launcher' the shell launcher (src/shim/launcher/launcher.sh) as files named after the tools
//
// The launchers' baked entry is a tiny "trap" script that appends one line to a log and then execs
// dist/cli.js with the same arguments: every hand-over from the launcher to Node is counted
// (`fallbacks()`), so a test can prove which path ran. Nothing else distinguishes the two: the trap
// changes no variable (as long as PWD is right, which `env()` sees to) and Node's view is the same.
import { execa, type Options } from 'execa';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderLauncher } from '../../src/shim/launcher/render.ts';
import { createFakeTool, readRecords, type FakeToolRecord } from './fake-tool.ts';
import { CLI, createSandbox, SERIAL, type Sandbox } from './sandbox.ts';

export type Via = 'node' | 'launcher';
export const VIAS: readonly Via[] = ['node', 'launcher'];
export const TOOLS = ['terraform', 'terragrunt', 'aws'] as const;
export type Tool = (typeof TOOLS)[number];

export interface RunResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  pid: number | undefined;
  failed: boolean;
}

export interface ShimWorld {
  box: Sandbox;
  /** Symlinks to dist/cli.js. */
  nodeShims: string;
  /** Launcher files whose entry is the trap. */
  launcherShims: string;
  /** Fake terraform, terragrunt and aws. */
  fakeBin: string;
  trapEntry: string;
  shimDir(via: Via): string;
  /** box.env + PATH = shimDir : fakeBin : box PATH, PWD = box.dir (what a shell would export). */
  env(via: Via, extra?: Record<string, string | undefined>): Record<string, string>;
  /** Runs `shimDir(via)/tool args` (no terminal unless options say otherwise). */
  run(via: Via, tool: string, args: string[], options?: RunOptions): Promise<RunResult>;
  records(tool: Tool): FakeToolRecord[];
  last(tool: Tool): FakeToolRecord;
  /** How many times a launcher handed over to Node so far. */
  fallbacks(): number;
  /** Opens the GEHC-056 session (or `profile`'s) with an MFA code: writes the session cache and the ticket. */
  warm(profile?: string, env?: Record<string, string>): Promise<void>;
  /** A TOTP code not used before. */
  freshCode(): string;
  cleanup(): Promise<void>;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Replaces the whole environment (after removing undefined values). */
  fullEnv?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  detached?: boolean;
  /** Run the launcher file through this shell (`dash FILE args`), only for via 'launcher'. */
  shell?: string[];
  timeout?: number;
}

export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return result;
}

/** A TFMFA_SHIM_STACK value without the pids (`tool=path@pid|...` → `tool=path|...`): they differ from run to run. */
export function stackWithoutPids(stack: string | undefined): string | undefined {
  return stack?.replace(/@[0-9]+(?=\||$)/g, '');
}

/** An environment with its TFMFA_SHIM_STACK's pids taken out (see stackWithoutPids). */
export function withoutStackPids(env: Record<string, string>): Record<string, string> {
  return env.TFMFA_SHIM_STACK === undefined
    ? env
    : { ...env, TFMFA_SHIM_STACK: stackWithoutPids(env.TFMFA_SHIM_STACK) as string };
}

/** Writes a launcher file (mode 0755). */
export function writeLauncher(path: string, entry?: string): void {
  writeFileSync(path, renderLauncher(entry === undefined ? {} : { entry }), { mode: 0o755 });
  chmodSync(path, 0o755);
}

export async function createShimWorld(options: { extraConfig?: (box: Sandbox) => string } = {}): Promise<ShimWorld> {
  const box = await createSandbox();
  if (options.extraConfig) box.writeConfig(options.extraConfig(box));
  const nodeShims = join(box.dir, 'node-shims');
  const launcherShims = join(box.dir, 'launcher-shims');
  const fakeBin = join(box.dir, 'fake-bin');
  const trapDir = join(box.dir, 'trap');
  const fallbackLog = join(trapDir, 'fallbacks.log');
  const trapEntry = join(trapDir, 'tfmfa-entry');
  for (const dir of [nodeShims, launcherShims, fakeBin, trapDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(fallbackLog, '');
  writeFileSync(
    trapEntry,
    `#!/bin/sh\nprintf '%s\\n' "$2" >>'${fallbackLog}'\nexec '${process.execPath}' '${CLI}' "$@"\n`,
    { mode: 0o755 },
  );
  for (const tool of TOOLS) {
    createFakeTool(fakeBin, tool);
    symlinkSync(CLI, join(nodeShims, tool));
    writeLauncher(join(launcherShims, tool), trapEntry);
  }
  const shimDir = (via: Via) => (via === 'node' ? nodeShims : launcherShims);
  const env = (via: Via, extra: Record<string, string | undefined> = {}) =>
    cleanEnv({ ...box.env, PATH: `${shimDir(via)}:${fakeBin}:${box.env.PATH}`, PWD: box.dir, ...extra });
  const recordsFile = (tool: Tool) => join(fakeBin, `${tool}.records.jsonl`);
  const world: ShimWorld = {
    box,
    nodeShims,
    launcherShims,
    fakeBin,
    trapEntry,
    shimDir,
    env,
    async run(via, tool, args, runOptions = {}) {
      const fullEnv = runOptions.fullEnv ? cleanEnv(runOptions.fullEnv) : env(via, runOptions.env);
      const file = join(shimDir(via), tool);
      const [command, commandArgs] = runOptions.shell
        ? [runOptions.shell[0] as string, [...runOptions.shell.slice(1), file, ...args]]
        : [file, args];
      const execaOptions: Options = {
        env: fullEnv,
        extendEnv: false,
        reject: false,
        stripFinalNewline: false,
        cwd: runOptions.cwd ?? box.dir,
        detached: runOptions.detached ?? true,
        timeout: runOptions.timeout ?? 60_000,
        ...(runOptions.input !== undefined ? { input: runOptions.input } : { stdin: 'ignore' }),
      };
      const child = execa(command, commandArgs, execaOptions);
      const pid = child.pid;
      const result = await child;
      return {
        exitCode: result.exitCode,
        signal: result.signal,
        stdout: String(result.stdout ?? ''),
        stderr: String(result.stderr ?? ''),
        pid,
        failed: result.failed,
      };
    },
    records: (tool) => readRecords(recordsFile(tool)),
    last(tool) {
      const record = readRecords(recordsFile(tool)).at(-1);
      if (!record) throw new Error(`fake ${tool} never ran`);
      return record;
    },
    fallbacks: () => readFileSync(fallbackLog, 'utf8').split('\n').filter(Boolean).length,
    async warm(profile = 'GEHC-056', warmEnv = box.env) {
      const result = await box.tfmfa(['exec', profile, '--mfa-token', world.freshCode(), '--', '/bin/true'], {
        env: warmEnv,
      });
      if (result.exitCode !== 0) throw new Error(`warming ${profile} failed: ${String(result.stderr)}`);
    },
    freshCode() {
      box.emu.advance(30);
      return box.emu.currentCode(SERIAL);
    },
    cleanup: () => box.cleanup(),
  };
  return world;
}
