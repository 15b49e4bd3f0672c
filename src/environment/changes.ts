import type { AwsCredentials } from '../session/credentials.ts';

/**
 * The environment contract of a child process, in one place: the exec path, the shim path, the ticket
 * (and so the shell launcher) all apply exactly these changes.
 */
export const MARKER_VARIABLE = 'TFMFA_PROFILE';
export const AWS_VAULT_MARKER = 'AWS_VAULT';

/** A profile variable left beside injected keys makes some SDKs prefer the profile. */
export const PROFILE_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN', 'AWS_SESSION_EXPIRATION'] as const;

export interface EnvironmentChanges {
  set: Record<string, string>;
  unset: string[];
}

/** The variables a session sets and removes, whatever the current environment holds. */
export function sessionChanges(credentials: AwsCredentials, profile: string): EnvironmentChanges {
  const changes: EnvironmentChanges = { set: {}, unset: [...PROFILE_VARIABLES] };
  changes.set.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  changes.set.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  if (credentials.sessionToken) changes.set.AWS_SESSION_TOKEN = credentials.sessionToken;
  else changes.unset.push('AWS_SESSION_TOKEN');
  if (credentials.expiration) changes.set.AWS_CREDENTIAL_EXPIRATION = credentials.expiration.toISOString();
  else changes.unset.push('AWS_CREDENTIAL_EXPIRATION');
  changes.set[MARKER_VARIABLE] = profile;
  return changes;
}

/**
 * The region rule: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region; whichever of the two
 * variables is missing is set to it (boto3 reads only AWS_DEFAULT_REGION, the Go SDK AWS_REGION).
 */
export function regionChanges(current: NodeJS.ProcessEnv, profileRegion: string | undefined): EnvironmentChanges {
  const region = current.AWS_REGION || current.AWS_DEFAULT_REGION || profileRegion;
  const set: Record<string, string> = {};
  if (region) {
    if (!current.AWS_REGION) set.AWS_REGION = region;
    if (!current.AWS_DEFAULT_REGION) set.AWS_DEFAULT_REGION = region;
  }
  return { set, unset: [] };
}

export function mergeChanges(a: EnvironmentChanges, b: EnvironmentChanges): EnvironmentChanges {
  const set = { ...a.set, ...b.set };
  const unset = [...new Set([...a.unset, ...b.unset])].filter((name) => !(name in set));
  return { set, unset };
}

/** A copy of `env` with the changes applied; only string values survive (as execve needs). */
export function applyChanges(env: NodeJS.ProcessEnv, changes: EnvironmentChanges): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  for (const name of changes.unset) delete result[name];
  Object.assign(result, changes.set);
  return result;
}

/**
 * A session is already in the environment for `profile` (any profile when omitted): ours or aws-vault's marker,
 * with either keys or an `exec --server` credential endpoint.
 */
export function hasSessionFor(env: NodeJS.ProcessEnv, profile?: string): boolean {
  const marker = env[MARKER_VARIABLE] || env[AWS_VAULT_MARKER];
  if (!marker) return false;
  const keys = Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  const endpoint = Boolean(env.AWS_CONTAINER_CREDENTIALS_FULL_URI && env.AWS_CONTAINER_AUTHORIZATION_TOKEN);
  if (!keys && !endpoint) return false;
  return profile === undefined || marker === profile;
}
