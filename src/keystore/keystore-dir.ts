import { UserError } from '../errors.ts';
import { ensurePrivateDir } from '../store/private-path.ts';

/** The key store directory, created 0700 (and refused when open to others or not the user's own). */
export function ensureKeystoreDir(dir: string): void {
  try {
    ensurePrivateDir(dir);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // private-dir.ts speaks of the cache; say which directory this is and drop the cache's remedy.
    const reason = error.message.replace(/;? ?(?:or )?set TFMFA_CACHE_DIR.*$/, '').replace(/^cache (?:directory|path) \S+ /, '');
    throw new UserError(`key store directory ${dir}: ${reason}`, 2);
  }
}
