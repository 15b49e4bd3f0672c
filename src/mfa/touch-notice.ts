import type { Settings } from '../environment/settings.ts';
import { spawn } from 'node:child_process';
import { openSync, writeSync, closeSync } from 'node:fs';
import { applyChanges } from '../environment/changes.ts';
import { findProgram } from './program.ts';

/** Where a "touch your key" notice can reach the user now. */
export type NoticeChannel = 'terminal' | 'notification' | 'stderr';

export function noticeChannel(settings: Settings, terminal: boolean): NoticeChannel {
  if (terminal) return 'terminal';
  const graphical = Boolean(settings.display || settings.waylandDisplay) || process.platform === 'darwin';
  if (
    graphical &&
    (findProgram('notify-send', settings) || (process.platform === 'darwin' && findProgram('osascript', settings)))
  )
    return 'notification';
  return 'stderr';
}

/**
 * Tells the user to touch the key where they will see it: on the controlling terminal if there is one, else
 * as a desktop notification (notify-send; osascript on macOS), else on stderr.
 */
export function showTouchNotice(message: string, channel: NoticeChannel, settings: Settings): void {
  if (channel === 'terminal') {
    try {
      const fd = openSync('/dev/tty', 'w');
      writeSync(fd, `${message}\n`);
      closeSync(fd);
      return;
    } catch {
      // fall through to stderr
    }
  }
  if (channel === 'notification') {
    const notifier = findProgram('notify-send', settings);
    const [file, args] = notifier
      ? [notifier, ['--app-name', 'tfmfa', '--expire-time', '15000', 'tfmfa', message]]
      : [
          'osascript',
          [
            '-e',
            'on run argv',
            '-e',
            'display notification (item 1 of argv) with title "tfmfa"',
            '-e',
            'end run',
            message,
          ],
        ];
    const child = spawn(file, args, { env: applyChanges(settings.environment), stdio: 'ignore', detached: false });
    child.on('error', () => toStderr(message));
    child.unref();
    return;
  }
  toStderr(message);
}

function toStderr(message: string): void {
  process.stderr.write(`tfmfa: ${message}\n`);
}
