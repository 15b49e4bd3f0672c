import { type Settings } from '../environment/settings.ts';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import type { MfaChoice, PromptSurroundings } from './choice.ts';
import { describeChoice } from './describe.ts';
import { PROMPT_DRIVER_TABLE, promptDriver, type PromptDriver } from './drivers/index.ts';
import { terminalAvailable } from './drivers/terminal.ts';
import { flagSource } from './flag.ts';
import { processSource } from './process.ts';
import { findProgram } from './program.ts';
import { checkPromptName, promptSetting, promptTimeoutSeconds, type PromptChoice } from './prompt-settings.ts';
import type { MfaCode, MfaCodeSource, MfaRequest, PromptContext } from './types.ts';

export type { MfaChoice, PromptSurroundings };

export function currentSurroundings(settings: Settings): PromptSurroundings {
  return {
    terminal: terminalAvailable(),
    platform: process.platform,
    installed: (program) => findProgram(program, settings) !== undefined,
  };
}

/**
 * Where the code comes from, in this order: `--mfa-token`; a prompt named by `--prompt`, else by
 * `TFMFA_PROMPT`; the profile's `mfa_process`; the profile's `mfa_prompt`; the terminal if there is one; a
 * desktop dialog if a graphical session is available; else an error naming what would work in this mode.
 */
export function decideMfaSource(request: MfaRequest, around: PromptSurroundings): MfaChoice {
  const settings = request.settings;
  if (request.mfaCode !== undefined) return { source: 'flag', why: '--mfa-token' };
  const named = namedPrompt(request, settings);
  if (named && named.choice !== 'auto') return explicit(named.choice, named.why, request, around, settings);
  if (request.mfaProcess) return { source: 'mfa_process', why: `mfa_process in profile '${request.profile}'` };
  if (!named && request.profilePrompt) {
    const choice = checkPromptName(request.profilePrompt, `mfa_prompt in profile '${request.profile}'`);
    if (choice !== 'auto')
      return explicit(choice, `mfa_prompt in profile '${request.profile}'`, request, around, settings);
  }
  if (around.terminal) return { source: 'terminal', why: 'this run has a terminal' };
  const dialog = desktopDialog(around, settings);
  if (dialog) return dialog;
  const reason = 'no terminal to ask on and no desktop dialog';
  const fixes = remedies(request, around, settings);
  return {
    source: 'none',
    reason,
    remedies: fixes,
    error:
      `an MFA code is needed for ${request.serial} (profile '${request.profile}') but there ` +
      `is ${reason}: ${fixes}`,
  };
}

/** The MFA code source for this run (see decideMfaSource). */
export function chooseMfaSource(request: MfaRequest, around?: PromptSurroundings): MfaCodeSource {
  const settings = request.settings;
  const surroundings = around ?? currentSurroundings(settings);
  const choice = decideMfaSource(request, surroundings);
  if (choice.source === 'none') throw new UserError(choice.error);
  debug(`MFA code: ${choice.source} (${choice.why})`);
  if (choice.source === 'flag') return flagSource(request.mfaCode as MfaCode);
  if (choice.source === 'mfa_process') return processSource(request.mfaProcess as string, request.profile, settings);
  const context: PromptContext = {
    serial: request.serial,
    profile: request.profile,
    settings,
    timeoutSeconds: promptTimeoutSeconds(settings),
    account: request.ykmanAccount ?? request.serial,
    terminal: surroundings.terminal,
  };
  return promptDriver(choice.source).source(context);
}

/** One line for `doctor`: the source a run would use now and why, and without a terminal if that differs. */
export function describeMfaChoice(request: MfaRequest, around?: PromptSurroundings): string {
  const surroundings = around ?? currentSurroundings(request.settings);
  return describeChoice(request, surroundings, decideMfaSource);
}

function namedPrompt(request: MfaRequest, settings: Settings): { choice: PromptChoice; why: string } | undefined {
  if (request.prompt) return { choice: checkPromptName(request.prompt, '--prompt'), why: '--prompt' };
  const setting = promptSetting(settings);
  return setting && setting !== 'auto' ? { choice: setting, why: 'TFMFA_PROMPT' } : undefined;
}

