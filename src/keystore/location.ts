import { type Settings } from '../environment/settings.ts';
/**
 * tfmfa's config directory, `$XDG_CONFIG_HOME/tfmfa`, else `~/.config/tfmfa`: where the key store lives (the
 * vault, the non-secret key index, settings.json) and the record of where shims were installed. On the shim's
 * hot path (chain resolution reads the index): nothing heavy.
 */

import { join } from 'node:path';

export function configDirectory(settings: Settings): string {
  if (settings.xdgConfigHome) return join(settings.xdgConfigHome, 'tfmfa');
  return join(settings.home, '.config', 'tfmfa');
}

/** The non-secret index (profile → backend, access key id) that chain resolution reads. */
export function keyIndexPath(settings: Settings): string {
  return join(configDirectory(settings), 'keys.json');
}
