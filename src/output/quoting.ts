/**
 * Quoting, the one place for it: every value tfmfa writes for a shell, a dotenv loader or a command line goes
 * through one of these, and each is checked against the real reader by the property tests.
 */

/** POSIX sh (and bash, zsh): single quotes, with ' written as '\''. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A word for a POSIX command line: as it is when nothing in it is special, else single-quoted. */
export function shWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : shQuote(value);
}

/** fish: single quotes, where only \\ and \' are escapes. */
export function fishQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** PowerShell: single-quoted (verbatim) strings, ' doubled (also the typographic quotes PowerShell accepts). */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/**
 * dotenv, for every reader at once: `set -a; . .env` in sh/bash/zsh, python-dotenv, Node's `--env-file` /
 * `util.parseEnv`, direnv's `dotenv`. They share no escape, so the value is written where all of them read
 * it literally: single quotes; a value with a ' in double quotes, when it has nothing any reader treats
 * specially there. What no quoting carries through all of them is refused (`dotenvProblem`).
 */
export function dotenvQuote(value: string): string {
  const problem = dotenvProblem(value);
  if (problem) throw new Error(`dotenvQuote: ${problem}`);
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/**
 * Why a value cannot be written for every dotenv reader, or null when it can: a line break (Node drops a
 * carriage return, direnv and line-based loaders end the value at a newline), `${` (python-dotenv expands it in any
 * quotes), `\\` or a final `\` (python-dotenv unescapes them in single
 * quotes), or a ' together with one of " $ ` \ (sh expands those in the double quotes a ' needs).
 */
export function dotenvProblem(value: string): string | null {
  if (/[\r\n]/.test(value)) return 'a line break';
  if (value.includes('${')) return "'${'";
  if (value.includes("'")) {
    const clash = /["$`\\]/.exec(value)?.[0];
    return clash ? `both ' and ${clash}` : null;
  }
  if (value.includes('\\\\') || value.endsWith('\\')) return 'a backslash python-dotenv would unescape';
  return null;
}
