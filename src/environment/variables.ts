import { durationInRange } from './duration.ts';

/**
 * The environment contract: every variable tfmfa reads, in one table, and the one place that reads them.
 * Each entry says what it means, its default and range, and parses the raw value (an invalid value is a
 * one-line error naming the variable). Variables tfmfa sets for its children (the marker, the real files
 * behind the overlay, the shim stack) are listed too, since tfmfa reads them back in nested runs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = NodeJS.ProcessEnv;

export interface Variable<T> {
  name: string;
  /** `user`: a setting; `tfmfa`: set by tfmfa for the processes it starts (and read back when nested). */
  setBy: 'user' | 'tfmfa';
  /** The default, as the README shows it. */
  default: string;
  meaning: string;
  /**
   * A secret (the key store's passphrase): withdrawn from process.env at the start, never in a started program's
   * environment.
   */
  secret?: true;
  parse(raw: string | undefined, env: Env): T;
}

function variable<T>(spec: Variable<T>): Variable<T> {
  return spec;
}

/** The user's home directory as every AWS tool finds it: HOME, else the account's. */
export function homeDirectory(env: Env = process.env): string {
  return env.HOME || homedir();
}

/** Seconds within a range, from `3600`, `90m`, `8h`; empty or unset is the default. */
function seconds(name: string, fallback: number, min: number, max: number, range: string) {
  return (raw: string | undefined): number =>
    raw === undefined || raw === '' ? fallback : durationInRange(name, raw, min, max, range);
}

function text(raw: string | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : raw;
}

/** Where the cache is when TFMFA_CACHE_DIR is not set: $XDG_CACHE_HOME/tfmfa, else ~/.cache/tfmfa. */
export const CACHE_FALLBACK = { base: 'XDG_CACHE_HOME', name: 'tfmfa', inHome: '.cache' } as const;

/** `name` in $XDG_CACHE_HOME, else in ~/.cache. */
function inUserCache(env: Env, name: string): string {
  const base = env[CACHE_FALLBACK.base];
  return base ? join(base, name) : join(homeDirectory(env), CACHE_FALLBACK.inHome, name);
}

export const SESSION_TTL_DEFAULT = 8 * 3600;
export const SESSION_TTL_MIN = 900;
export const SESSION_TTL_MAX = 129600;

