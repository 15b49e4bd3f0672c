import { kdialog } from './kdialog.ts';
import { osascript } from './osascript.ts';
import { powershell } from './powershell.ts';
import { terminal } from './terminal.ts';
import { ykman } from './ykman.ts';
import { zenity } from './zenity.ts';

/**
 * Every prompt driver, one line each (aws-vault's prompt/prompt.go registers its drivers the same way): the names
 * `--prompt`, TFMFA_PROMPT and `mfa_prompt` accept, `--prompt`'s help and completion, doctor's words and the
 * desktop dialogs a run without a terminal falls back to (in this order per platform) all derive from it.
 */
export const PROMPT_DRIVER_TABLE = [terminal, zenity, kdialog, osascript, powershell, ykman] as const;

export type PromptDriver = (typeof PROMPT_DRIVER_TABLE)[number]['name'];

export const PROMPT_DRIVERS: readonly PromptDriver[] = PROMPT_DRIVER_TABLE.map((driver) => driver.name);

export function promptDriver(name: PromptDriver): (typeof PROMPT_DRIVER_TABLE)[number] {
  return PROMPT_DRIVER_TABLE.find((driver) => driver.name === name) as (typeof PROMPT_DRIVER_TABLE)[number];
}
