import type { Settings } from '../environment/settings.ts';
import { CACHE_SUBDIRECTORIES, sessionsDir } from '../store/layout.ts';
import { MINIMUM_NODE } from '../node-support.ts';
import { explainProblem, privatePathProblem, type PathKind } from '../store/private-path.ts';
import { kindOfStep } from '../config/kinds/index.ts';
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { chainNeedsSession, NoCredentialsError } from '../config/resolve.ts';
import type { Chain, RoleStep } from '../config/types.ts';
import type { AwsFiles } from '../config/files.ts';
import { UserError } from '../errors.ts';
import { entryCredentials, SessionCache, type CacheEntry } from '../store/session-cache.ts';
import { describeMfaChoice, mfaRequestOf } from '../mfa/choose.ts';
import { secondsLeft } from '../credentials.ts';
import { stsRegion } from '../environment/region.ts';
import { planChain, ROLE_CHAINING_LIMIT, type PlanStep } from '../session/strategy.ts';
import { sessionTtlSeconds } from '../environment/variables.ts';
import { fail, info, ok, warning, type Check } from './check.ts';
import { ARROW, formatDuration } from '../views/table.ts';
import { defaultStsEndpoint, stsEndpoint } from '../config/endpoint.ts';
import { callerIdentity, probeEndpoint } from './network.ts';
import { chainOf } from '../config/chain.ts';
import { directoryProfileSettings } from './terraform-files.ts';

/** process.execve, which exec and the shims need to hand over their PID, arrived in Node 22.15. */
const NODE_NEEDED: [number, number] = [MINIMUM_NODE.major, MINIMUM_NODE.minor];

export function nodeCheck(nodeVersion = process.versions.node): Check {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  const good = major > NODE_NEEDED[0] || (major === NODE_NEEDED[0] && minor >= NODE_NEEDED[1]);
  const text = `Node ${nodeVersion} at ${process.execPath}`;
  if (good) return ok(`${text} (${NODE_NEEDED.join('.')} or later needed)`);
  return fail(
    `${text} is too old: tfmfa needs ${NODE_NEEDED.join('.')} or later (process.execve)`,
    `install Node ${NODE_NEEDED.join('.')} or later (e.g. the current LTS) and reinstall tfmfa with it`,
  );
}

