/**
 * Benchmarks for credential_process use (issue 4), called by scripts/bench.ts:
 *   P3 `tfmfa credential-process` with a warm cache vs the AWS CLI's
 *      `aws configure export-credentials --profile X --format process` on a static-key profile (target ≥ 5×);
 *   P4 20 parallel credential-process calls over 3 role profiles on one MFA device, cold cache:
 *      prompts (mfa_process runs), GetSessionToken and AssumeRole counts, and wall time vs one warm call.
 * Children are spawned asynchronously: the STS emulator answers from this same process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { CLI, ROLE_ARN, ROLE_B, ROLE_C, SERIAL, type Sandbox } from '../test/support/sandbox.ts';

const AWS_CLI = '/usr/bin/aws';

/** Wall time of one run of a command, in ms; a non-zero exit fails the bench. */
export async function timeRun(command: string, args: string[], env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface P3Result {
  tfmfaMs: number;
  awsCliMs: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
}

/** P3: warm credential-process vs the AWS CLI's export-credentials, interleaved, medians of `runs`. */
export async function benchCredentialProcess(box: Sandbox, runs = 15): Promise<P3Result> {
  box.emu.advance(30);
  await timeRun(
    process.execPath,
    [CLI, 'credential-process', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL)],
    box.env,
  );
  const tfmfa: number[] = [];
  const aws: number[] = [];
  const haveAws = existsSync(AWS_CLI);
  for (let i = 0; i < runs; i++) {
    tfmfa.push(await timeRun(process.execPath, [CLI, 'credential-process', 'GEHC-056'], box.env));
    if (haveAws)
      aws.push(
        await timeRun(
          AWS_CLI,
          ['configure', 'export-credentials', '--profile', 'GEHC-000', '--format', 'process'],
          box.env,
        ),
      );
  }
  const tfmfaMs = median(tfmfa);
  const awsCliMs = haveAws ? median(aws) : null;
  const ratio = awsCliMs === null ? null : awsCliMs / tfmfaMs;
  return { tfmfaMs, awsCliMs, ratio, target: 'aws/tfmfa ≥ 5', met: ratio === null ? null : ratio >= 5 };
}

export interface P4Result {
  parallel: number;
  prompts: number;
  getSessionToken: number;
  assumeRole: number;
  wallMs: number;
  singleWarmMs: number;
  ratio: number;
}

/** P4: `parallel` concurrent credential-process calls over 3 roles with a cold cache. */
export async function benchParallel(box: Sandbox, parallel = 20): Promise<P4Result> {
  box.writeConfig(
    [ROLE_ARN, ROLE_B, ROLE_C]
      .map(
        (arn, i) => `[profile bench-${i}]
source_profile = GEHC-000
role_arn = ${arn}
mfa_serial = ${SERIAL}
mfa_process = ${box.mfaProcess}
${i === 0 ? 'external_id = 111111111111\n' : ''}`,
      )
      .join(''),
  );
  rmSync(box.cacheDir, { recursive: true, force: true });
  box.emu.resetCounts();
  box.emu.advance(30);
  const promptsBefore = box.mfaProcessRuns();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: parallel }, (_, i) =>
      timeRun(process.execPath, [CLI, 'credential-process', `bench-${i % 3}`], box.env),
    ),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++)
    warm.push(await timeRun(process.execPath, [CLI, 'credential-process', 'bench-0'], box.env));
  const singleWarmMs = median(warm);
  return {
    parallel,
    prompts: box.mfaProcessRuns() - promptsBefore,
    getSessionToken: box.emu.count('GetSessionToken'),
    assumeRole: box.emu.count('AssumeRole'),
    wallMs,
    singleWarmMs,
    ratio: wallMs / singleWarmMs,
  };
}
