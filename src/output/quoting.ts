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

/** dotenv: double quotes with \\, \", \$ and \n escaped. */
export function dotenvQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
}
