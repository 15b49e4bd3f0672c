/**
 * What can be written into the overlay so that every SDK reads it back the same. The overlay is rendered from
 * the JS SDK's parse of the user's files (what tfmfa itself reads), and each line it writes must mean exactly
 * that to every other parser a child may use:
 *
 * - JS SDK (@smithy/shared-ini-file-loader): cuts any line at whitespace followed by `#` or `;` (inside quotes
 *   too); `[type name]` needs the name in [\w-@+.%:/] (one optional pair of quotes); `key =` with nothing after
 *   it starts a sub-section; indented `k = v` lines after it become `key.k`.
 * - botocore / AWS CLI (Python configparser): `=` or `:` ends a key; keys are lowercased and a repeated key or
 *   section rejects the whole file; `[DEFAULT]` is applied to every section; an indented line continues the
 *   previous value; files are split on \r as well as \n.
 * - Go SDK v2: cuts a header or top-level line at the first `#` or `;` anywhere; the earlier of `=` and `:` ends
 *   a key; a value wrapped in quotes loses them, and \" \' \n in a value become ", ', a newline.
 * - credential_process: the JS and Go SDKs run it with `/bin/sh -c`, botocore splits it with shlex.split.
 *
 * Each check returns what is wrong (for the one-line refusal) or null.
 */

/** The profile, sso-session and services names the JS SDK reads in `[type name]` (all others it ignores). */
const CONFIG_SECTION_NAME = /^[\w\-@+.%:/]+$/;

export function configNameProblem(name: string): string | null {
  return CONFIG_SECTION_NAME.test(name)
    ? null
    : 'its name has characters the JS SDK does not read in a config-file section';
}

/** A section name of the credentials file (`[name]`), read the same by every parser. */
export function credentialsNameProblem(name: string): string | null {
  if (/[\s#;[\]\\]/u.test(name) || /[\p{Cc}]/u.test(name))
    return (
      'its name has a space, #, ;, a bracket, a backslash or a control character, which not every SDK ' +
      'reads the same'
    );
  if (name === 'DEFAULT') return 'botocore applies a section named DEFAULT to every profile';
  if (name in Object.prototype) return "the JS SDK's parser mishandles a section with this name";
  if (name === '') return 'its name is empty';
  return null;
}

/** One part of a key (`region`, or `s3` and `max_concurrent_requests` of a sub-section). */
const KEY_PART = /^[A-Za-z0-9_][\w\-+@%/]*$/;

export function keyProblem(key: string): string | null {
  const dot = key.indexOf('.');
  const parts = dot < 0 ? [key] : [key.slice(0, dot), ...key.slice(dot + 1).split('.')];
  return parts.every((part) => KEY_PART.test(part))
    ? null
    : `the key '${key}' has characters not every SDK reads the same`;
}

export function valueProblem(key: string, value: string): string | null {
  return /[\r\n]/.test(value) ? `the value of '${key}' has a line break` : null;
}

/** A `key = value` line every parser reads as that key and that value (the JS SDK's parse has trimmed it). */
export function keyValueLine(key: string, value: string, indent = ''): string {
  // ` = #x` would be a comment for the JS SDK; `=#x` is not (the Go SDK cuts either, as it cuts the user's line).
  return /^[#;]/.test(value) ? `${indent}${key}=${value}` : `${indent}${key} = ${value}`;
}

/** Words of a credential_process command: a path, an option or a profile name. */
export function commandWordProblem(word: string): string | null {
  if (/[\r\n]/.test(word)) return 'a line break';
  if (/[#;]/.test(word)) return 'a # or ; (the Go SDK cuts the line there, the JS SDK after a space)';
  if (word.includes('\\')) return 'a backslash (the Go SDK rewrites \\n, \\\' and \\" in values)';
  if (word.includes('\0')) return 'a NUL byte';
  return null;
}

/**
 * A word that /bin/sh and Python's shlex.split read the same: safe runs bare, other runs in single quotes, a
 * quote as "'" (never \', which the Go SDK would rewrite). The first word of the command is an absolute path,
 * so the line never starts with a quote (the Go SDK would strip a pair around the whole value).
 */
export function commandWord(word: string): string {
  if (word === '') return "''";
  return word.replace(/[^\w@%+=:,./-]+/g, (run) =>
    run
      .split("'")
      .map((part) => (part ? `'${part}'` : ''))
      .join(`"'"`),
  );
}