export function installChecks(version: string, entryPoint: string, settings: Settings): Check[] {
  const checks = [ok(`tfmfa ${version} at ${entryPoint}`)];
  const self = realOrSelf(entryPoint);
  const onPath = (settings.path ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(resolve(dir), 'tfmfa'))
    .find((path) => {
      try {
        return lstatSync(path) !== undefined;
      } catch {
        return false;
      }
    });
  if (!onPath) {
    checks.push(
      info(
        `'tfmfa' is not on PATH: the shell completion scripts call it by name (npm install -g tfmfa, or ` +
          `link ${entryPoint} as tfmfa into a directory on PATH)`,
      ),
    );
  } else if (realOrSelf(onPath) !== self) {
    checks.push(info(`'tfmfa' on PATH is ${onPath} → ${realOrSelf(onPath)}, another installation than this one`));
  }
  return checks;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function cacheState(cache: SessionCache | null, step: PlanStep, nowMs: number): string {
  const entry: CacheEntry | null = cache?.read(step.cacheKey) ?? null;
  if (!entry) return 'not cached';
  const left = secondsLeft(entryCredentials(entry), nowMs);
  return left > 0 ? `cached, ${formatDuration(left)} left` : 'cached, expired';
}

function roleDuration(step: { durationSeconds?: number }, role: RoleStep): string {
  if (step.durationSeconds === undefined) return `${formatDuration(ROLE_CHAINING_LIMIT)} (STS default)`;
  const clamped = role.durationSeconds !== undefined && role.durationSeconds !== step.durationSeconds;
  const lowered = ` (duration_seconds ${role.durationSeconds} lowered: AWS limits chained roles to 1 hour)`;
  return `${formatDuration(step.durationSeconds)}${clamped ? lowered : ''}`;
}

/** The chain of a profile, step by step: where the base credentials come from, then each STS call. */
export function chainDetails(
  chain: Chain,
  files: AwsFiles,
  cache: SessionCache | null,
  sessionTtl: number,
  settings: Settings,
  nowMs = Date.now(),
): string[] {
  const plan = planChain(chain, { useSession: true, sessionTtlSeconds: sessionTtl });
  const lines = [`1. ${kindOfStep(chain.source).describe(chain.source, files, settings)}`];
  let from = 'the base credentials';
  plan.steps.forEach((step, index) => {
    const state = cacheState(cache, step, nowMs);
    if (step.kind === 'get-session-token') {
      const mfa = step.mfaSerial
        ? `with the MFA device ${step.mfaSerial}`
        : 'without MFA (stored keys never leave tfmfa)';
      lines.push(
        `${index + 2}. GetSessionToken ${mfa}, ` +
          `for ${formatDuration(step.durationSeconds)} (TFMFA_SESSION_TTL / --session-ttl): ${state}`,
      );
      from = 'the MFA session';
    } else {
      const parts = [`AssumeRole ${step.role.roleArn} (profile '${step.role.profile}') from ${from}`];
      if (step.mfaSerial) parts.push(`with a code of the MFA device ${step.mfaSerial}`);
      if (step.role.externalId) parts.push('with its external_id');
      lines.push(`${index + 2}. ${parts.join(', ')}, for ${roleDuration(step, step.role)}: ${state}`);
      from = `role ${step.role.profile}`;
    }
  });
  if (chain.mfaSerial) {
    lines.push(
      `MFA code: ${describeMfaChoice(mfaRequestOf(chain, settings))}; ` +
        'one code opens the session for every role on the device',
    );
  }
  if (plan.steps.length === 0) lines.push('no STS call: tfmfa hands these credentials over as they are');
  return lines;
}

export interface ChainCheckResult {
  checks: Check[];
  chain: Chain | null;
}

/** The profile's chain (or its configuration error), and the configuration errors of the other profiles. */
export function chainChecks(
  files: AwsFiles,
  profile: string,
  origin: string,
  settings: Settings,
  cacheDir: string,
): ChainCheckResult {
  const checks: Check[] = [];
  let chain: Chain | null = null;
  const cache = sessionCacheIfPresent(cacheDir);
  if (!files.profiles.has(profile)) {
    if (origin === 'default') {
      checks.push(
        info(
          `no profile checked: no profile given, AWS_PROFILE is not set and there is no [default] profile (run ` +
            `'tfmfa doctor PROFILE')`,
        ),
      );
    } else {
      checks.push(
        fail(
          `profile '${profile}' (from ${origin}) is not in ${files.configPath} or ${files.credentialsPath}`,
          `set ${origin} to one of the profiles 'tfmfa list' shows, or add the profile`,
        ),
      );
    }
  } else {
    let ttl: number | undefined;
    try {
      ttl = sessionTtlSeconds(undefined, settings);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      checks.push(fail(error.message, 'fix or unset TFMFA_SESSION_TTL'));
    }
    for (const [name, read] of [
      ['TFMFA_MIN_TTL', () => settings.minTtl],
      ['TFMFA_LOCK_TIMEOUT', () => settings.lockTimeout],
    ] as const) {
      try {
        read();
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        checks.push(fail(error.message, `fix or unset ${name}`));
      }
    }
    try {
      chain = chainOf(files, profile, settings);
      const region = chain.region ? `region ${chain.region}` : 'no region in the profile';
      const details = ttl === undefined ? [] : chainDetails(chain, files, cache, ttl, settings);
      const what = chainNeedsSession(chain) ? '' : ' (needs neither MFA nor a role: tfmfa passes it through)';
      const from =
        origin === 'argument'
          ? ''
          : origin === 'default'
            ? ' (no profile given: the default profile)'
            : ` (from ${origin})`;
      checks.push(ok(`profile '${profile}'${from}: ${chain.profiles.join(ARROW)}, ${region}${what}`, details));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      checks.push(
        fail(
          named(profile, error.message),
          `edit ${files.configPath} (or ${files.credentialsPath}) as the message says`,
        ),
      );
    }
  }
  for (const name of [...files.profiles.keys()].sort()) {
    if (name === profile) continue;
    try {
      chainOf(files, name, settings);
    } catch (error) {
      // a region-only profile is fine
      if (error instanceof NoCredentialsError || !(error instanceof UserError)) continue;
      checks.push(warning(named(name, error.message), `edit ${files.configPath} (or ${files.credentialsPath})`));
    }
  }
  return { checks, chain };
}

/** A configuration error, prefixed with the profile unless it already names it. */
function named(profile: string, message: string): string {
  return message.includes(`'${profile}'`) ? message : `profile '${profile}': ${message}`;
}

function sessionCacheIfPresent(cacheDir: string): SessionCache | null {
  try {
    return lstatSync(sessionsDir(cacheDir)).isDirectory() ? new SessionCache(cacheDir) : null;
  } catch {
    return null;
  }
}

/** Ownership and permissions of the cache directory, its subdirectories and files. */
export function cacheChecks(cacheDir: string): Check[] {
  const problems: Check[] = [];
  const inspect = (path: string, kind: PathKind): boolean => {
    const found = privatePathProblem(path, kind);
    if (found === null) return true;
    if (found.problem === 'missing') return false;
    const { what, fix } = explainProblem(path, kind, found);
    problems.push(fail(what, fix));
    return found.problem === 'open-mode';
  };
  if (!inspect(cacheDir, 'dir')) {
    if (problems.length) return problems;
    return [ok(`cache directory ${cacheDir} does not exist yet (created with mode 700 on first use)`)];
  }
  let files = 0;
  for (const sub of CACHE_SUBDIRECTORIES) {
    const dir = join(cacheDir, sub);
    if (!inspect(dir, 'dir')) continue;
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (sub === 'overlay' || sub === 'locks') {
        if (sub === 'overlay') inspect(path, 'dir');
        continue;
      }
      files++;
      inspect(path, 'file');
    }
  }
  if (problems.length) return problems;
  const sessions = new SessionCache(cacheDir).list();
  const live = sessions.filter((entry) => secondsLeft(entryCredentials(entry)) > 0).length;
  return [
    ok(
      `cache directory ${cacheDir}: yours, private (mode 700, files 600); ${sessions.length} cached ` +
        `session(s), ${live} still valid`,
    ),
  ];
}