export const VARIABLES = {
  cacheDir: variable({
    name: 'TFMFA_CACHE_DIR',
    setBy: 'user',
    default: '$XDG_CACHE_HOME/tfmfa, else ~/.cache/tfmfa',
    meaning: 'where sessions, tickets, the config overlay and locks are kept',
    parse: (raw, env) => text(raw) ?? inUserCache(env, CACHE_FALLBACK.name),
  }),
  sessionTtl: variable({
    name: 'TFMFA_SESSION_TTL',
    setBy: 'user',
    default: '8h (15m..36h)',
    meaning: 'lifetime of the MFA session (GetSessionToken); --session-ttl wins',
    parse: seconds(
      'TFMFA_SESSION_TTL',
      SESSION_TTL_DEFAULT,
      SESSION_TTL_MIN,
      SESSION_TTL_MAX,
      '15m and 36h (STS GetSessionToken limits)',
    ),
  }),
  minTtl: variable({
    name: 'TFMFA_MIN_TTL',
    setBy: 'user',
    default: '300 (0..43200 s)',
    meaning: 'a cached credential with less time left than this counts as expired',
    parse: seconds('TFMFA_MIN_TTL', 300, 0, 43200, '0 and 43200 seconds'),
  }),
  lockTimeout: variable({
    name: 'TFMFA_LOCK_TIMEOUT',
    setBy: 'user',
    default: '180 (1..3600 s)',
    meaning: 'how long to wait for another tfmfa holding the MFA lock (probably at its prompt)',
    parse: seconds('TFMFA_LOCK_TIMEOUT', 180, 1, 3600, '1 and 3600 seconds'),
  }),
  stsTimeout: variable({
    name: 'TFMFA_STS_TIMEOUT',
    setBy: 'user',
    default: '20 (1..300 s)',
    meaning: 'timeout of one STS request',
    parse: seconds('TFMFA_STS_TIMEOUT', 20, 1, 300, '1 and 300 seconds'),
  }),
  overlay: variable({
    name: 'TFMFA_OVERLAY',
    setBy: 'user',
    default: 'on',
    meaning: '0 turns the config overlay off (as exec --no-overlay does)',
    parse: (raw) => raw !== '0',
  }),
  passthrough: variable({
    name: 'TFMFA_PASSTHROUGH',
    setBy: 'user',
    default: 'the built-in list',
    meaning: 'commands a shim runs without credentials, per tool: "terraform:version,fmt aws:--version"',
    parse: text,
  }),
  longRun: variable({
    name: 'TFMFA_LONG_RUN',
    setBy: 'user',
    default: 'the built-in list',
    meaning:
      'commands that get the renewing credential server instead of static keys, per tool: "terraform:apply ' +
      'tofu:" (0: none)',
    parse: text,
  }),
  sessionNotice: variable({
    name: 'TFMFA_SESSION_NOTICE',
    setBy: 'user',
    default: '1h (0..36h)',
    meaning: 'a long run starting with less MFA session left asks for a code up front (terminal) or warns',
    parse: seconds('TFMFA_SESSION_NOTICE', 3600, 0, SESSION_TTL_MAX, '0 and 36h'),
  }),
  defaultProfile: variable({
    name: 'TFMFA_DEFAULT_PROFILE',
    setBy: 'user',
    default: 'default',
    meaning: 'the profile used when neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set',
    parse: text,
  }),
  debug: variable({
    name: 'TFMFA_DEBUG',
    setBy: 'user',
    default: 'off',
    meaning: '1 prints each decision on stderr (never a secret)',
    parse: (raw) => raw === '1',
  }),
  federationUrl: variable({
    name: 'TFMFA_FEDERATION_URL',
    setBy: 'user',
    default: "the partition's sign-in endpoint",
    meaning: 'federation endpoint for tfmfa login (--federation-url wins)',
    parse: text,
  }),
  prompt: variable({
    name: 'TFMFA_PROMPT',
    setBy: 'user',
    default: 'auto',
    meaning: 'where MFA codes are asked for: auto or a prompt driver (docs/prompts.md; --prompt wins)',
    parse: text,
  }),
  promptTimeout: variable({
    name: 'TFMFA_PROMPT_TIMEOUT',
    setBy: 'user',
    default: '120 (5..3600 s)',
    meaning: 'how long a prompt waits for an answer',
    parse: seconds('TFMFA_PROMPT_TIMEOUT', 120, 5, 3600, '5 and 3600 seconds'),
  }),
  backend: variable({
    name: 'TFMFA_BACKEND',
    setBy: 'user',
    default: 'keyring when reachable and unlocked, else file',
    meaning:
      'where tfmfa add/import keep long-term keys: keyring or file ("backend" in ~/.config/tfmfa/settings.json too)',
    parse: (raw) => text(raw?.trim()),
  }),
  filePassphrase: variable({
    name: 'TFMFA_FILE_PASSPHRASE',
    setBy: 'user',
    default: 'asked on the terminal',
    meaning: "the encrypted file key store's passphrase, for automation (never passed on to the commands tfmfa starts)",
    secret: true,
    parse: text,
  }),
  rotateWait: variable({
    name: 'TFMFA_ROTATE_WAIT',
    setBy: 'user',
    default: '120 (1..3600 s)',
    meaning: 'how long tfmfa rotate waits for IAM to accept a new key',
    parse: seconds('TFMFA_ROTATE_WAIT', 120, 1, 3600, '1 and 3600 seconds'),
  }),
  marker: variable({
    name: 'TFMFA_PROFILE',
    setBy: 'tfmfa',
    default: '-',
    meaning: 'the marker: the profile whose session the environment already carries',
    parse: text,
  }),
  realConfigFile: variable({
    name: 'TFMFA_CONFIG_FILE',
    setBy: 'tfmfa',
    default: '-',
    meaning: 'your real config file, while AWS_CONFIG_FILE names the overlay',
    parse: text,
  }),
  realCredentialsFile: variable({
    name: 'TFMFA_CREDENTIALS_FILE',
    setBy: 'tfmfa',
    default: '-',
    meaning: 'your real credentials file, while AWS_SHARED_CREDENTIALS_FILE names the overlay',
    parse: text,
  }),
  shimStack: variable({
    name: 'TFMFA_SHIM_STACK',
    setBy: 'tfmfa',
    default: '-',
    meaning: 'tool=real-binary@pid for every real binary a shim started in this process tree (the loop guard)',
    parse: (raw) => raw ?? '',
  }),
} as const;

