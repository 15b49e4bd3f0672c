import type { Settings } from '../environment/settings.ts';
import { kindOfStep } from '../config/kinds/index.ts';
import type { AwsFilePaths } from '../config/paths.ts';
import type { Chain } from '../config/types.ts';
import { debug, warn } from '../debug.ts';
import { chooseMfaSource, mfaRequestOf } from '../mfa/choose.ts';
import { MFA_ATTEMPTS, type MfaCode } from '../mfa/types.ts';
import { entryCredentials, SessionCache, type CacheEntry } from '../store/session-cache.ts';
import { secondsLeft, type AwsCredentials } from '../credentials.ts';
import { withLock } from '../store/lock.ts';
import { CacheUnavailableError, warnUncached } from '../store/private-path.ts';
import { sourceCredentials } from './source-credentials.ts';
import { planChain, type Plan, type PlanStep } from './strategy.ts';
import { requiredSeconds } from './margin.ts';
import { StsError } from './sts-errors.ts';
import { assumeRole, getSessionToken, type StsTarget } from './sts.ts';

/** A cached source still good enough to assume a role from (the role gets its own full lifetime). */
const SOURCE_MARGIN_SECONDS = 60;

export interface SessionOptions {
  paths: AwsFilePaths;
  cacheDir: string;
  minTtlSeconds: number;
  /** The use's floor (src/session/margin.ts), capped by the credential's lifetime; 0 when omitted. */
  floorSeconds?: number;
  /** An MFA session with less left than this is renewed (with a code) before anything is served from it. */
  renewSessionBelowSeconds?: number;
  lockTimeoutSeconds: number;
  useSession: boolean;
  sessionTtlSeconds: number;
  mfaCode?: MfaCode;
  /** `--prompt NAME`. */
  prompt?: string;
  /** A shim's run: `--mfa-token` is no remedy. */
  shim?: boolean;
  /** The run's settings (TFMFA_PROMPT, DISPLAY...). */
  settings: Settings;
  region: string;
  endpoint?: string;
}

export interface ResolvedCredentials {
  credentials: AwsCredentials;
  /** True when no STS call was made. */
  fromCache: boolean;
  /** Seconds between issue and expiry, when known (cached or just issued temporary credentials). */
  lifetimeSeconds?: number;
}

/** Opens the session cache, or returns null (after one warning) when the directory cannot be created. */
export function openCache(dir: string): SessionCache | null {
  try {
    return new SessionCache(dir).prepare();
  } catch (error) {
    if (!(error instanceof CacheUnavailableError)) throw error;
    warnUncached(error);
    return null;
  }
}

/**
 * The credentials for a chain: from the cache when fresh, else by running the plan under the MFA device's
 * lock, so that parallel processes prompt once and the rest read what the first wrote (or, when the user
 * cancels that prompt, end with it).
 */