/** `profile = "…"` in provider and backend blocks of the current directory's `*.tf` files. */
export function terraformChecks(cwd: string, files: AwsFiles, settings: Settings): Check[] {
  const { files: tfFiles, settings: blocks } = directoryProfileSettings(cwd);
  if (tfFiles.length === 0) return [info(`no *.tf files in ${cwd}`)];
  if (blocks.length === 0)
    return [ok(`no provider or backend block in ${tfFiles.length} *.tf file(s) of ${cwd} sets profile`)];
  const overlay = settings.overlay;
  return blocks.map((setting) => {
    const where = `${setting.file}:${setting.line}: ${setting.block} sets profile = ${setting.expression}`;
    if (setting.profile === null) {
      return overlay
        ? ok(`${where}: the config overlay covers whichever profile of your config it names`)
        : warning(
            `${where}, and the config overlay is off (TFMFA_OVERLAY=0): if that profile needs MFA or a role, ` +
              `Terraform will fail on it`,
            'unset TFMFA_OVERLAY',
          );
    }
    if (!files.profiles.has(setting.profile)) {
      return fail(
        `${where}, which is not in ${files.configPath} or ${files.credentialsPath}`,
        `add profile '${setting.profile}' to your AWS config, or fix the name in ${setting.file}`,
      );
    }
    let needsSession: boolean;
    try {
      needsSession = chainNeedsSession(chainOf(files, setting.profile, settings));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return fail(`${where}: ${error.message}`, `fix profile '${setting.profile}' in ${files.configPath}`);
    }
    if (!needsSession) return ok(`${where}: that profile needs neither MFA nor a role, Terraform can use it as it is`);
    if (!overlay) {
      return fail(
        `${where}, but the config overlay is off (TFMFA_OVERLAY=0): Terraform reads that profile itself, ` +
          `ignores the session tfmfa puts in the environment, and fails on its MFA/role ` +
          `(AssumeRoleTokenProviderNotSetError)`,
        `unset TFMFA_OVERLAY (or set it to 1), or remove profile = from the block and choose the profile with ` +
          `tfmfa exec / AWS_PROFILE`,
      );
    }
    return ok(
      `${where}: handled: under tfmfa exec or a shim, AWS_CONFIG_FILE points at the config overlay, where that ` +
        `profile gets its credentials from 'tfmfa credential-process'`,
    );
  });
}

/** STS reachability: GetCallerIdentity with the profile's cached credentials, else a plain HTTPS request. */
export async function networkChecks(
  settings: Settings,
  files: AwsFiles,
  chain: Chain | null,
  cacheDir: string,
): Promise<Check[]> {
  const region = stsRegion(settings, chain?.region);
  let endpoint: string;
  try {
    endpoint = stsEndpoint(files, chain?.profile ?? '', settings) ?? defaultStsEndpoint(region);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return [fail(error.message, 'fix the services setting of the profile')];
  }
  const fix = 'check the network, a proxy (HTTPS_PROXY), and endpoint_url / AWS_ENDPOINT_URL_STS';
  const cache = sessionCacheIfPresent(cacheDir);
  const last = chain ? planChain(chain, { useSession: true, sessionTtlSeconds: 3600 }).steps.at(-1) : undefined;
  const entry = last ? (cache?.read(last.cacheKey) ?? null) : null;
  if (chain && entry && secondsLeft(entryCredentials(entry)) > 60) {
    const result = await callerIdentity(entryCredentials(entry), { region, profile: chain.profile, endpoint });
    if (result.ok)
      return [
        ok(
          `STS at ${endpoint} (${region}) answers: GetCallerIdentity with the cached credentials of ` +
            `'${chain.profile}' → ${result.arn}`,
        ),
      ];
    return [fail(`GetCallerIdentity through ${endpoint} (${region}) failed: ${result.reason}`, fix)];
  }
  const result = await probeEndpoint(endpoint);
  if (result.ok)
    return [
      ok(
        `STS endpoint ${endpoint} (${region}) is reachable (HTTP ${result.status}; no cached credentials to ` +
          `call GetCallerIdentity with)`,
      ),
    ];
  return [fail(`cannot reach the STS endpoint ${endpoint} (${region}): ${result.reason}`, fix)];
}
