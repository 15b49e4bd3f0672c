import { dialogSource, type DialogProgram } from '../dialog.ts';
import type { MfaCodeSource, PromptContext } from '../types.ts';

/** KDE's kdialog: `kdialog --title TITLE --password TEXT` (kdialog has no timeout of its own: ours applies). */
export const KDIALOG: DialogProgram = {
  driver: 'kdialog',
  program: 'kdialog',
  install: 'install it (Debian/Ubuntu: apt install kdialog) or choose another MFA prompt (TFMFA_PROMPT)',
  args: (title, text) => ['--title', title, '--password', text],
  cancelled: (exitCode) => exitCode === 1,
};

export function kdialogSource(context: PromptContext): MfaCodeSource {
  return dialogSource(KDIALOG, context);
}
