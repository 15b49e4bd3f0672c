import { UserError } from '../errors.ts';

/**
 * aws-vault's AssumeRole extensions in a profile, parsed and checked against STS's limits:
 *   session_tags = key1=value1,key2=value2      (AssumeRole Tags)
 *   transitive_session_tags = key1,key2         (AssumeRole TransitiveTagKeys)
 *   source_identity = alice                     (AssumeRole SourceIdentity)
 */
export interface SessionTag {
  key: string;
  value: string;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
const MAX_TAGS = 50;

function invalid(profile: string, key: string, why: string): UserError {
  return new UserError(`profile '${profile}': ${key} ${why}; fix it in your AWS config`, 2);
}

export function parseSessionTags(profile: string, raw: string): SessionTag[] {
  const tags: SessionTag[] = [];
  const seen = new Set<string>();
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const parts = pair.split('=');
    if (parts.length !== 2)
      throw invalid(
        profile,
        'session_tags',
        `has '${pair.trim()}', not key=value (the form is key1=value1,key2=value2)`,
      );
    const key = (parts[0] as string).trim();
    const value = (parts[1] as string).trim();
    if (!TAG_KEY.test(key))
      throw invalid(
        profile,
        'session_tags',
        `has the key '${key}': a tag key is 1 to 128 letters, digits, spaces and _.:/=+-@`,
      );
    if (!TAG_VALUE.test(value))
      throw invalid(
        profile,
        'session_tags',
        `has the value '${value}' for '${key}': a tag value is up to 256 letters, digits, spaces and _.:/=+-@`,
      );
    // STS compares tag keys without case.
    if (seen.has(key.toLowerCase()))
      throw invalid(profile, 'session_tags', `has the key '${key}' twice (keys are compared without case)`);
    seen.add(key.toLowerCase());
    tags.push({ key, value });
  }
  if (tags.length > MAX_TAGS)
    throw invalid(profile, 'session_tags', `has ${tags.length} tags; STS takes at most ${MAX_TAGS}`);
  return tags;
}

export function parseTransitiveTagKeys(profile: string, raw: string): string[] {
  const keys = raw
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  for (const key of keys) {
    if (!TAG_KEY.test(key))
      throw invalid(
        profile,
        'transitive_session_tags',
        `has the key '${key}': a tag key is 1 to 128 letters, digits, spaces and _.:/=+-@`,
      );
  }
  if (keys.length > MAX_TAGS)
    throw invalid(profile, 'transitive_session_tags', `has ${keys.length} keys; STS takes at most ${MAX_TAGS}`);
  return keys;
}

export function checkSourceIdentity(profile: string, raw: string): string {
  const value = raw.trim();
  if (!SOURCE_IDENTITY.test(value))
    throw invalid(
      profile,
      'source_identity',
      `'${value}' is not valid: expected 2 to 64 characters of letters, digits and +=,.@_-`,
    );
  return value;
}
