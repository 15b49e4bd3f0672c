import { parseTicket, TICKET_PROFILE, type Ticket } from './ticket-format.ts';
import { ticketPaths, ticketsDir } from './layout.ts';
import { isPrivate } from './private-path.ts';

// The shim's hot path: builtins through process.getBuiltinModule, which skips building the ESM namespace of
// node:fs (measured at ~6 ms of a ~70 ms start).
const { readFileSync, statSync } = process.getBuiltinModule('node:fs');

/**
 * The profile's ticket if it is still good: owned by this user and private, its deadline not passed, written
 * for the same TFMFA_MIN_TTL, overlay setting and AWS file paths, and newer than both files. Otherwise null.
 */
export function readTicket(cacheDir: string, profile: string, expect: { minTtl: number; overlay: boolean; configPath: string; credentialsPath: string }): Ticket | null {
  if (!TICKET_PROFILE.test(profile)) return null;
  const paths = ticketPaths(cacheDir, profile);
  try {
    if (!isPrivate(cacheDir, 'dir') || !isPrivate(ticketsDir(cacheDir), 'dir') || !isPrivate(paths.ticket, 'file')) return null;
    if (statSync(paths.deadline).mtimeMs <= Date.now()) return null;
    const written = statSync(paths.ticket, { bigint: true }).mtimeNs;
    const ticket = parseTicket(readFileSync(paths.ticket, 'utf8'));
    if (!ticket || ticket.minTtl !== expect.minTtl || ticket.overlay !== expect.overlay || ticket.configPath !== expect.configPath || ticket.credentialsPath !== expect.credentialsPath) return null;
    for (const file of [ticket.configPath, ticket.credentialsPath]) {
      const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
      if (stat && stat.mtimeNs > written) return null;
    }
    return ticket;
  } catch {
    return null;
  }
}
