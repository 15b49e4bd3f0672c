import type { MfaChoice, PromptSurroundings } from './choice.ts';
import { promptDriver } from './drivers/index.ts';
import type { MfaRequest } from './types.ts';

function title(source: Exclude<MfaChoice['source'], 'none'>): string {
  if (source === 'flag') return 'the --mfa-token option';
  if (source === 'mfa_process') return 'the mfa_process command';
  return promptDriver(source).title;
}

function phrase(choice: MfaChoice): string {
  return choice.source === 'none'
    ? `nothing in this mode (${choice.reason}): ${choice.remedies}`
    : `${title(choice.source)} (${choice.why})`;
}

/**
 * `doctor`'s line: what a run would use now and why; when that is the terminal, also what a run without one
 * (an IDE task, a shim under a GUI) would use, since that is where prompts go missing.
 */
export function describeChoice(
  request: MfaRequest,
  around: PromptSurroundings,
  decide: (request: MfaRequest, around: PromptSurroundings) => MfaChoice,
): string {
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
