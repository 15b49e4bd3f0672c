import { type Settings } from '../environment/settings.ts';
import { userInfo } from 'node:os';
import { loadAwsFiles } from './load.ts';
import { awsFilePaths, type AwsFilePaths } from './paths.ts';
import { resolveChain } from './resolve.ts';
import type { Chain } from './types.ts';
import type { AwsFiles } from './files.ts';

/**
 * The profile-chain loader, the one way every command and the shim read the user's files and resolve a
 * profile: the real files (TFMFA_CONFIG_FILE / AWS_CONFIG_FILE and friends), the user's name in the default
 * role session name.
 */

let loginName: string | undefined;

/** The login name (looked up once per process: `list` resolves every profile), or $USER / $LOGNAME. */
export function currentUser(settings: Settings): string {
  try {
    loginName ??= userInfo().username;
    return loginName;
  } catch {
    return settings.user || 'user';
  }
}

/** A profile's chain with the files it came from, and when they were read. */
export interface LoadedChain {
  paths: AwsFilePaths;
  files: AwsFiles;
  chain: Chain;
  loadedAtMs: number;
}

/** The user's files, as every command reads them. */
export function loadUserFiles(settings: Settings): Promise<AwsFiles> {
  return loadAwsFiles(awsFilePaths(settings));
}

/** Resolves a profile's chain in files already read (`hints`: see ResolveOptions). */
export function chainOf(files: AwsFiles, profile: string, settings: Settings, hints = true): Chain {
  return resolveChain(files, profile, { user: currentUser(settings), nowMs: Date.now(), hints });
}

/** Resolves a profile's chain in files already read (at `loadedAtMs`), keeping where they came from. */
export function chainIn(files: AwsFiles, profile: string, settings: Settings, loadedAtMs: number): LoadedChain {
  return {
    paths: { configPath: files.configPath, credentialsPath: files.credentialsPath },
    files,
    chain: chainOf(files, profile, settings),
    loadedAtMs,
  };
}

/** Loads the user's files and resolves a profile's chain. */
export async function loadChain(profile: string, settings: Settings): Promise<LoadedChain> {
  const loadedAtMs = Date.now();
  return chainIn(await loadUserFiles(settings), profile, settings, loadedAtMs);
}