export async function resolveCredentials(chain: Chain, options: SessionOptions): Promise<ResolvedCredentials> {
  const plan = planChain(chain, { useSession: options.useSession, sessionTtlSeconds: options.sessionTtlSeconds });
  plan.clamped.forEach((note) => debug(note));
  const last = plan.steps[plan.steps.length - 1];
  if (!last)
    return { credentials: await sourceCredentials(chain.source, options.paths, options.settings), fromCache: false };
  // What is made from a source bound to it (an `aws login` session) is served only while that source is
  // alive (fetched, refreshed if need be, first) and never past it: a cached role keeps its own expiry on disk.
  const bound = kindOfStep(chain.source).boundToSource
    ? await sourceCredentials(chain.source, options.paths, options.settings)
    : undefined;
  const cache = openCache(options.cacheDir);
  const hit = options.renewSessionBelowSeconds === undefined ? freshEntry(cache, last, lastMargin(options)) : null;
  if (hit) {
    debug(`cache hit: ${hit.label}, ${Math.round(secondsLeft(entryCredentials(hit)))}s left`);
    return { credentials: boundBy(entryCredentials(hit), bound), fromCache: true, lifetimeSeconds: entryLifetime(hit) };
  }
  debug(`cache miss for ${last.label}`);
  const run = async () => {
    const resolved = await runPlan(chain, plan, cache, options, bound);
    return { ...resolved, credentials: boundBy(resolved.credentials, bound) };
  };
  if (!cache) return run();
  const description = chain.mfaSerial
    ? `the MFA device ${chain.mfaSerial}`
    : `the credentials of profile '${chain.source.profile}'`;
  try {
    // A prompt cancelled under the lock ends the runs waiting for the same code too (docs/prompt-cancel.md).
    return await withLock(
      {
        cacheDir: options.cacheDir,
        key: plan.lockKey,
        description,
        timeoutSeconds: options.lockTimeoutSeconds,
        shareCancellation: true,
      },
      run,
    );
  } catch (error) {
    // The locks directory cannot be created (read-only file system under an existing cache): work unlocked.
    if (!(error instanceof CacheUnavailableError)) throw error;
    warnUncached(error);
    return run();
  }
}

/** `credentials`, expiring no later than the source they are bound to (if any). */
function boundBy(credentials: AwsCredentials, bound: AwsCredentials | undefined): AwsCredentials {
  if (!bound?.expiration || (credentials.expiration && credentials.expiration <= bound.expiration)) return credentials;
  return { ...credentials, expiration: bound.expiration };
}

/** What a step's entry must have left: a number, or the margin rule applied to the entry's own lifetime. */
type Margin = number | ((lifetimeSeconds: number) => number);

function lastMargin(options: SessionOptions): Margin {
  return (lifetime) => requiredSeconds(options.minTtlSeconds, options.floorSeconds ?? 0, lifetime);
}

function entryLifetime(entry: CacheEntry): number {
  return (Date.parse(entry.expiration) - Date.parse(entry.createdAt)) / 1000;
}

function freshEntry(cache: SessionCache | null, step: PlanStep, margin: Margin): CacheEntry | null {
  const entry = cache?.read(step.cacheKey) ?? null;
  if (!entry) return null;
  const minimumSeconds = typeof margin === 'number' ? margin : margin(entryLifetime(entry));
  return secondsLeft(entryCredentials(entry)) >= minimumSeconds ? entry : null;
}

function stepMargin(steps: PlanStep[], index: number, options: SessionOptions): Margin {
  if (index === steps.length - 1)
    return options.renewSessionBelowSeconds === undefined ? lastMargin(options) : Infinity;
  const step = steps[index] as PlanStep;
  if (step.kind === 'get-session-token' && options.renewSessionBelowSeconds !== undefined)
    return options.renewSessionBelowSeconds;
  return SOURCE_MARGIN_SECONDS;
}

async function runPlan(
  chain: Chain,
  plan: Plan,
  cache: SessionCache | null,
  options: SessionOptions,
  bound?: AwsCredentials,
): Promise<ResolvedCredentials> {
  const steps = plan.steps;
  const target: StsTarget = {
    region: options.region,
    profile: chain.profile,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    settings: options.settings,
  };
  // A cached source that STS no longer accepts (revoked, expired early) is dropped once and rebuilt, never in a loop.
  for (let round = 0; ; round++) {
    let start = -1;
    let credentials: AwsCredentials | undefined;
    let lifetime: number | undefined;
    for (let i = steps.length - 1; i >= 0; i--) {
      const entry = freshEntry(cache, steps[i] as PlanStep, stepMargin(steps, i, options));
      if (entry) {
        start = i;
        credentials = entryCredentials(entry);
        lifetime = entryLifetime(entry);
        break;
      }
    }
    if (start === steps.length - 1 && credentials) return { credentials, fromCache: true, lifetimeSeconds: lifetime };
    credentials ??= bound ?? (await sourceCredentials(chain.source, options.paths, options.settings));
    try {
      for (let i = start + 1; i < steps.length; i++) {
        const step = steps[i] as PlanStep;
        // A call signed with the source's own keys names the profile those keys belong to in its errors.
        const signer = i === 0 && start < 0 ? { ...target, profile: chain.source.profile } : target;
        credentials = await runStep(step, credentials, chain, signer, options);
        cache?.write(cacheEntry(step, credentials, chain.profile));
      }
      return {
        credentials,
        fromCache: false,
        ...(credentials.expiration ? { lifetimeSeconds: secondsLeft(credentials) } : {}),
      };
    } catch (error) {
      const revoked = error instanceof StsError && (error.kind === 'credentials-gone' || error.kind === 'invalid-key');
      if (!revoked || start < 0 || round > 0 || !cache) throw error;
      debug(`cached credentials were refused by STS (${error.code}): dropping them and starting again`);
      for (let i = 0; i <= start; i++) cache.remove((steps[i] as PlanStep).cacheKey);
    }
  }
}

