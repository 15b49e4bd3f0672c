import type { EnvironmentChanges } from '../environment/changes.ts';
import type { FileStamp } from './file-stamp.ts';

/**
 * A ticket: what a shim needs to launch a tool for a profile without Node, as plain line-based data that a
 * POSIX shell can read with `read -r` alone (no eval, no source):
 *
 *   tfmfa-ticket 2
 *   profile prod                 the profile it is for (on a case-insensitive disk Prod and prod share the file)
 *   deadline 1790000000          Unix time after which it is not used (the session's expiry minus min_ttl)
 *   min_ttl 300                  TFMFA_MIN_TTL it was written for
 *   overlay 1                    whether the config overlay was on (TFMFA_OVERLAY)
 *   config /home/u/.aws/config   the real path of each AWS file it was made from ("-": there was none)
 *   config_id 2049:1311:2048:1790000000123456789      its device:inode:size:mtime (ns) ("-": none)
 *   credentials /home/u/.aws/credentials
 *   credentials_id 2049:1312:116:1789990000000000000
 *   region us-west-2             the profile's region (applied by the region rule)
 *   unset AWS_PROFILE
 *   set AWS_ACCESS_KEY_ID 1      NAME and the number of lines of the value that follow
 *   ASIA...
 *   end
 *
 * Every number is plain decimal (no sign, no leading zero, bounded length), read the same way by Node and by
 * the launcher. Beside it, `<profile>.deadline` is an empty stamp whose mtime says until when the launcher may
 * use the ticket without Node (see LAUNCHER_TRUST_SECONDS), so that the shell can compare times with `-nt`.
 */
export const TICKET_HEADER = 'tfmfa-ticket 2';
/** Only these can be set or unset by a ticket: a ticket can never set PATH, LD_PRELOAD and the like. */
export const TICKET_NAME = /^(AWS|TFMFA)_[A-Z0-9_]+$/;
/** Profile names that give a ticket file name the shell can build without escaping. */
export const TICKET_PROFILE = /^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,127}$/;
/**
 * The launcher cannot read file modes without running a command, so it trusts the private-path rule only as
 * Node last checked it: the `.deadline` stamp Node sets after checking the cache, the tickets directory and the
 * ticket is at most this far ahead; after that the launcher hands over to Node, which checks again (and renews
 * the stamp, or explains what is wrong). A chmod that opens the cache is noticed within this time.
 */
export const LAUNCHER_TRUST_SECONDS = 60;
/**
 * A ticket's deadline keeps the static-keys margin (STATIC_KEYS_FLOOR_SECONDS, src/session/margin.ts: written by
 * src/launch/session-environment.ts); credential_process hands out credentials with SERVER_FLOOR_SECONDS left,
 * at most this much more (required = max(min_ttl, min(floor, lifetime - 60)) grows by at most the floors'
 * difference). So tfmfa-launcher serves credential_process only until `<profile>.serve`, a stamp this much
 * before the deadline: never a credential Node's credential-process would renew, at worst a minute of Node.
 */
export const SERVE_EXTRA_SECONDS = 60;
/** The longest number each field may hold, in digits (the launcher's patterns say the same). */
export const DIGITS = { count: 6, minTtl: 9, deadline: 12, id: 20 } as const;

export interface Ticket {
  profile: string;
  /** Unix seconds. */
  deadline: number;
  minTtl: number;
  overlay: boolean;
  config: FileStamp | null;
  credentials: FileStamp | null;
  region?: string;
  changes: EnvironmentChanges;
}

/** A plain decimal of at most `digits` digits: "0", or no leading zero. */
export function parseDecimal(text: string, digits: number): number | null {
  return text.length <= digits && /^(0|[1-9][0-9]*)$/.test(text) ? Number(text) : null;
}

const ID = new RegExp(`^(0|[1-9][0-9]{0,${DIGITS.id - 1}})(:(0|[1-9][0-9]{0,${DIGITS.id - 1}})){3}$`);

