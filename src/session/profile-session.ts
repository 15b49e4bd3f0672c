import { userInfo } from 'node:os';
import { stsEndpoint } from '../config/endpoint.ts';
import { loadAwsFiles } from '../config/load.ts';
import { awsFilePaths, type AwsFilePaths } from '../config/paths.ts';
import { resolveChain } from '../config/resolve.ts';
import type { AwsFiles, Chain } from '../config/types.ts';
import { cacheDirectory, lockTimeoutSeconds, minimumTtlSeconds, sessionTtlSeconds } from '../settings.ts';
import type { AwsCredentials } from './credentials.ts';
import { resolveCredentials } from './resolve-credentials.ts';

/** What a command asks for: a profile and the session options common to every command. */
export interface SessionRequest {
  profile: string;
  env?: NodeJS.ProcessEnv;
  mfaToken?: string;
  /** False with `--no-session`. */
  useSession?: boolean;
  /** `--session-ttl` as given. */
  sessionTtl?: string;
  /** `--prompt NAME`: where to ask for an MFA code. */
  prompt?: string;
  /** True for a shim's run (no command line of its own: `--mfa-token` cannot be passed). */
  shim?: boolean;
}

export interface ProfileSession {
  paths: AwsFilePaths;
  files: AwsFiles;
  chain: Chain;
  credentials: AwsCredentials;
  fromCache: boolean;
  cacheDir: string;
  /** When the AWS files were read (what a ticket derived from this session is as new as). */
  loadedAtMs: number;
}

export function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || 'user';
  }
}

/** A profile's chain with the files it came from, and when they were read. */
export interface LoadedChain {
  paths: AwsFilePaths;
  files: AwsFiles;
  chain: Chain;
  loadedAtMs: number;
}

/** Resolves a profile's chain in files already read (at `loadedAtMs`). */
export function chainIn(files: AwsFiles, profile: string, env: NodeJS.ProcessEnv, loadedAtMs: number): LoadedChain {
  const chain = resolveChain(files, profile, { user: currentUser(env), nowMs: Date.now() });
  return { paths: { configPath: files.configPath, credentialsPath: files.credentialsPath }, files, chain, loadedAtMs };
}

/** Loads the user's files and resolves a profile's chain. */
export async function loadChain(profile: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedChain> {
  const loadedAtMs = Date.now();
  return chainIn(await loadAwsFiles(awsFilePaths(env)), profile, env, loadedAtMs);
}

/** Region for STS calls: the environment's, else the profile's, else us-east-1. */
export function stsRegion(chain: Chain, env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || chain.region || 'us-east-1';
}

/**
 * Profile → credentials, through the cache (and STS and an MFA prompt when needed). A caller that has already
 * loaded the profile's chain passes it, so the files are read once.
 */
export async function profileSession(request: SessionRequest, loaded?: LoadedChain): Promise<ProfileSession> {
  const env = request.env ?? process.env;
  const { paths, files, chain, loadedAtMs } = loaded ?? (await loadChain(request.profile, env));
  const cacheDir = cacheDirectory(env);
  const endpoint = stsEndpoint(files, request.profile, env);
  const { credentials, fromCache } = await resolveCredentials(chain, {
    ...(endpoint ? { endpoint } : {}),
    paths,
    cacheDir,
    minTtlSeconds: minimumTtlSeconds(env),
    lockTimeoutSeconds: lockTimeoutSeconds(env),
    useSession: request.useSession ?? true,
    sessionTtlSeconds: sessionTtlSeconds(request.sessionTtl, env),
    region: stsRegion(chain, env),
    ...(request.mfaToken !== undefined ? { mfaToken: request.mfaToken } : {}),
    ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
    ...(request.shim ? { shim: true } : {}),
    env,
  });
  return { paths, files, chain, credentials, fromCache, cacheDir, loadedAtMs };
}
