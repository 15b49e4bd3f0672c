import { powershellQuote } from '../../output/quoting.ts';
import { dialogSource, type DialogProgram } from '../dialog.ts';
import { defineDriver } from './driver.ts';

/**
 * Windows: Windows PowerShell's `$Host.UI.PromptForCredential`, the system credential dialog (CredUI, as
 * aws-vault's wincredui), with the code typed as its password. Cancel returns $null: exit 130. The code is
 * written to stdout without a newline. Title and text are verbatim strings quoted by the one PowerShell rule
 * (output/quoting.ts: every single-quote character PowerShell knows, ' and U+2018..U+201B, doubled).
 */
export function powershellScript(title: string, text: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$c = $Host.UI.PromptForCredential(${powershellQuote(title)}, ${powershellQuote(text)}, 'MFA code', '')`,
    'if ($null -eq $c) { exit 130 }',
    '[Console]::Out.Write($c.GetNetworkCredential().Password)',
  ].join('; ');
}

export const POWERSHELL: DialogProgram = {
  driver: 'powershell',
  program: 'powershell',
  install:
    'Windows PowerShell (powershell.exe) is part of Windows: on other systems choose another MFA prompt (TFMFA_PROMPT)',
  // Not -NonInteractive: it forbids prompts. No timeout of its own: ours applies.
  args: (title, text) => ['-NoLogo', '-NoProfile', '-Command', powershellScript(title, text)],
  cancelled: (exitCode) => exitCode === 130,
};

export const powershell = defineDriver({
  name: 'powershell',
  title: 'a Windows credential dialog (PowerShell)',
  desktop: { platform: 'win32', program: 'powershell', why: 'no terminal; Windows credential dialog' },
  source: (context) => dialogSource(POWERSHELL, context),
});
