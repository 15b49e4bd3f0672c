import type { PromptDriver } from './drivers/index.ts';

/** What the machine offers right now (a parameter, so that tests and `doctor` can ask about other modes). */
export interface PromptSurroundings {
  terminal: boolean;
  platform: NodeJS.Platform;
  installed(program: string): boolean;
}

/** Where a run's MFA code would come from, and why; or why nothing can ask, with what would work. */
export type MfaChoice =
  | { source: 'flag' | 'mfa_process' | PromptDriver; why: string }
  | { source: 'none'; error: string; reason: string; remedies: string };