export type VariableKey = keyof typeof VARIABLES;
export type Parsed<K extends VariableKey> = ReturnType<(typeof VARIABLES)[K]['parse']>;

/** The names of the secret variables: no program tfmfa starts gets them (applyChanges in changes.ts). */
export const SECRET_VARIABLE_NAMES: readonly string[] = Object.values(VARIABLES as Record<string, Variable<unknown>>)
  .filter((spec) => spec.secret)
  .map((spec) => spec.name);

/**
 * Other tools' secrets a migrating user may still have exported: aws-vault's file passphrase, read by
 * `import --from aws-vault` and handed to the `aws-vault` child only (keystore/aws-vault/child-env.ts).
 */
export const FOREIGN_SECRET_VARIABLE_NAMES = ['AWS_VAULT_FILE_PASSPHRASE'] as const;

/** Secrets withdrawn from process.env at the start, still read by `setting` and `withdrawnSecret`. */
const withdrawn: Record<string, string> = {};

/**
 * Takes the secret variables, tfmfa's and other tools' (FOREIGN_SECRET_VARIABLE_NAMES), out of `env`
 * (process.env, at the entry point) and keeps them here for `setting` and `withdrawnSecret`: a program started
 * without an explicit environment, by tfmfa or by the AWS SDK (a credential_process source), inherits
 * process.env, so a secret must not be there.
 */
export function withdrawSecrets(env: Env = process.env): void {
  for (const name of [...SECRET_VARIABLE_NAMES, ...FOREIGN_SECRET_VARIABLE_NAMES]) {
    const value = env[name];
    if (value === undefined) continue;
    withdrawn[name] = value;
    delete env[name];
  }
}

/** A secret as `env` holds it, else as withdrawn from process.env at the start. */
export function withdrawnSecret(env: Env, name: string): string | undefined {
  return env[name] ?? withdrawn[name];
}

/** The one reader of tfmfa's variables. */
export function setting<K extends VariableKey>(env: Env, key: K): Parsed<K> {
  const spec = VARIABLES[key] as Variable<Parsed<K>>;
  return spec.parse(spec.secret ? withdrawnSecret(env, spec.name) : env[spec.name], env);
}

/** The variable's name, for messages and for the environment tfmfa gives its children. */
export function variableName(key: VariableKey): string {
  return VARIABLES[key].name;
}

/** The MFA session's lifetime: `--session-ttl` when given, else TFMFA_SESSION_TTL, else 8 h. */
export function sessionTtlSeconds(flag: string | undefined, settings: { readonly sessionTtl: number }): number {
  if (flag === undefined || flag === '') return settings.sessionTtl;
  return durationInRange(
    '--session-ttl',
    flag,
    SESSION_TTL_MIN,
    SESSION_TTL_MAX,
    '15m and 36h (STS GetSessionToken limits)',
  );
}
