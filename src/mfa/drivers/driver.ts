import type { Settings } from '../../environment/settings.ts';
import type { MfaCodeSource, PromptContext } from '../types.ts';

/**
 * One prompt driver, in its own file: its name (what `--prompt`, TFMFA_PROMPT and `mfa_prompt` take), how doctor
 * names it, where it is the desktop dialog a run without a terminal falls back to, and how it asks. The list of
 * drivers is ./index.ts: adding one is its file and its line there.
 */
export interface PromptDriverDefinition<N extends string = string> {
  readonly name: N;
  /** doctor's words for it: "a zenity dialog". */
  readonly title: string;
  /** Where it is the desktop dialog of a run without a terminal, when `program` is installed. */
  readonly desktop?: {
    /** 'unix': Linux and the BSDs, in a graphical session (DISPLAY or WAYLAND_DISPLAY). */
    readonly platform: 'darwin' | 'win32' | 'unix';
    readonly program: string;
    /** Why it was chosen, for TFMFA_DEBUG and doctor (unix: the session and the program are added). */
    readonly why?: string;
    /** Ahead of the other dialogs of its platform in this desktop session (kdialog under KDE). */
    readonly preferredIn?: (settings: Settings) => boolean;
  };
  source(context: PromptContext): MfaCodeSource;
}

/** A driver's definition, with its name kept as a literal (the list of names is derived from the definitions). */
export function defineDriver<const N extends string>(definition: PromptDriverDefinition<N>): PromptDriverDefinition<N> {
  return definition;
}
