import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { debug, warnOnce } from '../debug.ts';
import { removeFile, writeFileAtomic } from './atomic-write.ts';
import type { AwsCredentials } from '../credentials.ts';
import { sessionsDir } from './layout.ts';
import { ensurePrivateDir } from './private-path.ts';

/** One cached temporary credential: an MFA session or an assumed role. Never long-term keys. */
export interface CacheEntry {
  version: 1;
  key: string;
  kind: 'session' | 'role';
  /** Human-readable, secret-free description for `tfmfa list`. */
  label: string;
  /** Profile whose resolution created the entry. */
  profile: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  createdAt: string;
}

export function entryCredentials(entry: CacheEntry): AwsCredentials {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: new Date(entry.expiration),
  };
}

export function cacheFileName(key: string): string {
  return `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`;
}

/** The session cache: `<dir>/sessions/<sha256(key)>.json`, 0600 files in 0700 directories, atomic writes. */
export class SessionCache {
  readonly dir: string;
  readonly sessionsDir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.sessionsDir = sessionsDir(dir);
  }

  /** Creates (or checks) the directories; throws a UserError for a directory others can use. */
  prepare(): this {
    ensurePrivateDir(this.dir);
    ensurePrivateDir(this.sessionsDir);
    return this;
  }

  /** A valid entry for `key`, or null when missing, corrupt, truncated or unreadable. */
  read(key: string): CacheEntry | null {
    const path = join(this.sessionsDir, cacheFileName(key));
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return null;
    }
    const entry = parseEntry(text);
    if (!entry || entry.key !== key) {
      debug(`cache entry ${path} is corrupt or foreign: treating it as a miss`);
      return null;
    }
    return entry;
  }

  /** Writes atomically. A read-only or full disk is warned about once and otherwise ignored: tfmfa works uncached. */
  write(entry: CacheEntry): boolean {
    const path = join(this.sessionsDir, cacheFileName(entry.key));
    try {
      writeFileAtomic(path, JSON.stringify(entry));
      return true;
    } catch (error) {
      warnOnce(
        'cache-unavailable',
        `cannot write the session cache (${(error as NodeJS.ErrnoException).code ?? (error as Error).message} ` +
          `in ${this.sessionsDir}): continuing without caching`,
      );
      return false;
    }
  }

  remove(key: string): boolean {
    return removeFile(join(this.sessionsDir, cacheFileName(key)));
  }

  /** Every readable entry (corrupt files are skipped). */
  list(): CacheEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.sessionsDir);
    } catch {
      return [];
    }
    const entries: CacheEntry[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const entry = parseEntry(readFileSync(join(this.sessionsDir, name), 'utf8'));
        if (entry) entries.push(entry);
      } catch {
        // unreadable: skipped
      }
    }
    return entries;
  }
}

function parseEntry(text: string): CacheEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Partial<CacheEntry>;
  const strings = [
    entry.key,
    entry.label,
    entry.profile,
    entry.accessKeyId,
    entry.secretAccessKey,
    entry.sessionToken,
    entry.expiration,
  ];
  if (entry.version !== 1 || (entry.kind !== 'session' && entry.kind !== 'role')) return null;
  if (!strings.every((s) => typeof s === 'string' && s.length > 0)) return null;
  if (Number.isNaN(Date.parse(entry.expiration as string))) return null;
  return entry as CacheEntry;
}
