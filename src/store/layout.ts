/**
 * The cache layout, the one place that knows where tfmfa keeps what (README: "Cache and its protection"):
 *
 *   <cache>/sessions/<sha256(key)>.json     MFA sessions and role credentials
 *   <cache>/tickets/<profile>.ticket        what a shim needs to launch without Node (+ .deadline and .serve stamps)
 *   <cache>/overlay/<id>/config|credentials|source.json     the config overlay (+ source-config|source-credentials
 *                                           links to the user's files when their paths cannot stand in an INI line)
 *   <cache>/locks/salt                      the per-user salt of the lock names
 *   <cache>/locks/<sha256(key)>.cancelled   the last cancelled prompt under that lock (docs/prompt-cancel.md)
 *   <cache>/setpriv-probe.json              whether util-linux setpriv knows --pdeathsig (server/orphan-guard.ts)
 *
 * Also the names of the files tfmfa writes there (with the temp names of atomic writes), so that `clear`
 * removes exactly those.
 */
import { join } from 'node:path';

export const CACHE_SUBDIRECTORIES = ['sessions', 'tickets', 'overlay', 'locks'] as const;

export function sessionsDir(cacheDir: string): string {
  return join(cacheDir, 'sessions');
}

export function ticketsDir(cacheDir: string): string {
  return join(cacheDir, 'tickets');
}

export function ticketPaths(cacheDir: string, profile: string): { ticket: string; deadline: string; serve: string } {
  const base = join(ticketsDir(cacheDir), profile);
  return { ticket: `${base}.ticket`, deadline: `${base}.deadline`, serve: `${base}.serve` };
}

export function overlayRoot(cacheDir: string): string {
  return join(cacheDir, 'overlay');
}

/** One overlay directory per pair of user files (`id` is a hash of their identity). */
export function overlayPaths(
  cacheDir: string,
  id: string,
): {
  dir: string;
  configPath: string;
  credentialsPath: string;
  stampPath: string;
  configLink: string;
  credentialsLink: string;
} {
  const dir = join(overlayRoot(cacheDir), id);
  return {
    dir,
    configPath: join(dir, 'config'),
    credentialsPath: join(dir, 'credentials'),
    stampPath: join(dir, 'source.json'),
    configLink: join(dir, 'source-config'),
    credentialsLink: join(dir, 'source-credentials'),
  };
}

export function locksDir(cacheDir: string): string {
  return join(cacheDir, 'locks');
}

export function saltPath(cacheDir: string): string {
  return join(locksDir(cacheDir), 'salt');
}

/** The cancellation marker of the lock called `name` (store/cancel-marker.ts). */
export function cancelMarkerPath(cacheDir: string, name: string): string {
  return join(locksDir(cacheDir), `${name}.cancelled`);
}

/** What the last `setpriv --help` said, for the setpriv file it asked (server/orphan-guard.ts). */
export function setprivProbePath(cacheDir: string): string {
  return join(cacheDir, 'setpriv-probe.json');
}

/** A temp file of an atomic write: `<name>.<pid>.<n>.tmp`. */
const TEMP = String.raw`(\.\d+(\.[0-9a-f]+)?\.tmp)?`;

/** File names tfmfa writes, by directory; `clear` removes only these. */
export const FILE_NAMES = {
  session: new RegExp(String.raw`^[0-9a-f]{40}\.json${TEMP}$`),
  /** Group 1 is the profile; group 3 is set for a temp file. */
  ticket: new RegExp(String.raw`^(.+)\.(ticket|deadline|serve)${TEMP}$`),
  overlayDir: /^[0-9a-f]{16}$/,
  overlayFile: new RegExp(String.raw`^(config|credentials|source\.json|source-config|source-credentials)${TEMP}$`),
} as const;

/** The launcher's clock: an empty 0600 file it truncates to learn the time (Node creates it; see ticket-trust.ts). */
export function clockPath(cacheDir: string): string {
  return join(ticketsDir(cacheDir), '.clock');
}
