import { MARKER_VARIABLE, PROFILE_VARIABLES, type EnvironmentChanges } from '../environment/changes.ts';
import type { AwsFiles } from '../config/types.ts';

/**
 * Variables that would make an SDK take credentials from somewhere else than the endpoint (the environment
 * comes first in every default chain), or talk to another endpoint or with another token.
 */
export const SERVER_UNSET = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  ...PROFILE_VARIABLES,
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

/** Keys that give a profile credentials of its own. */
const CREDENTIAL_KEYS = [
  'aws_access_key_id', 'role_arn', 'credential_process', 'credential_source', 'source_profile',
  'sso_session', 'sso_start_url', 'web_identity_token_file',
];

/**
 * True when the user's `default` profile has credentials: SDKs rank the shared files ahead of the container
 * endpoint, so a child without AWS_PROFILE would use those instead of ours.
 */
export function defaultProfileShadows(files: AwsFiles): boolean {
  const section = files.profiles.get('default');
  return section !== undefined && CREDENTIAL_KEYS.some((key) => section[key] !== undefined && section[key] !== '');
}
