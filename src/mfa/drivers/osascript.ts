import { dialogSource, type DialogProgram } from '../dialog.ts';
import { defineDriver } from './driver.ts';

/**
 * The AppleScript a macOS dialog runs. Text, title and timeout are arguments of its run handler (never spliced
 * into the script, so no quoting can break it); the code is its result, printed by osascript on stdout.
 */
export const OSASCRIPT_LINES = [
  'on run argv',
  'set r to display dialog (item 1 of argv) default answer "" with hidden answer with title (item 2 of argv) ' +
    'buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel" giving up after ((item 3 of argv) as integer)',
  'if gave up of r then error "no answer" number -1712',
  'return text returned of r',
  'end run',
];

/** macOS: `osascript -e … TEXT TITLE SECONDS`; Cancel is error -128, our give-up is -1712. */
export const OSASCRIPT: DialogProgram = {
  driver: 'osascript',
  program: 'osascript',
  install: 'osascript is part of macOS: on other systems choose another MFA prompt (TFMFA_PROMPT)',
  args: (title, text, timeoutSeconds) => [
    ...OSASCRIPT_LINES.flatMap((line) => ['-e', line]),
    text,
    title,
    String(timeoutSeconds),
  ],
  cancelled: (exitCode, stderr) => exitCode === 1 && stderr.includes('(-128)'),
  timedOut: (exitCode, stderr) => exitCode === 1 && stderr.includes('(-1712)'),
};

export const osascript = defineDriver({
  name: 'osascript',
  title: 'a macOS dialog (osascript)',
  desktop: { platform: 'darwin', program: 'osascript', why: 'no terminal; macOS dialog' },
  source: (context) => dialogSource(OSASCRIPT, context),
});
