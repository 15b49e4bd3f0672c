import { checkKeys, type LongTermKeys } from '../types.ts';

/**
 * What aws-vault keeps in its store, whatever the backend: items keyed by profile name whose data is the JSON of
 * Go's aws.Credentials ({"AccessKeyID", "SecretAccessKey", "SessionToken", …}), next to its own caches (cached
 * sessions, OIDC tokens) that must never be imported.
 */

/** Why an item key is one of aws-vault's caches, or null for a profile's long-term keys. */
export function cacheKind(key: string): string | null {
  if (/^oidc:/.test(key)) return 'an SSO OIDC token (oidc:…)';
  // sts.GetSessionToken,<b64url profile>,<b64url mfa serial>,<expiry>; sts.AssumeRole,…; sso.GetRoleCredentials,…
  if (/^(?:sts|sso)\.[A-Za-z]+,/.test(key)) return `a cached session (${key.slice(0, key.indexOf(','))})`;
  if (/^credential_process,/.test(key)) return 'a cached session (credential_process)';
  if (/^session,/.test(key)) return 'a cached session (aws-vault 4–5 format)';
  return null;
}

/** An item's value could not be read as long-term keys. */
export class AwsVaultItemError extends Error {}

/** The result of reading one profile's item: its long-term keys, or why it is not importable. */
export type ItemContent = { keys: LongTermKeys } | { temporary: true };

/** `text` parsed as JSON, or an AwsVaultItemError saying `notJson`. */
function parseJson(text: string, notJson: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsVaultItemError(notJson);
  }
}

/** The credentials JSON (Go's aws.Credentials, or `aws-vault export --format=json`'s fields). */
export function parseCredentialsJson(text: string, what: string): ItemContent {
  const value = parseJson(text, 'its credentials are not JSON');
  if (typeof value !== 'object' || value === null) throw new AwsVaultItemError('its credentials are not a JSON object');
  const fields = value as Record<string, unknown>;
  const accessKeyId = fields.AccessKeyID ?? fields.AccessKeyId;
  const secretAccessKey = fields.SecretAccessKey;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || !accessKeyId || !secretAccessKey) {
    throw new AwsVaultItemError('its credentials have no AccessKeyID and SecretAccessKey');
  }
  if (typeof fields.SessionToken === 'string' && fields.SessionToken !== '') return { temporary: true };
  try {
    return { keys: checkKeys({ accessKeyId, secretAccessKey }, what) };
  } catch (error) {
    throw new AwsVaultItemError((error as Error).message);
  }
}

/** A keyring item as the keyring library stores it ({"Key", "Data": base64 of the credentials JSON, …}). */
export function parseKeyringItem(text: string, key: string, what: string): ItemContent {
  const value = parseJson(text, 'it is not a keyring item (not JSON)');
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof fields.Data !== 'string') throw new AwsVaultItemError('it is not a keyring item (no Data)');
  if (fields.Key !== undefined && fields.Key !== key)
    throw new AwsVaultItemError(`it is the item of '${String(fields.Key)}', not of '${key}'`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(fields.Data)) throw new AwsVaultItemError('its Data is not base64');
  return parseCredentialsJson(Buffer.from(fields.Data, 'base64').toString('utf8'), what);
}
