import { execa, type Options, type Result } from 'execa';

/** What a tfmfa run gives back, with text output. */
export type TfmfaResult = Result<{ reject: false }>;
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StsEmulator, type IssuedUser } from './sts-emulator.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const NODE_DIR = dirname(process.execPath);
export const TOTP_SCRIPT = join(ROOT, 'test', 'support', 'totp-code.ts');

export const SERIAL = 'arn:aws:iam::222222222222:mfa/username';
export const ROLE_ARN = 'arn:aws:iam::111111111111:role/hc/hc-master';
export const ROLE_B = 'arn:aws:iam::111111111111:role/team-b';
export const ROLE_C = 'arn:aws:iam::333333333333:role/team-c';
export const LONG_ROLE = 'arn:aws:iam::111111111111:role/long';

/**
 * A throwaway world for end-to-end runs: an STS emulator with the seed's user, MFA device and roles, a HOME
 * with ~/.aws files reproducing the seed's profile pair (and a few more), and a private cache directory.
 * Nothing touches the real ~/.aws. tfmfa reaches the emulator only through AWS_ENDPOINT_URL_STS.
 */
export interface Sandbox {
  emu: StsEmulator;
  dir: string;
  home: string;
  cacheDir: string;
  user: IssuedUser;
  secret: string;
  /** Environment for running tfmfa: minimal, deterministic, pointing at the sandbox. */
  env: Record<string, string>;
  /** An `mfa_process` command that prints the emulator's current code and counts its runs in `mfaCountFile`. */
  mfaProcess: string;
  mfaCountFile: string;
  mfaProcessRuns(): number;
  writeConfig(extra?: string): void;
  /** Runs dist/cli.js; the promise also carries the child's `pid`. Output is text (execa's defaults). */
  tfmfa(args: string[], options?: Options): Promise<TfmfaResult> & { pid?: number };
  cleanup(): Promise<void>;
}

export async function createSandbox(options: { extraConfig?: string } = {}): Promise<Sandbox> {
  const emu = await StsEmulator.start();
  const dir = mkdtempSync(join(tmpdir(), 'tfmfa-e2e-'));
  chmodSync(dir, 0o700);
  const home = join(dir, 'home');
  const cacheDir = join(dir, 'cache');
  const user = emu.addUser({ userName: 'username', accountId: '222222222222' });
  const { secret } = emu.addMfaDevice({ serial: SERIAL });
  emu.addRole({ arn: ROLE_ARN, requireMfa: true, externalId: '111111111111' });
  emu.addRole({ arn: ROLE_B, requireMfa: true });
  emu.addRole({ arn: ROLE_C, requireMfa: true });
  emu.addRole({ arn: LONG_ROLE, requireMfa: true, maxSessionDuration: 43200 });
  const mfaCountFile = join(dir, 'mfa-process-runs');
  writeFileSync(mfaCountFile, '');
  const mfaProcess =
    `${JSON.stringify(process.execPath)} ${JSON.stringify(TOTP_SCRIPT)} ` +
    `${emu.url} ${SERIAL} ${JSON.stringify(mfaCountFile)}`;
  const env: Record<string, string> = {
    HOME: home,
    PATH: `${NODE_DIR}:/usr/local/bin:/usr/bin:/bin`,
    USER: 'tester',
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '', // the AWS CLI would page its output through less on a terminal
    TFMFA_CACHE_DIR: cacheDir,
    // Static keys for every command unless a test asks for the default (server mode for long runs,
    // test/e2e/renewal.test.ts).
    TFMFA_LONG_RUN: '0',
  };
  const sandbox: Sandbox = {
    emu,
    dir,
    home,
    cacheDir,
    user,
    secret,
    env,
    mfaProcess,
    mfaCountFile,
    mfaProcessRuns: () => readCount(mfaCountFile),
    writeConfig(extra = options.extraConfig ?? '') {
      writeAwsConfig(home, user, extra);
    },
    tfmfa(args, runOptions = {}) {
      return execa(process.execPath, [CLI, ...args], {
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        ...runOptions,
      }) as unknown as Promise<TfmfaResult> & { pid?: number };
    },
    async cleanup() {
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  sandbox.writeConfig();
  return sandbox;
}

/** Lines in a counter file that `mfa_process` appends to on every run. */
function readCount(file: string): number {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
}

/** The seed's profile pair, plus roles B and C on the same device, a long role and a plain profile. */
export function writeAwsConfig(home: string, user: IssuedUser, extra = ''): void {
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(
    join(home, '.aws', 'config'),
    `[profile GEHC-000]
region = us-west-2
[profile GEHC-056]
source_profile = GEHC-000
role_arn = ${ROLE_ARN}
mfa_serial = ${SERIAL}
external_id = 111111111111
[profile team-b]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
[profile team-c]
source_profile = team-b
role_arn = ${ROLE_C}
region = eu-west-1
[profile long]
source_profile = GEHC-000
role_arn = ${LONG_ROLE}
mfa_serial = ${SERIAL}
duration_seconds = 14400
[profile plain]
region = us-east-2
${extra}`,
  );
  writeFileSync(
    join(home, '.aws', 'credentials'),
    `[GEHC-000]
aws_access_key_id = ${user.accessKeyId}
aws_secret_access_key = ${user.secretAccessKey}
`,
  );
}

/** A sandbox whose GEHC-056 session is already open and cached (one exec with the current code). */
export async function createSandboxWithSession(): Promise<Sandbox> {
  const box = await createSandbox();
  const opened = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
  if (opened.exitCode !== 0) throw new Error(`could not open the GEHC-056 session: ${opened.stderr}`);
  return box;
}
