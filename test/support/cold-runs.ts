import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERIAL, type Sandbox } from './sandbox.ts';

/**
 * Runs that each start from an empty cache of their own, with stand-in programs (`bin`) first on PATH: for the
 * prompt-driver tests, where every run must ask for a code. `world()` is read at each call (set in before()).
 */
export function coldRuns(world: () => { box: Sandbox; bin: string }) {
  let round = 0;
  return {
    coldEnv(extra: Record<string, string> = {}) {
      const { box, bin } = world();
      const cacheDir = join(box.dir, `cache-${++round}`);
      return { cacheDir, env: { ...box.env, PATH: `${bin}:${box.env.PATH}`, TFMFA_CACHE_DIR: cacheDir, ...extra } };
    },
    /** How many session files a cache directory holds. */
    sessions(cacheDir: string): number {
      return existsSync(join(cacheDir, 'sessions')) ? readdirSync(join(cacheDir, 'sessions')).length : 0;
    },
    /** A TOTP code not used before (the emulator's clock moves one window on). */
    freshCode(): string {
      const { box } = world();
      box.emu.advance(30);
      return box.emu.currentCode(SERIAL);
    },
  };
}
