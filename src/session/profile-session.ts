import { type Settings } from '../environment/settings.ts';
import { loadChain, type LoadedChain } from '../config/chain.ts';
import type { AwsFilePaths } from '../config/paths.ts';
import { stsEndpoint } from '../config/endpoint.ts';
import type { Chain } from '../config/types.ts';
import type { AwsFiles } from '../config/files.ts';
import { stsRegion } from '../environment/region.ts';
import { sessionTtlSeconds } from '../environment/variables.ts';
import type { AwsCredentials } from '../credentials.ts';
import { kindOfStep } from '../config/kinds/index.ts';
import type { MfaCode } from '../mfa/types.ts';
import { cappedFloor } from './margin.ts';
import { resolveCredentials } from './resolve-credentials.ts';

/** What a command asks for: a profile and the session options common to every command. */
export interface SessionRequest {
  profile: string;
  settings: Settings;
  /** `--mfa-token`, checked where it was parsed. */
  mfaCode?: MfaCode;
  /** False with `--no-session`. */
  useSession?: boolean;
  /** `--session-ttl` as given. */
  sessionTtl?: string;
  /**
   * Credentials with less time left than this are renewed, whatever TFMFA_MIN_TTL says (the use's floor,
   * src/session/margin.ts: capped by the credential's lifetime).
   */
  minTtlFloor?: number;
  /** `--prompt NAME`: where to ask for an MFA code. */
  prompt?: string;
  /** True for a shim's run (no command line of its own: `--mfa-token` cannot be passed). */
  shim?: boolean;
  /** Renew the MFA session (prompting) when it has less than this left: the up-front renewal of a long run. */
  renewSessionBelow?: number;
}

export interface ProfileSession {
  paths: AwsFilePaths;
  files: AwsFiles;
  chain: Chain;
  credentials: AwsCredentials;
  fromCache: boolean;
  /** Seconds between issue and expiry of the credentials, when known. */
  lifetimeSeconds?: number;
  cacheDir: string;
  /** When the AWS files were read (what a ticket derived from this session is as new as). */
  loadedAtMs: number;
}

/**
 * Profile → credentials, through the cache (and STS and an MFA prompt when needed). A caller that has already
 * loaded the profile's chain passes it, so the files are read once.
 */
export async function profileSession(request: SessionRequest, loaded?: LoadedChain): Promise<ProfileSession> {
  const settings = request.settings;
  const { paths, files, chain, loadedAtMs } = loaded ?? (await loadChain(request.profile, settings));
  const cacheDir = settings.cacheDir;
  const endpoint = stsEndpoint(files, request.profile, settings);
  const { credentials, fromCache, lifetimeSeconds } = await resolveCredentials(chain, {
    ...(endpoint ? { endpoint } : {}),
    paths,
    cacheDir,
    minTtlSeconds: settings.minTtl,
    floorSeconds: cappedFloor(request.minTtlFloor ?? 0, kindOfStep(chain.source).floorCapSeconds),
    ...(request.renewSessionBelow !== undefined ? { renewSessionBelowSeconds: request.renewSessionBelow } : {}),
    lockTimeoutSeconds: settings.lockTimeout,
    useSession: request.useSession ?? true,
    sessionTtlSeconds: sessionTtlSeconds(request.sessionTtl, settings),
    region: stsRegion(settings, chain.region),
    ...(request.mfaCode !== undefined ? { mfaCode: request.mfaCode } : {}),
    ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
    ...(request.shim ? { shim: true } : {}),
    settings,
  });
  return {
    paths,
    files,
    chain,
    credentials,
    fromCache,
    ...(lifetimeSeconds !== undefined ? { lifetimeSeconds } : {}),
    cacheDir,
    loadedAtMs,
  };
}
