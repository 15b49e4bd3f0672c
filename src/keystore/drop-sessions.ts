import { ownCacheDir } from '../store/clear.ts';
import { SessionCache } from '../store/session-cache.ts';
import { removeTicket } from '../store/ticket-write.ts';

/**
 * Removes every cached session made from an access key (the MFA session and the roles assumed from it: their
 * cache keys all contain `keys:<id>`), and the tickets of the profiles they served. Returns their labels.
 */
export function dropSessionsOf(cacheDir: string, accessKeyId: string): string[] {
  if (!ownCacheDir(cacheDir)) return [];
  const cache = new SessionCache(cacheDir);
  const root = `keys:${accessKeyId}`;
  const dropped: string[] = [];
  const profiles = new Set<string>();
  for (const entry of cache.list()) {
    if (!entry.key.split('|').includes(root)) continue;
    if (cache.remove(entry.key)) dropped.push(entry.label);
    profiles.add(entry.profile);
  }
  for (const profile of profiles) removeTicket(cacheDir, profile);
  return dropped;
}
