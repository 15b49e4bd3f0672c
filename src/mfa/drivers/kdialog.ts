import { dialogSource, type DialogProgram } from '../dialog.ts';
import { defineDriver } from './driver.ts';

/** KDE's kdialog: `kdialog --title TITLE --password TEXT` (kdialog has no timeout of its own: ours applies). */
export const KDIALOG: DialogProgram = {
  driver: 'kdialog',
  program: 'kdialog',
  install: 'install it (Debian/Ubuntu: apt install kdialog) or choose another MFA prompt (TFMFA_PROMPT)',
  args: (title, text) => ['--title', title, '--password', text],
  cancelled: (exitCode) => exitCode === 1,
};

export const kdialog = defineDriver({
  name: 'kdialog',
  title: 'a kdialog dialog',
  desktop: {
    platform: 'unix',
    program: 'kdialog',
    preferredIn: (settings) => /kde/i.test(settings.xdgCurrentDesktop ?? ''),
  },
  source: (context) => dialogSource(KDIALOG, context),
});
