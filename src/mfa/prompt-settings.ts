import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { variableName } from '../environment/variables.ts';
import { PROMPT_DRIVERS, type PromptDriver } from './drivers/index.ts';

/** `auto` (the default order) or a driver. */
export type PromptChoice = PromptDriver | 'auto';

/** Checks a driver name from `--prompt`, `TFMFA_PROMPT` or `mfa_prompt` (`origin` says which, for the error). */
export function checkPromptName(value: string, origin: string): PromptChoice {
  const name = value.trim().toLowerCase();
  if (name === 'auto' || (PROMPT_DRIVERS as readonly string[]).includes(name)) return name as PromptChoice;
  throw new UserError(`${origin}: unknown MFA prompt '${value}': use one of auto, ${PROMPT_DRIVERS.join(', ')}`, 2);
}

/** `TFMFA_PROMPT`: the driver every run uses unless `--prompt` says otherwise; undefined when unset. */
export function promptSetting(settings: Settings): PromptChoice | undefined {
  const value = settings.prompt?.trim();
  return value ? checkPromptName(value, variableName('prompt')) : undefined;
}

/** `TFMFA_PROMPT_TIMEOUT`: how long a prompt waits for an answer, in seconds (default 120; 5s..1h, `90`, `2m`). */
export function promptTimeoutSeconds(settings: Settings): number {
  return settings.promptTimeout;
}
