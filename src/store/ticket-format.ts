import type { EnvironmentChanges } from '../environment/changes.ts';

/**
 * A ticket: what a shim needs to launch a tool for a profile without Node, as plain line-based data that a
 * POSIX shell can read with `read -r` alone (no eval, no source):
 *
 *   tfmfa-ticket 1
 *   min_ttl 300                  TFMFA_MIN_TTL it was written for
 *   overlay 1                    whether the config overlay was on (TFMFA_OVERLAY)
 *   config /home/u/.aws/config   the files it was derived from (a newer file invalidates it)
 *   credentials /home/u/.aws/credentials
 *   region us-west-2             the profile's region (applied by the region rule)
 *   unset AWS_PROFILE
 *   set AWS_ACCESS_KEY_ID 1      NAME and the number of lines of the value that follow
 *   ASIA...
 *   end
 *
 * Its expiry lives beside it, as the mtime of `<profile>.deadline`, so the shell can compare times with `-nt`.
 */
export const TICKET_HEADER = 'tfmfa-ticket 1';
/** Only these can be set or unset by a ticket: a ticket can never set PATH, LD_PRELOAD and the like. */
export const TICKET_NAME = /^(AWS|TFMFA)_[A-Z0-9_]+$/;
/** Profile names that give a ticket file name the shell can build without escaping. */
export const TICKET_PROFILE = /^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,127}$/;

export interface Ticket {
  minTtl: number;
  overlay: boolean;
  configPath: string;
  credentialsPath: string;
  region?: string;
  changes: EnvironmentChanges;
}

export function serializeTicket(ticket: Ticket): string | null {
  const paths = [ticket.configPath, ticket.credentialsPath, ticket.region ?? ''];
  if (paths.some((p) => p.includes('\n'))) return null;
  const names = [...ticket.changes.unset, ...Object.keys(ticket.changes.set)];
  if (!names.every((name) => TICKET_NAME.test(name))) return null;
  const lines = [TICKET_HEADER, `min_ttl ${ticket.minTtl}`, `overlay ${ticket.overlay ? 1 : 0}`, `config ${ticket.configPath}`, `credentials ${ticket.credentialsPath}`];
  if (ticket.region) lines.push(`region ${ticket.region}`);
  for (const name of ticket.changes.unset) lines.push(`unset ${name}`);
  for (const [name, value] of Object.entries(ticket.changes.set)) {
    const valueLines = value.split('\n');
    lines.push(`set ${name} ${valueLines.length}`, ...valueLines);
  }
  lines.push('end');
  return `${lines.join('\n')}\n`;
}

/** Parses a ticket; anything unexpected makes it invalid (null), never an exception. */
export function parseTicket(text: string): Ticket | null {
  const lines = text.split('\n');
  if (lines[0] !== TICKET_HEADER || lines[lines.length - 1] !== '') return null;
  const ticket: Ticket = { minTtl: NaN, overlay: true, configPath: '', credentialsPath: '', changes: { set: {}, unset: [] } };
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    const space = line.indexOf(' ');
    const word = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    if (word === 'end') return i === lines.length - 2 && Number.isFinite(ticket.minTtl) && ticket.configPath && ticket.credentialsPath ? ticket : null;
    if (word === 'min_ttl' && /^\d+$/.test(rest)) ticket.minTtl = Number(rest);
    else if (word === 'overlay' && (rest === '0' || rest === '1')) ticket.overlay = rest === '1';
    else if (word === 'config') ticket.configPath = rest;
    else if (word === 'credentials') ticket.credentialsPath = rest;
    else if (word === 'region') ticket.region = rest;
    else if (word === 'unset' && TICKET_NAME.test(rest)) ticket.changes.unset.push(rest);
    else if (word === 'set') {
      const match = /^(\S+) (\d+)$/.exec(rest);
      if (!match || !TICKET_NAME.test(match[1] as string)) return null;
      const count = Number(match[2]);
      if (count < 1 || i + count >= lines.length - 1) return null;
      ticket.changes.set[match[1] as string] = lines.slice(i + 1, i + 1 + count).join('\n');
      i += count;
    } else return null;
  }
  return null;
}
