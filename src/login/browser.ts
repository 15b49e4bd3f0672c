import type { Settings } from '../environment/settings.ts';
import { applyChanges } from '../environment/changes.ts';
import { UserError } from '../errors.ts';

/** The program that opens a URL: `$BROWSER` (its first entry), else `open` on macOS, `xdg-open` elsewhere. */
export function browserCommand(settings: Settings, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = settings.browser
    ?.split(':')
    .map((s) => s.trim())
    .find(Boolean);
  if (fromEnv) return fromEnv;
  return platform === 'darwin' ? 'open' : 'xdg-open';
}

/**
 * Starts the browser on `url`, detached, and returns once it has started (not when it exits). The URL is a
 * credential: it goes only to the program's arguments, never into a message.
 */
export async function openInBrowser(url: string, settings: Settings): Promise<string> {
  const command = browserCommand(settings);
  const { execa } = await import('execa');
  const child = execa(command, [url], {
    detached: true,
    stdio: 'ignore',
    env: applyChanges(settings.environment),
    extendEnv: false,
    reject: false,
    cleanup: false,
  });
  child.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT'
          ? `${command} was not found`
          : `${command} could not be started (${error.code ?? 'error'})`;
      reject(
        new UserError(
          `cannot open a browser: ${why}: set BROWSER to your browser's command, or run with --stdout and open ` +
            `the URL yourself`,
        ),
      );
    });
  });
  child.unref();
  return command;
}
