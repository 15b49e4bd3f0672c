import type { MfaChoice, PromptSurroundings } from './choose.ts';
import type { MfaRequest } from './types.ts';

const NAMES: Record<string, string> = {
  flag: 'the --mfa-token option',
  mfa_process: 'the mfa_process command',
  terminal: 'asked on the terminal',
  zenity: 'a zenity dialog',
  kdialog: 'a kdialog dialog',
  osascript: 'a macOS dialog (osascript)',
  powershell: 'a Windows credential dialog (PowerShell)',
  ykman: 'the YubiKey (ykman)',
};

function phrase(choice: MfaChoice): string {
  return choice.source === 'none' ? `nothing in this mode (${choice.reason}): ${choice.remedies}` : `${NAMES[choice.source]} (${choice.why})`;
}

/**
 * `doctor`'s line: what a run would use now and why; when that is the terminal, also what a run without one
 * (an IDE task, a shim under a GUI) would use, since that is where prompts go missing.
 */
export function describeChoice(request: MfaRequest, around: PromptSurroundings, decide: (request: MfaRequest, around: PromptSurroundings) => MfaChoice): string {
  let now: MfaChoice;
  try {
    now = decide(request, around);
  } catch (error) {
    return `misconfigured: ${(error as Error).message}`;
  }
  if (now.source !== 'terminal' || now.why !== 'this run has a terminal') return phrase(now);
  const without = decide({ ...request, shim: true }, { ...around, terminal: false });
  return `${phrase(now)}; without a terminal: ${phrase(without)}`;
}
