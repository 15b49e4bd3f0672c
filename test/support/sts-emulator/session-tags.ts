// AssumeRole's session tags, transitive tag keys and source identity, as STS checks and carries them: tag keys
// and values (patterns, lengths, at most 50, no key twice whatever its case), transitive keys, a source
// identity (2–64 of [\w+=,.@-]) that once set cannot change along a role chain; transitive tags and the source
// identity pass to sessions assumed from this one. Test fixture only.

import type { CredentialRecord } from './credentials.ts';
import { StsError } from './protocol.ts';

export interface SessionAttributes {
  /** Tag key → value (transitive tags inherited from the caller included). */
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  sourceIdentity: string | null;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;

function members(params: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let n = 1; params.has(`${prefix}.member.${n}`) || params.has(`${prefix}.member.${n}.Key`); n++) {
    values.push(String(n));
  }
  return values;
}

function invalid(message: string): StsError {
  return new StsError(400, 'ValidationError', message);
}

/** The session attributes of an AssumeRole call by `caller`, or the error STS answers. */
export function sessionAttributes(
  params: URLSearchParams,
  caller: CredentialRecord & Partial<{ session: SessionAttributes }>,
): SessionAttributes {
  const inherited = caller.session;
  const tags: Record<string, string> = {};
  const seen = new Set<string>();
  for (const n of members(params, 'Tags')) {
    const key = params.get(`Tags.member.${n}.Key`) ?? '';
    const value = params.get(`Tags.member.${n}.Value`);
    if (value === null)
      throw invalid(
        `1 validation error detected: Value null at 'tags.${n}.member.value' failed to satisfy constraint: ` +
          `Member must not be null`,
      );
    if (!TAG_KEY.test(key))
      throw invalid(
        `1 validation error detected: Value '${key}' at 'tags.${n}.member.key' failed to satisfy constraint: ` +
          `Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`,
      );
    if (!TAG_VALUE.test(value))
      throw invalid(
        `1 validation error detected: Value '${value}' at 'tags.${n}.member.value' failed to satisfy ` +
          `constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`,
      );
    if (seen.has(key.toLowerCase()))
      throw new StsError(
        400,
        'InvalidParameterValue',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    seen.add(key.toLowerCase());
    tags[key] = value;
  }
  if (seen.size > 50)
    throw invalid(
      `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less ` +
        `than or equal to 50`,
    );
  const transitive = members(params, 'TransitiveTagKeys').map(
    (n) => params.get(`TransitiveTagKeys.member.${n}`) as string,
  );
  for (const key of transitive) {
    if (!TAG_KEY.test(key))
      throw invalid(
        `1 validation error detected: Value '${key}' at 'transitiveTagKeys' failed to satisfy constraint: ` +
          `Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`,
      );
  }
  // Transitive tags of the calling session come along, and a call cannot override them.
  for (const key of inherited?.transitiveTagKeys ?? []) {
    if (seen.has(key.toLowerCase()))
      throw new StsError(
        400,
        'InvalidParameterValue',
        `One or more tags cannot be overridden: ${key} is a transitive tag of the calling session.`,
      );
    tags[key] = inherited?.tags[key] as string;
  }
  const sourceIdentity = params.get('SourceIdentity');
  if (sourceIdentity !== null && !SOURCE_IDENTITY.test(sourceIdentity)) {
    throw invalid(
      `1 validation error detected: Value '${sourceIdentity}' at 'sourceIdentity' failed to satisfy ` +
        `constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const carried = inherited?.sourceIdentity ?? null;
  if (carried !== null && sourceIdentity !== null && sourceIdentity !== carried) {
    throw new StsError(
      403,
      'AccessDenied',
      `The source identity of the calling session (${carried}) cannot be changed to ${sourceIdentity}.`,
    );
  }
  return {
    tags,
    transitiveTagKeys: [...new Set([...(inherited?.transitiveTagKeys ?? []), ...transitive])],
    sourceIdentity: sourceIdentity ?? carried,
  };
}
