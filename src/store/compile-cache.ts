import { debug } from '../debug.ts';
import { setting, variableName } from '../environment/variables.ts';
import { ensurePrivateDir, replaceableAncestor, type PathRole } from './private-path.ts';

/**
 * Node's module compile cache for tfmfa's own bundle (README: Design → "Compile cache"). A cold start (no
 * cached session: the command table, the session code, the AWS SDK) compiles about 1.5 MB of JavaScript;
 * with the cache Node reads V8's code for each file instead, keyed by the file's contents and the exact Node
 * binary, so a new build or a new Node simply misses.
 *
 * The directory (TFMFA_COMPILE_CACHE; `0` turns it off) is not the session cache: nothing secret goes there,
 * `tfmfa clear` leaves it alone, and deleting it only costs one slower start. V8 trusts what it deserializes,
 * so it must be the user's own: it is held to the private-path rule (a real directory, ours, mode 0700), no
 * directory above it may be another user's or open to others (replaceableAncestor), and when either fails
 * (or it cannot be created) tfmfa runs without it. Node writes the cache when the process exits
 * or replaces itself with the command (execve); only files it compiled afresh are written.
 *
 * Called before the first lazily loaded module, so that module and everything after it use the cache.
 * On the shim's hot path: builtins come through process.getBuiltinModule.
 */
const ROLE: PathRole = { name: 'compile cache', elsewhere: `set ${variableName('compileCache')} (0: off)` };

export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const directory = setting(env, 'compileCache');
  const { enableCompileCache: enable, constants } = process.getBuiltinModule('node:module');
  // Node < 22.1 has no compile cache (tfmfa then only says that it needs a newer Node, see node-support.ts).
  if (directory === null || typeof enable !== 'function') return;
  // Node opens the cache's files later, whenever it compiles: a parent someone else controls could swap the
  // checked directory for theirs in between (tfmfa run as root with another user's HOME, say).
  const replaceable = replaceableAncestor(directory);
  if (replaceable !== undefined) {
    debug(`compile cache off: ${replaceable}, above ${directory}, is not yours or root's alone (another user could swap the directory): set ${variableName('compileCache')} to a directory of your own`);
    return;
  }
  try {
    ensurePrivateDir(directory, ROLE);
  } catch (error) {
    debug(`compile cache off: ${(error as Error).message}`);
    return;
  }
  const result = enable(directory);
  if (result.status === constants.compileCacheStatus.FAILED) debug(`compile cache off: ${result.message ?? 'Node could not enable it'}`);
}
