import { UserError } from '../errors.ts';
import type { EnvironmentChanges } from '../environment/changes.ts';
import { dotenvProblem, dotenvQuote, fishQuote, powershellQuote, shQuote } from './quoting.ts';

/** Environment changes written as statements of a shell (or a .env file), values quoted so nothing expands. */
export const EXPORT_FORMATS = ['sh', 'fish', 'powershell', 'dotenv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

const FORMATTERS: Record<
  ExportFormat,
  { set: (name: string, value: string) => string; unset: (name: string) => string | null }
> = {
  sh: { set: (n, v) => `export ${n}=${shQuote(v)}`, unset: (n) => `unset ${n}` },
  fish: { set: (n, v) => `set -gx ${n} ${fishQuote(v)}`, unset: (n) => `set -e ${n}` },
  powershell: {
    set: (n, v) => `$Env:${n} = ${powershellQuote(v)}`,
    unset: (n) => `Remove-Item Env:${n} -ErrorAction SilentlyContinue`,
  },
  dotenv: { set: (n, v) => `${n}=${dotenvQuote(v)}`, unset: () => null },
};

export function formatChanges(changes: EnvironmentChanges, format: ExportFormat): string {
  const formatter = FORMATTERS[format];
  for (const name of [...changes.unset, ...Object.keys(changes.set)]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UserError(`cannot export variable '${name}': not a valid name`);
  }
  for (const [name, value] of Object.entries(changes.set)) {
    const problem = format === 'dotenv' ? dotenvProblem(value) : null;
    // Never the value itself: it may be a secret.
    if (problem)
      throw new UserError(
        `cannot write ${name} as dotenv: its value has ${problem}, which some dotenv reader would misread: use ` +
          `--format sh or json`,
      );
  }
  const lines = [
    ...changes.unset.map((name) => formatter.unset(name)).filter((line): line is string => line !== null),
    // fish's `set` passes the status along, so the status 4 of a `set -e` of an unset variable would make
    // `tfmfa export … --format fish | source; and terraform plan` stop: a `true` after the removals.
    ...(format === 'fish' && changes.unset.length > 0 ? ['true'] : []),
    ...Object.entries(changes.set).map(([name, value]) => formatter.set(name, value)),
  ];
  return `${lines.join('\n')}\n`;
}
