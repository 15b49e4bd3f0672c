/**
 * Where the key store lives: `$XDG_CONFIG_HOME/tfmfa`, else `~/.config/tfmfa` (the vault, the non-secret key
 * index, settings.json). On the shim's hot path (chain resolution reads the index): builtins only.
 */
const { homedir } = process.getBuiltinModule('node:os');
const { join } = process.getBuiltinModule('node:path');

export function keystoreDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'tfmfa');
  return join(env.HOME || homedir(), '.config', 'tfmfa');
}

/** The non-secret index (profile → backend, access key id) that chain resolution reads. */
export function keyIndexPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(keystoreDirectory(env), 'keys.json');
}
