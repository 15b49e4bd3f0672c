import type { EnvironmentChanges } from '../environment/changes.ts';
import type { AwsCredentials } from '../credentials.ts';

/**
 * Terragrunt's auth-provider contract (schema v2): `awsCredentials` and `envs`, nothing else. One line, no
 * spaces, keys in this exact order, so the shell launcher can print the same bytes from a ticket:
 * {"awsCredentials":{"ACCESS_KEY_ID":…,"SECRET_ACCESS_KEY":…,"SESSION_TOKEN":…},
 *  "envs":{"AWS_REGION":…,"AWS_DEFAULT_REGION":…,"TFMFA_PROFILE":…}}   (on one line)
 * SESSION_TOKEN is left out for long-term keys; `envs` holds what `terragruntEnvs` chose, in its order.
 */
export function terragruntAuthJson(credentials: AwsCredentials, envs: Record<string, string>): string {
  return JSON.stringify({
    awsCredentials: {
      ACCESS_KEY_ID: credentials.accessKeyId,
      SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { SESSION_TOKEN: credentials.sessionToken } : {}),
    },
    envs,
  });
}

/** The variables of a child's changes that terragrunt passes on through `envs`: the region pair, then the marker. */
export const TERRAGRUNT_ENV_ORDER = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/**
 * `envs` for terragrunt from the changes a child would get (region rule and marker already decided): the
 * region variables the environment lacks, then the marker. Terragrunt sets the keys itself from
 * `awsCredentials`; it cannot unset variables, so only additions are carried.
 */
export function terragruntEnvs(changes: EnvironmentChanges, marker: string): Record<string, string> {
  const envs: Record<string, string> = {};
  for (const name of TERRAGRUNT_ENV_ORDER) {
    const value = changes.set[name];
    if (value !== undefined) envs[name] = value;
  }
  const profile = changes.set[marker];
  if (profile !== undefined) envs[marker] = profile;
  return envs;
}
