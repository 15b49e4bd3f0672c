// A stand-in for terragrunt's use of --auth-provider-cmd / TG_AUTH_PROVIDER_CMD (no terragrunt package for
// Debian): for every unit, concurrently and with no caching, run the command (split on blanks, no shell),
// read stdout as schema-v2 JSON (empty stdout is an error, `null` means no credentials), then start the
// unit's `terraform` with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN / AWS_SECURITY_TOKEN
// from awsCredentials and every `envs` entry set, as terragrunt does.
import { spawn } from 'node:child_process';

export interface UnitRun {
  unit: number;
  /** The auth command's stdout, exactly. */
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** The parsed output (undefined when it did not parse). */
  json?: unknown;
  /** terraform's exit code, when the auth output allowed starting it. */
  terraformExit?: number | null;
}

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Its own process group, no stdin: like a terragrunt unit, with no terminal in the way but /dev/tty.
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
  });
}

/** The environment terragrunt gives a unit's terraform from the auth command's output. */
export function unitEnvironment(env: NodeJS.ProcessEnv, output: unknown): NodeJS.ProcessEnv {
  const result = { ...env };
  if (output === null || typeof output !== 'object') return result;
  const { awsCredentials, envs } = output as { awsCredentials?: Record<string, string>; envs?: Record<string, string> };
  if (awsCredentials) {
    result.AWS_ACCESS_KEY_ID = awsCredentials.ACCESS_KEY_ID;
    result.AWS_SECRET_ACCESS_KEY = awsCredentials.SECRET_ACCESS_KEY;
    if (awsCredentials.SESSION_TOKEN) {
      result.AWS_SESSION_TOKEN = awsCredentials.SESSION_TOKEN;
      result.AWS_SECURITY_TOKEN = awsCredentials.SESSION_TOKEN;
    }
  }
  Object.assign(result, envs ?? {});
  return result;
}

/**
 * Runs `units` units at once: each calls `command` (its words; `commandFor(unit)` may vary them), then, if
 * `terraform` is given and the output was usable, runs it with `terraformArgs` in the unit's environment.
 */
export async function runFakeTerragrunt(options: {
  units: number;
  command: (unit: number) => string[];
  env: NodeJS.ProcessEnv;
  terraform?: string;
  terraformArgs?: string[];
}): Promise<UnitRun[]> {
  return Promise.all(
    Array.from({ length: options.units }, async (_, unit): Promise<UnitRun> => {
      const [file, ...args] = options.command(unit);
      const auth = await run(file as string, args, options.env);
      const result: UnitRun = { unit, ...auth };
      if (auth.exitCode !== 0 || auth.stdout.trim() === '') return result;
      try {
        result.json = JSON.parse(auth.stdout);
      } catch {
        return result;
      }
      if (options.terraform) {
        result.terraformExit = (
          await run(options.terraform, options.terraformArgs ?? ['plan'], unitEnvironment(options.env, result.json))
        ).exitCode;
      }
      return result;
    }),
  );
}
