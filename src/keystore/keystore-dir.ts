import { ensurePrivateDir } from '../store/private-path.ts';

/**
 * The key store directory, created 0700 (and refused, by the private-path rule, when open to others or not the
 * user's own).
 */
export function ensureKeystoreDir(dir: string): void {
  ensurePrivateDir(dir, { name: 'key store' });
}
