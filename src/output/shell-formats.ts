import { UserError } from '../errors.ts';
import type { EnvironmentChanges } from '../environment/changes.ts';

/** Environment changes written as statements of a shell (or a .env file), values quoted so nothing expands. */
export const EXPORT_FORMATS = ['sh', 'fish', 'powershell', 'dotenv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** POSIX sh: single quotes, with ' written as '\''. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A word for a POSIX command line: as it is when nothing in it is special, else single-quoted. */
export function shWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : shQuote(value);
}

/** fish: single quotes, where only \\ and \' are escapes. */
function fishQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** PowerShell: single-quoted (verbatim) strings, ' doubled (also the typographic quotes PowerShell accepts). */
function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** dotenv: double quotes with \\, \", \$ and \n escaped. */
function dotenvQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
}

const FORMATTERS: Record<ExportFormat, { set: (name: string, value: string) => string; unset: (name: string) => string | null }> = {
  sh: { set: (n, v) => `export ${n}=${shQuote(v)}`, unset: (n) => `unset ${n}` },
  fish: { set: (n, v) => `set -gx ${n} ${fishQuote(v)}`, unset: (n) => `set -e ${n}` },
  powershell: { set: (n, v) => `$Env:${n} = ${powershellQuote(v)}`, unset: (n) => `Remove-Item Env:${n} -ErrorAction SilentlyContinue` },
  dotenv: { set: (n, v) => `${n}=${dotenvQuote(v)}`, unset: () => null },
};

export function formatChanges(changes: EnvironmentChanges, format: ExportFormat): string {
  const formatter = FORMATTERS[format];
  for (const name of [...changes.unset, ...Object.keys(changes.set)]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError(`cannot export variable '${name}': not a valid name`);
  }
  const lines = [
    ...changes.unset.map((name) => formatter.unset(name)).filter((line): line is string => line !== null),
    ...Object.entries(changes.set).map(([name, value]) => formatter.set(name, value)),
  ];
  return `${lines.join('\n')}\n`;
}
