import { existsSync, lstatSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeFile } from './atomic-write.ts';
import { checkPrivate } from './private-path.ts';
import { cacheFileName, SessionCache } from './session-cache.ts';
import { clockPath, FILE_NAMES, overlayRoot, ticketsDir } from './layout.ts';
import { removeTicket } from './ticket-write.ts';

/**
 * Removal of what tfmfa caches: session entries, tickets and the config overlay. Only file names tfmfa itself
 * writes are removed, and only inside real (not symlinked) directories: a TFMFA_CACHE_DIR pointed somewhere
 * unexpected loses nothing else. Long-term keys are never in the cache, and the user's files are never opened.
 */

function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * False when there is no cache directory. Refuses (one line, exit 1) a path that is a symlink or not a directory,
 * or a directory owned by someone else: tfmfa never wrote there. An open mode is no reason to keep secrets around.
 */
export function ownCacheDir(cacheDir: string): boolean {
  return checkPrivate(cacheDir, 'dir', { allowOpenMode: true });
}

function namesIn(dir: string): string[] {
  if (!isRealDirectory(dir)) return [];
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface ClearedAll {
  /** Labels of the session entries removed. */
  sessions: string[];
  /** Session files removed that could not be read (corrupt, foreign, leftovers of a crash). */
  otherSessionFiles: number;
  /** Profiles whose ticket was removed. */
  tickets: string[];
  /** Overlay directories removed (their source files are gone). */
  overlays: number;
  /** Overlay directories kept: a command running in a session may be reading them (they hold no secret). */
  keptOverlays: number;
}

/**
 * Whether an overlay may be in use. Without a daemon tfmfa cannot know which children still run, so an overlay
 * counts as in use while a file it was made from still exists (a child started from it may look a profile up at
 * any time; it holds no secret, and it is regenerated when those files change). An overlay whose sources are
 * gone, or whose stamp is unreadable or of an older format, is removed.
 */
function overlayInUse(dir: string): boolean {
  try {
    const { stamp } = JSON.parse(readFileSync(join(dir, 'source.json'), 'utf8')) as { stamp: string };
    const { config, credentials } = JSON.parse(stamp) as {
      config?: { path?: unknown };
      credentials?: { path?: unknown };
    };
    return [config?.path, credentials?.path].some((path) => typeof path === 'string' && existsSync(path));
  } catch {
    return false;
  }
}

/** Removes every session entry, every ticket and the config overlays no running command can be using. */
export function clearEverything(cacheDir: string): ClearedAll {
  const result: ClearedAll = { sessions: [], otherSessionFiles: 0, tickets: [], overlays: 0, keptOverlays: 0 };
  if (!ownCacheDir(cacheDir)) return result;
  const cache = new SessionCache(cacheDir);
  const labels = new Map(cache.list().map((entry) => [cacheFileName(entry.key), entry.label]));
  for (const name of namesIn(cache.sessionsDir)) {
    if (!FILE_NAMES.session.test(name) || !removeFile(join(cache.sessionsDir, name))) continue;
    const label = labels.get(name);
    if (label !== undefined) result.sessions.push(label);
    else result.otherSessionFiles++;
  }
  const tickets = new Set<string>();
  const ticketDir = ticketsDir(cacheDir);
  for (const name of namesIn(ticketDir)) {
    const match = FILE_NAMES.ticket.exec(name);
    if (match && removeFile(join(ticketDir, name)) && !match[3]) tickets.add(match[1] as string);
  }
  result.tickets = [...tickets].sort();
  removeFile(clockPath(cacheDir)); // the launcher's clock: Node makes it again with the next ticket
  const overlays = overlayRoot(cacheDir);
  for (const id of namesIn(overlays)) {
    const dir = join(overlays, id);
    if (!FILE_NAMES.overlayDir.test(id) || !isRealDirectory(dir)) continue;
    if (overlayInUse(dir)) {
      result.keptOverlays++;
      continue;
    }
    for (const name of namesIn(dir)) if (FILE_NAMES.overlayFile.test(name)) removeFile(join(dir, name));
    if (removeDir(dir)) result.overlays++;
  }
  removeDir(overlays);
  return result;
}

function removeDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false; // not empty (something that is not ours) or already gone
  }
}

/** Removes the entries under these cache keys; returns those that were there (keys and labels, no secrets). */
export function clearKeys(
  cacheDir: string,
  keys: Iterable<string>,
): Array<{ key: string; kind: 'session' | 'role'; label: string }> {
  if (!ownCacheDir(cacheDir)) return [];
  const cache = new SessionCache(cacheDir);
  if (!isRealDirectory(cache.sessionsDir)) return [];
  const removed: Array<{ key: string; kind: 'session' | 'role'; label: string }> = [];
  for (const key of keys) {
    const entry = cache.read(key);
    if (cache.remove(key) && entry) removed.push({ key, kind: entry.kind, label: entry.label });
  }
  return removed;
}

/** Removes a profile's ticket; true when there was one. */
export function clearTicket(cacheDir: string, profile: string): boolean {
  const dir = ticketsDir(cacheDir);
  if (!isRealDirectory(cacheDir) || !isRealDirectory(dir)) return false;
  const had = namesIn(dir).some((name) => name === `${profile}.ticket` || name === `${profile}.deadline`);
  if (had) removeTicket(cacheDir, profile);
  return had;
}
