// A virtual X display for tests of real desktop dialogs (Debian's xvfb, zenity, xdotool).
//
//   const x = await startXvfb();          // null (with x.reason) when a program is missing
//   await x.waitForWindow('title');       // polls xdotool search --onlyvisible --name
//   await x.xdotool(['key', 'Escape']);
//   await x.stop();
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

export interface Xvfb {
  display: string;
  /** Runs xdotool against this display. */
  xdotool(args: string[], timeoutMs?: number): Promise<string>;
  /**
   * Resolves with the id of a visible window whose name matches, of a process not in `exceptPids` (X reuses
   * window ids between clients, so a new dialog can have the id of the one before: tell them apart by pid).
   */
  waitForWindow(name: string, options?: { exceptPids?: string[]; timeoutMs?: number }): Promise<string>;
  /** The pid of the client that owns a window (_NET_WM_PID). */
  windowPid(window: string): Promise<string>;
  /** Resolves when no visible window's name matches. */
  waitForNoWindow(name: string, timeoutMs?: number): Promise<void>;
  /** Ids of the windows whose name matches now (visible ones). */
  windows(name: string): Promise<string[]>;
  /** Focuses the window and types `text` into it, then Return. */
  answer(window: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

export function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The programs a dialog test needs that are not installed ('' when all are). */
export function missingDialogPrograms(programs: string[] = ['Xvfb', 'zenity', 'xdotool', 'setsid']): string {
  const missing = programs.filter((program) => !onPath(program));
  return missing.length ? `not installed: ${missing.join(', ')} (apt install xvfb zenity xdotool)` : '';
}

/** The first display number from 90 up with neither a lock file nor a socket. */
function freeDisplay(): number {
  for (let n = 90; n < 190; n++) {
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  }
  throw new Error('no free X display number between 90 and 189');
}

export async function startXvfb(): Promise<Xvfb> {
  let server: ChildProcess | undefined;
  let display = '';
  for (let tries = 0; tries < 5 && !display; tries++) {
    const n = freeDisplay();
    const candidate = spawn('Xvfb', [`:${n}`, '-nolisten', 'tcp', '-screen', '0', '1024x768x24'], { stdio: 'ignore' });
    const started = Date.now();
    while (Date.now() - started < 10_000 && candidate.exitCode === null && !existsSync(`/tmp/.X11-unix/X${n}`)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (candidate.exitCode === null && existsSync(`/tmp/.X11-unix/X${n}`)) {
      server = candidate;
      display = `:${n}`;
    } else {
      candidate.kill('SIGKILL'); // lost a race for the number to another test: try the next one
    }
  }
  if (!server) throw new Error('Xvfb did not start');
  const env = { ...process.env, DISPLAY: display };
  const xdotool = async (args: string[], timeoutMs = 30_000) => {
    const result = await execa('xdotool', args, { env, timeout: timeoutMs, reject: false });
    if (result.exitCode !== 0 && !(args[0] === 'search' && result.exitCode === 1)) {
      throw new Error(`xdotool ${args.join(' ')} failed: ${String(result.stderr)}`);
    }
    return String(result.stdout).trim();
  };
  const xvfb: Xvfb = {
    display,
    xdotool,
    windowPid: (window) => xdotool(['getwindowpid', window]),
    async waitForWindow(name, { exceptPids = [], timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const id of await xvfb.windows(name)) {
          const pid = await xdotool(['getwindowpid', id]).catch(() => '');
          if (pid && !exceptPids.includes(pid)) return id;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no new window named '${name}' within ${timeoutMs} ms`);
    },
    async waitForNoWindow(name, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await xvfb.windows(name)).length > 0) {
        if (Date.now() > deadline) throw new Error(`a window named '${name}' is still open after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async windows(name) {
      const found = await xdotool(['search', '--onlyvisible', '--name', name]);
      return found ? found.split('\n') : [];
    },
    async answer(window, text) {
      await xdotool(['windowfocus', '--sync', window]);
      await xdotool(['type', '--delay', '20', text]);
      await xdotool(['key', 'Return']);
    },
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    },
  };
  return xvfb;
}
