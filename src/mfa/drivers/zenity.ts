import { dialogSource, type DialogProgram } from '../dialog.ts';
import { defineDriver } from './driver.ts';

/**
 * GNOME's zenity: `zenity --entry --hide-text`, the same masked entry as `zenity --password` but with a text of
 * our own (`--password` has none), so the dialog can name the MFA device.
 */
export const ZENITY: DialogProgram = {
  driver: 'zenity',
  program: 'zenity',
  install: 'install it (Debian/Ubuntu: apt install zenity) or choose another MFA prompt (TFMFA_PROMPT)',
  args: (title, text, timeoutSeconds) => [
    '--entry',
    '--hide-text',
    '--title',
    title,
    '--text',
    text,
    '--timeout',
    String(timeoutSeconds),
  ],
  // 1: Cancel, Escape or the window closed; 5: zenity's own --timeout.
  cancelled: (exitCode) => exitCode === 1,
  timedOut: (exitCode) => exitCode === 5,
};

export const zenity = defineDriver({
  name: 'zenity',
  title: 'a zenity dialog',
  desktop: { platform: 'unix', program: 'zenity' },
  source: (context) => dialogSource(ZENITY, context),
});
