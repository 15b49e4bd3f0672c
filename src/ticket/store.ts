import { closeSync, lstatSync, openSync, readFileSync, renameSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { debug } from '../debug.ts';
import { removeFile, writeFileAtomic } from '../session/atomic-write.ts';
import { ensurePrivateDir } from '../session/private-dir.ts';
import { parseTicket, serializeTicket, TICKET_PROFILE, type Ticket } from './format.ts';

export function ticketsDir(cacheDir: string): string {
  return join(cacheDir, 'tickets');
}

function ticketPaths(cacheDir: string, profile: string) {
  const base = join(ticketsDir(cacheDir), profile);
  return { ticket: `${base}.ticket`, deadline: `${base}.deadline` };
}

/**
 * Writes a profile's ticket (content, then its deadline stamp, each atomically): valid until
 * `expiration - minTtl`. Profiles whose names the shell could not turn into a file name get none.
 */
export function writeTicket(cacheDir: string, profile: string, ticket: Ticket, expiration: Date | undefined): void {
  if (!TICKET_PROFILE.test(profile) || !expiration) return;
  const text = serializeTicket(ticket);
  if (!text) return;
  try {
    ensurePrivateDir(ticketsDir(cacheDir));
    const paths = ticketPaths(cacheDir, profile);
    writeFileAtomic(paths.ticket, text);
    const deadline = (expiration.getTime() - ticket.minTtl * 1000) / 1000;
    const temp = `${paths.deadline}.${process.pid}.tmp`;
    closeSync(openSync(temp, 'w', 0o600));
    utimesSync(temp, deadline, deadline);
    renameSync(temp, paths.deadline);
  } catch (error) {
    debug(`no ticket written for '${profile}': ${(error as Error).message}`);
  }
}

export function removeTicket(cacheDir: string, profile: string): void {
  const paths = ticketPaths(cacheDir, profile);
  removeFile(paths.ticket);
  removeFile(paths.deadline);
}

function privateToMe(path: string, kind: 'file' | 'dir'): boolean {
  const stat = lstatSync(path);
  const uid = process.getuid?.();
  const typeOk = kind === 'file' ? stat.isFile() : stat.isDirectory();
  return typeOk && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
}

/**
 * The profile's ticket if it is still good: owned by this user and private, its deadline not passed, written
 * for the same TFMFA_MIN_TTL, overlay setting and AWS file paths, and newer than both files. Otherwise null.
 */
export function readTicket(cacheDir: string, profile: string, expect: { minTtl: number; overlay: boolean; configPath: string; credentialsPath: string }): Ticket | null {
  if (!TICKET_PROFILE.test(profile)) return null;
  const paths = ticketPaths(cacheDir, profile);
  try {
    if (!privateToMe(cacheDir, 'dir') || !privateToMe(ticketsDir(cacheDir), 'dir') || !privateToMe(paths.ticket, 'file')) return null;
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
