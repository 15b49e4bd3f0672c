import { UserError } from '../errors.ts';

/** Parses a duration such as `3600`, `90m`, `8h`, `1h30m` into seconds; `name` is what the user set. */
export function parseDuration(name: string, text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!match || trimmed === '') {
    throw new UserError(`${name} must be a duration like 3600, 90m or 8h, got '${text}'`, 2);
  }
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** A duration within [min, max] seconds, or a one-line error naming the setting, the range and the value. */
export function durationInRange(name: string, text: string, min: number, max: number, range: string): number {
  const seconds = parseDuration(name, text);
  if (seconds < min || seconds > max) throw new UserError(`${name} must be between ${range}, got '${text}'`, 2);
  return seconds;
}