export function serializeTicket(ticket: Ticket): string | null {
  const texts = [ticket.profile, ticket.config?.real ?? '', ticket.credentials?.real ?? '', ticket.region ?? ''];
  if (texts.some((text) => text.includes('\n')) || !TICKET_PROFILE.test(ticket.profile)) return null;
  const names = [...ticket.changes.unset, ...Object.keys(ticket.changes.set)];
  if (!names.every((name) => TICKET_NAME.test(name))) return null;
  const lines = [
    TICKET_HEADER,
    `profile ${ticket.profile}`,
    `deadline ${ticket.deadline}`,
    `min_ttl ${ticket.minTtl}`,
    `overlay ${ticket.overlay ? 1 : 0}`,
  ];
  for (const [word, stamp] of [
    ['config', ticket.config],
    ['credentials', ticket.credentials],
  ] as const)
    lines.push(`${word} ${stamp?.real ?? '-'}`, `${word}_id ${stamp?.id ?? '-'}`);
  if (ticket.region) lines.push(`region ${ticket.region}`);
  for (const name of ticket.changes.unset) lines.push(`unset ${name}`);
  for (const [name, value] of Object.entries(ticket.changes.set)) {
    const valueLines = value.split('\n');
    lines.push(`set ${name} ${valueLines.length}`, ...valueLines);
  }
  lines.push('end');
  return `${lines.join('\n')}\n`;
}

/** A file's two lines as read: both "-" (no file), or an absolute path and an id. */
function stampOf(real: string | undefined, id: string | undefined): FileStamp | null | undefined {
  if (real === '-' && id === '-') return null;
  if (real?.startsWith('/') && id !== undefined && ID.test(id)) return { real, id };
  return undefined;
}

/** Parses a ticket; anything unexpected makes it invalid (null), never an exception. */
export function parseTicket(text: string): Ticket | null {
  const lines = text.split('\n');
  if (lines[0] !== TICKET_HEADER || lines[lines.length - 1] !== '') return null;
  const fields: Record<string, string> = {};
  const changes: EnvironmentChanges = { set: {}, unset: [] };
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    const space = line.indexOf(' ');
    const word = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    if (word === 'end') return i === lines.length - 2 ? ticketOf(fields, changes) : null;
    if (
      [
        'profile',
        'deadline',
        'min_ttl',
        'overlay',
        'config',
        'config_id',
        'credentials',
        'credentials_id',
        'region',
      ].includes(word)
    )
      fields[word] = rest;
    else if (word === 'unset' && TICKET_NAME.test(rest)) changes.unset.push(rest);
    else if (word === 'set') {
      const match = /^(\S+) (\S+)$/.exec(rest);
      if (!match || !TICKET_NAME.test(match[1] as string)) return null;
      const count = parseDecimal(match[2] as string, DIGITS.count);
      if (count === null || count < 1 || i + count >= lines.length - 1) return null;
      changes.set[match[1] as string] = lines.slice(i + 1, i + 1 + count).join('\n');
      i += count;
    } else return null;
  }
  return null;
}

function ticketOf(fields: Record<string, string>, changes: EnvironmentChanges): Ticket | null {
  const deadline = parseDecimal(fields.deadline ?? '', DIGITS.deadline);
  const minTtl = parseDecimal(fields.min_ttl ?? '', DIGITS.minTtl);
  const overlay = fields.overlay ?? '1';
  const config = stampOf(fields.config, fields.config_id);
  const credentials = stampOf(fields.credentials, fields.credentials_id);
  const profile = fields.profile ?? '';
  if (
    deadline === null ||
    minTtl === null ||
    (overlay !== '0' && overlay !== '1') ||
    config === undefined ||
    credentials === undefined ||
    !TICKET_PROFILE.test(profile)
  )
    return null;
  return {
    profile,
    deadline,
    minTtl,
    overlay: overlay === '1',
    config,
    credentials,
    ...(fields.region !== undefined ? { region: fields.region } : {}),
    changes,
  };
}
