/**
 * A full garbage collection, at most once per RELIEF_INTERVAL_MS, for a server that is dropping connections (a
 * flood). Each connection Node accepts is a socket object, and at thousands per second V8 lets the garbage grow
 * by a hundred MB or more before it collects on its own (measured: docs/security-long-runs.md); collecting while
 * the flood lasts keeps the waiting parent's memory near its resting size. V8 only hands out `gc` to contexts made
 * after `--expose-gc` is set, hence the new context (the way Jest's leak detection does it). Nothing happens
 * until a flood does.
 */

export const RELIEF_INTERVAL_MS = 200;

let collect: (() => void) | null | undefined;
let last = 0;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    // Loaded on the first flood only: the waiting parent of an ordinary run never needs them.
    (process.getBuiltinModule('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
    const gc: unknown = (process.getBuiltinModule('node:vm') as typeof import('node:vm')).runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Collects now unless it did less than RELIEF_INTERVAL_MS ago (or cannot). */
export function relieveMemory(now = Date.now()): void {
  if (now - last < RELIEF_INTERVAL_MS) return;
  last = now;
  collector()?.();
}