async function runStep(
  step: PlanStep,
  base: AwsCredentials,
  chain: Chain,
  target: StsTarget,
  options: SessionOptions,
): Promise<AwsCredentials> {
  if (step.kind === 'get-session-token') {
    const serial = step.mfaSerial;
    if (!serial) return getSessionToken(base, { durationSeconds: step.durationSeconds }, target);
    return withMfaCode(serial, chain, options, (mfaCode) =>
      getSessionToken(base, { durationSeconds: step.durationSeconds, serialNumber: serial, mfaCode }, target),
    );
  }
  const input = {
    roleArn: step.role.roleArn,
    roleSessionName: step.role.roleSessionName,
    ...(step.durationSeconds ? { durationSeconds: step.durationSeconds } : {}),
    ...(step.role.externalId ? { externalId: step.role.externalId } : {}),
    ...(step.role.sessionTags ? { sessionTags: step.role.sessionTags } : {}),
    ...(step.role.transitiveTagKeys ? { transitiveTagKeys: step.role.transitiveTagKeys } : {}),
    ...(step.role.sourceIdentity ? { sourceIdentity: step.role.sourceIdentity } : {}),
  };
  if (!step.mfaSerial) return assumeRole(base, input, target);
  const serial = step.mfaSerial;
  return withMfaCode(serial, chain, options, (mfaCode) =>
    assumeRole(base, { ...input, serialNumber: serial, mfaCode }, target),
  );
}

/** Gets a code and makes the call; a code STS rejects is asked for again, three attempts in all. */
async function withMfaCode<T>(
  serial: string,
  chain: Chain,
  options: SessionOptions,
  call: (mfaCode: string) => Promise<T>,
): Promise<T> {
  const source = chooseMfaSource({
    ...mfaRequestOf(chain, options.settings),
    serial,
    ...(options.mfaCode !== undefined ? { mfaCode: options.mfaCode } : {}),
    ...(options.prompt !== undefined ? { prompt: options.prompt } : {}),
    ...(options.shim ? { shim: true } : {}),
  });
  let rejection: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const mfaCode = await source.code(attempt, rejection);
    try {
      return await call(mfaCode);
    } catch (error) {
      const retry =
        error instanceof StsError && error.kind === 'mfa-rejected' && source.retryable && attempt < MFA_ATTEMPTS;
      if (!retry) throw error;
      rejection = error.message;
      if (source.name !== 'terminal') warn(`${rejection} (attempt ${attempt + 1} of ${MFA_ATTEMPTS})`);
    }
  }
}

function cacheEntry(step: PlanStep, credentials: AwsCredentials, profile: string): CacheEntry {
  return {
    version: 1,
    key: step.cacheKey,
    kind: step.kind === 'get-session-token' ? 'session' : 'role',
    label: step.label,
    profile,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken ?? '',
    expiration: (credentials.expiration ?? new Date()).toISOString(),
    createdAt: new Date().toISOString(),
  };
}
