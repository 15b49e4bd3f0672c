import type { AwsCredentials } from '../credentials.ts';
import { regionChanges } from './region.ts';
import type { Settings } from './settings.ts';
import { FOREIGN_SECRET_VARIABLE_NAMES, SECRET_VARIABLE_NAMES, variableName } from './variables.ts';

/**
 * The environment contract of a child process, in one place: the exec path, the shim path, the ticket
 * (and so the shell launcher) all apply exactly these changes.
 */
export const MARKER_VARIABLE = variableName('marker');
export const AWS_VAULT_MARKER = 'AWS_VAULT';

/** A profile variable left beside injected keys makes some SDKs prefer the profile. */
export const PROFILE_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SECURITY_TOKEN',
  'AWS_SESSION_EXPIRATION',
] as const;

/** tfmfa's own secrets (the key store's passphrase; `secret` in the contract): never passed on to a child. */
export const SECRET_VARIABLES = SECRET_VARIABLE_NAMES;

/** Other tools' secrets a migrating user may still have exported: aws-vault's file passphrase, for `aws-vault` only. */
export const FOREIGN_SECRET_VARIABLES = FOREIGN_SECRET_VARIABLE_NAMES;

export type { EnvironmentChanges } from './environment-changes.ts';
import type { EnvironmentChanges } from './environment-changes.ts';

/** The variables a session sets and removes, whatever the current environment holds. */
export function sessionChanges(credentials: AwsCredentials, profile: string): EnvironmentChanges {
  const changes: EnvironmentChanges = { set: {}, unset: [...PROFILE_VARIABLES, ...SECRET_VARIABLES] };
  changes.set.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  changes.set.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  if (credentials.sessionToken) changes.set.AWS_SESSION_TOKEN = credentials.sessionToken;
  else changes.unset.push('AWS_SESSION_TOKEN');
  if (credentials.expiration) changes.set.AWS_CREDENTIAL_EXPIRATION = credentials.expiration.toISOString();
  else changes.unset.push('AWS_CREDENTIAL_EXPIRATION');
  changes.set[MARKER_VARIABLE] = profile;
  return changes;
}

export function mergeChanges(a: EnvironmentChanges, b: EnvironmentChanges): EnvironmentChanges {
  const set = { ...a.set, ...b.set };
  const unset = [...new Set([...a.unset, ...b.unset])].filter((name) => !(name in set));
  return { set, unset };
}

/**
 * What a child started from `current` gets: the session's changes (credentials, overlay, marker), then the
 * region rule decided on `current`, then `extra` (the shim stack), later ones winning.
 */
export function childChanges(
  current: Settings,
  changes: EnvironmentChanges,
  region: string | undefined,
  extra?: EnvironmentChanges,
): EnvironmentChanges {
  const withRegion = mergeChanges(changes, regionChanges(current, region));
  return extra ? mergeChanges(withRegion, extra) : withRegion;
}

const NO_CHANGES: EnvironmentChanges = { set: {}, unset: [] };

/**
 * The one builder of the environment of every program tfmfa starts (the command of exec and of a shim, mfa_process,
 * a prompt dialog, ykman, notify-send, the browser): a copy of `env` with the changes applied and without
 * tfmfa's secrets (SECRET_VARIABLES) or another tool's (FOREIGN_SECRET_VARIABLES), whatever `env` or the changes
 * hold; only string values survive (as execve
 * needs). A nested tfmfa (the overlay's credential_process) gets no passphrase either: it asks on the terminal.
 */
export function applyChanges(
  env: NodeJS.ProcessEnv,
  changes: EnvironmentChanges = NO_CHANGES,
  options: { keep?: readonly string[] } = {},
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  for (const name of changes.unset) delete result[name];
  Object.assign(result, changes.set);
  for (const name of SECRET_VARIABLES) delete result[name];
  // Another tool's secret reaches only that tool (`keep`: aws-vault's passphrase, for aws-vault itself).
  for (const name of FOREIGN_SECRET_VARIABLES) if (!options.keep?.includes(name)) delete result[name];
  return result;
}

/** The profile named by ours or aws-vault's marker, if any. */
export function markerProfile(settings: Settings): string | undefined {
  return settings.marker || settings.awsVault || undefined;
}

/**
 * A session is already in the environment for `profile` (any profile when omitted): ours or aws-vault's marker,
 * with either keys or an `exec --server` credential endpoint.
 */
export function hasSessionFor(settings: Settings, profile?: string): boolean {
  const marker = markerProfile(settings);
  if (!marker) return false;
  const keys = Boolean(settings.awsAccessKeyId && settings.awsSecretAccessKey);
  const endpoint = Boolean(settings.awsContainerCredentialsFullUri && settings.awsContainerAuthorizationToken);
  if (!keys && !endpoint) return false;
  return profile === undefined || marker === profile;
}

/** The variables that point a child at the config overlay, and tfmfa itself (nested) back at the user's files. */
export function overlayChanges(overlay: {
  configPath: string;
  credentialsPath: string;
  sources: { configPath: string; credentialsPath: string };
}): EnvironmentChanges {
  const realFiles = overlay.sources;
  return {
    set: {
      AWS_CONFIG_FILE: overlay.configPath,
      AWS_SHARED_CREDENTIALS_FILE: overlay.credentialsPath,
      [variableName('realConfigFile')]: realFiles.configPath,
      [variableName('realCredentialsFile')]: realFiles.credentialsPath,
    },
    unset: [],
  };
}

/**
 * Variables that would make an SDK take credentials from somewhere else than tfmfa's credential server (the
 * environment comes first in every default chain), or talk to another endpoint or with another token.
 */
export const SERVER_UNSET = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  ...PROFILE_VARIABLES,
  ...SECRET_VARIABLES,
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
] as const;

/** What the child's environment gets in server mode (before the region rule and the overlay). */
export function serverChanges(url: string, token: string, profile: string): EnvironmentChanges {
  return {
    set: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      [MARKER_VARIABLE]: profile,
    },
    unset: [...SERVER_UNSET],
  };
}
