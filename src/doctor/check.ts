/** The lines of `tfmfa doctor`: each a status, what was found, and for a problem how to fix it. */
export type CheckStatus = 'ok' | 'fail' | 'warn' | 'info';

export interface Check {
  status: CheckStatus;
  text: string;
  /** Indented lines under the check (steps of a chain, paths). */
  details?: string[];
  /** What to do about a failure or a warning. */
  fix?: string;
}

const SYMBOL: Record<CheckStatus, string> = { ok: '✔', fail: '✖', warn: '!', info: '·' };

export function ok(text: string, details?: string[]): Check {
  return details ? { status: 'ok', text, details } : { status: 'ok', text };
}

export function fail(text: string, fix: string, details?: string[]): Check {
  return details ? { status: 'fail', text, fix, details } : { status: 'fail', text, fix };
}

export function warning(text: string, fix: string): Check {
  return { status: 'warn', text, fix };
}

export function info(text: string, details?: string[]): Check {
  return details ? { status: 'info', text, details } : { status: 'info', text };
}

export function renderCheck(check: Check): string {
  const lines = [`${SYMBOL[check.status]} ${check.text}`];
  for (const detail of check.details ?? []) lines.push(`    ${detail}`);
  if (check.fix) lines.push(`    fix: ${check.fix}`);
  return lines.join('\n');
}

export function renderSection(title: string, checks: Check[]): string {
  return [`${title}:`, ...checks.map(renderCheck)].join('\n');
}
