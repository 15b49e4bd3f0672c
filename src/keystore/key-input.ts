import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { askRequired } from './terminal-prompt.ts';
import { checkKeys, type LongTermKeys } from './types.ts';

/** A profile name tfmfa can store keys for and write as an INI section header. */
export function checkProfileName(command: string, profile: string | undefined, extra: string[] = []): string {
  if (profile === undefined) throw new UserError(`${command}: which profile? run 'tfmfa ${command} PROFILE'`, 2);
  // Not echoed: someone may have typed a key there (tfmfa never takes keys from the command line).
  if (extra.length > 0)
    throw new UserError(
      `${command}: takes one PROFILE, got ${extra.length + 1} arguments (keys are never taken from the command ` +
        `line): run 'tfmfa ${command} --help'`,
      2,
    );
  if (!/^[\w+=,.@:/-]{1,128}$/.test(profile) || profile === '__proto__') {
    throw new UserError(
      `${command}: '${profile}' is not a usable profile name: use letters, digits and _+=,.@:/- (at most 128)`,
      2,
    );
  }
  return profile;
}

/** `--env`: the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (long-term only: no session token). */
export function keysFromEnvironment(settings: Settings): LongTermKeys {
  const accessKeyId = settings.awsAccessKeyId;
  const secretAccessKey = settings.awsSecretAccessKey;
  if (!accessKeyId || !secretAccessKey)
    throw new UserError('add --env: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', 2);
  if (settings.awsSessionToken)
    throw new UserError(
      'add --env: AWS_SESSION_TOKEN is set, so these are temporary keys: only long-term keys (AKIA…) belong in ' +
        'the key store',
      2,
    );
  return checkKeys({ accessKeyId, secretAccessKey }, 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY');
}

/** Asks for the key id, then the secret (not echoed), on the terminal. */
export async function keysFromTerminal(profile: string): Promise<LongTermKeys> {
  const accessKeyId = await askRequired(`Access key id for profile '${profile}':`, {
    secret: false,
    what: 'the access key',
    validate: (value) => (/^[A-Z0-9]{16,128}$/.test(value) ? true : 'Capital letters and digits, like AKIA…'),
  });
  const secretAccessKey = await askRequired(`Secret access key for ${accessKeyId} (not shown):`, {
    secret: true,
    what: 'the secret access key',
  });
  return checkKeys({ accessKeyId, secretAccessKey }, 'the keys typed');
}
