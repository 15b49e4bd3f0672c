import { UserError } from '../../errors.ts';
import type { SourceKind } from './kind.ts';

export interface StaticKeysSource {
  kind: 'static-keys';
  profile: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Present when the keys are themselves temporary (aws_session_token). */
  sessionToken?: string;
}

/** The keys that hold a secret: never copied into the overlay, never cached. */
export const SECRET_KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'] as const;

/** `aws_access_key_id` + `aws_secret_access_key` (and optionally `aws_session_token`), in either file. */
export const staticKeys: SourceKind<StaticKeysSource, 'static'> = {
  step: 'static-keys',
  listName: 'static',
  triggers: ['aws_access_key_id', 'aws_secret_access_key'],
  keys: SECRET_KEYS,
  detect: (section) => Boolean(section.aws_access_key_id || section.aws_secret_access_key),
  parse(profile, section) {
    const accessKeyId = section.aws_access_key_id?.trim();
    const secretAccessKey = section.aws_secret_access_key?.trim();
    if (!accessKeyId || !secretAccessKey) {
      const missing = accessKeyId ? 'aws_secret_access_key' : 'aws_access_key_id';
      throw new UserError(
        `profile '${profile}' has static keys but no ${missing}: add it to your AWS credentials file`,
        2,
      );
    }
    const sessionToken = section.aws_session_token?.trim();
    return { kind: 'static-keys', profile, accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  },
  async fetch(step) {
    return {
      accessKeyId: step.accessKeyId,
      secretAccessKey: step.secretAccessKey,
      ...(step.sessionToken ? { sessionToken: step.sessionToken } : {}),
    };
  },
  origin: (step) => (step.sessionToken ? 'temporary keys' : 'long-term access keys'),
  describe(step, files) {
    const where = files.credentialsSections.get(step.profile)?.aws_access_key_id
      ? files.credentialsPath
      : files.configPath;
    return (
      `${step.sessionToken ? 'temporary keys (aws_session_token)' : 'long-term access keys'} of profile ` +
      `'${step.profile}' (${where})`
    );
  },
};