function explicit(
  driver: PromptDriver,
  why: string,
  request: MfaRequest,
  around: PromptSurroundings,
  settings: Settings,
): MfaChoice {
  if (driver === 'terminal' && !around.terminal) {
    const reason = `the MFA prompt 'terminal' (${why}) needs a terminal and this run has none`;
    const fixes = remedies(request, around, settings);
    return { source: 'none', reason, remedies: fixes, error: `${reason}: ${fixes}` };
  }
  return { source: driver, why };
}

function graphicalSession(settings: Settings): string | undefined {
  if (settings.waylandDisplay) return `WAYLAND_DISPLAY=${settings.waylandDisplay}`;
  if (settings.display) return `DISPLAY=${settings.display}`;
  return undefined;
}

/** The registry's desktop dialogs of this platform, those preferred in this desktop session first. */
function platformDialogs(platform: NodeJS.Platform, settings: Settings) {
  const family = platform === 'darwin' || platform === 'win32' ? platform : 'unix';
  const dialogs = PROMPT_DRIVER_TABLE.flatMap((driver) =>
    driver.desktop?.platform === family ? [{ name: driver.name, ...driver.desktop }] : [],
  );
  return [
    ...dialogs.filter((dialog) => dialog.preferredIn?.(settings)),
    ...dialogs.filter((dialog) => !dialog.preferredIn?.(settings)),
  ];
}

function desktopDialog(around: PromptSurroundings, settings: Settings): MfaChoice | undefined {
  const dialogs = platformDialogs(around.platform, settings);
  if (around.platform === 'darwin' || around.platform === 'win32') {
    const dialog = dialogs.find((candidate) => around.installed(candidate.program));
    return dialog ? { source: dialog.name, why: dialog.why ?? 'no terminal' } : undefined;
  }
  const session = graphicalSession(settings);
  if (!session) return undefined;
  const dialog = dialogs.find((candidate) => around.installed(candidate.program));
  return dialog
    ? { source: dialog.name, why: `no terminal; desktop session (${session}) and ${dialog.program} installed` }
    : undefined;
}

/** Every way to get a code that would work in this mode, as one clause. */
function remedies(request: MfaRequest, around: PromptSurroundings, settings: Settings): string {
  const options = [
    `run 'tfmfa open-session ${request.profile}' in a terminal first (later runs use the cached session)`,
  ];
  if (!request.shim) options.push('pass --mfa-token CODE');
  options.push(
    `set mfa_process (a command that prints the code) or mfa_prompt (e.g. ykman) in profile '${request.profile}'`,
  );
  const session = graphicalSession(settings);
  if (session && around.platform !== 'darwin' && around.platform !== 'win32') {
    const [first, ...others] = platformDialogs(around.platform, settings).map((dialog) => dialog.name);
    options.push(
      `install ${[first, ...others].join(' or ')} for a dialog on this desktop (${session}; ` +
        `TFMFA_PROMPT=${first} picks it)`,
    );
  }
  return `${options.slice(0, -1).join(', ')}, or ${options.at(-1)}`;
}

/** What a resolved chain (config/types.ts's Chain) says about its MFA code. */
export interface ChainMfaSettings {
  profile: string;
  mfaSerial?: string;
  mfaProcess?: string;
  mfaPrompt?: string;
  mfaYkmanAccount?: string;
}

/** The request a run of this chain would make (what `doctor` describes), in this process's environment. */
export function mfaRequestOf(chain: ChainMfaSettings, settings: Settings): MfaRequest {
  return {
    serial: chain.mfaSerial ?? '',
    profile: chain.profile,
    settings,
    ...(chain.mfaProcess ? { mfaProcess: chain.mfaProcess } : {}),
    ...(chain.mfaPrompt ? { profilePrompt: chain.mfaPrompt } : {}),
    ...(chain.mfaYkmanAccount ? { ykmanAccount: chain.mfaYkmanAccount } : {}),
  };
}
