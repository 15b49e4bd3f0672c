import { readSettings } from '../../environment/settings.ts';
import { readFileSync } from 'node:fs';
import { SHELL_FRAGMENTS, variableNameFor } from '../../environment/shell-fragments.ts';
import { shQuote } from '../../output/quoting.ts';
import { DIGITS, TICKET_HEADER, TICKET_NAME, TICKET_PROFILE } from '../../store/ticket-format.ts';
import { GLOBAL_OPTIONS } from '../command-lists.ts';
import { LONG_RUN, LONG_RUN_OFF } from '../long-run.ts';
import { PASSTHROUGH } from '../passthrough.ts';
import { MAX_SHIM_DEPTH } from '../loop-guard.ts';
import { LAUNCHER_MARKER } from '../real-binary.ts';
import { TOOL_NAME } from '../tools.ts';

/**
 * The shell launcher: launcher.sh beside this file is the one template behind `shims/*` (written by
 * `npm run build`) and the files `tfmfa shim install` writes. With a valid ticket for the profile it execs the
 * real tool itself, without Node; in every other case it execs tfmfa's Node entry point as
 * `cli.js __shim TOOL ARGS...`, which behaves exactly as a Node shim named TOOL.
 *
 * The template is a real POSIX sh file (shellcheck checks what this renders) with `@NAME@` placeholders for
 * what it shares with Node, filled in from their TypeScript sources so the two paths cannot drift:
 *   @ENTRY@              the Node entry point, single-quoted ('' for the package's own copies)
 *   @LAUNCHER_MARKER@    the marker line by which tfmfa recognises its launchers
 * @PROFILE_ORDER@ @CACHE_DIR@ @CACHE_DIR_HOME@ @MARKER@ @CONFIG_FILE@ @CREDENTIALS_FILE@ (+ _HOME) the environment
 * contract's rules (shell-fragments.ts)
 *   @VAR_<key>@          a variable's name from the contract table (variables.ts)
 * @DEFAULT_MIN_TTL@ @TICKET_HEADER@ @TICKET_NAME_PREFIXES@ @PASSTHROUGH_CASES@ @GLOBAL_OPTION_CASES@
 * @MAX_SHIM_DEPTH@ @LONG_RUN_CASES@ @LONG_RUN_OFF@ @DIGITS_*@ (ticket-format.ts)
 *   @SECRET_VARIABLES@   tfmfa's secret variables, unset before the real tool runs
 *   @CLASH@              every internal `_tf_*` variable: set in the environment, the launcher hands over to Node
 */

/*
 * The shell patterns in launcher.sh are hand translations of these regular expressions: a change to one of
 * them must be made there too (rendering fails until it is).
 */
const TRANSLATED: Array<[RegExp, string]> = [
  [TICKET_NAME, '^(AWS|TFMFA)_[A-Z0-9_]+$'],
  [TICKET_PROFILE, '^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,127}$'],
  [TOOL_NAME, '^[A-Za-z0-9._+-]+$'],
];

const TEMPLATE = new URL('./launcher.sh', import.meta.url);

function passthroughCases(): string {
  const lines: string[] = [];
  for (const [tool, commands] of Object.entries(PASSTHROUGH)) {
    if (commands.length === 0) continue;
    lines.push(`  ${shQuote(tool)}) case $_tf_arg in ${commands.map(shQuote).join('|')}) _tf_pass=1 ;; esac ;;`);
  }
  return lines.join('\n');
}

/** GLOBAL_OPTIONS as shell: an option with a value skips the next argument too, `--option=value` only itself. */
function globalOptionCases(): string {
  const lines: string[] = [];
  for (const [tool, { valued, flags }] of Object.entries(GLOBAL_OPTIONS)) {
    const alone = [...flags.map(shQuote), ...valued.map((option) => `${shQuote(`${option}=`)}*`)];
    const tests: string[] = [];
    if (valued.length > 0) tests.push(`${valued.map(shQuote).join('|')}) _tf_optv=1; continue ;;`);
    if (alone.length > 0) tests.push(`${alone.join('|')}) continue ;;`);
    lines.push(`    ${shQuote(tool)}) case $_tf_a in ${tests.join(' ')} esac ;;`);
  }
  return lines.join('\n');
}

/**
 * LONG_RUN as shell: a subcommand entry matches $_tf_arg, a `--flag` entry any argument (longRunMatch in
 * long-run.ts).
 */
function longRunCases(): string {
  const lines: string[] = [];
  for (const [tool, entries] of Object.entries(LONG_RUN)) {
    const subcommands = entries.filter((entry) => !entry.startsWith('--'));
    const flags = entries.filter((entry) => entry.startsWith('--'));
    const tests: string[] = [];
    if (subcommands.length > 0)
      tests.push(`case $_tf_arg in ${subcommands.map(shQuote).join('|')}) _tf_long=1 ;; esac`);
    if (flags.length > 0)
      tests.push(`for _tf_a do case $_tf_a in ${flags.map(shQuote).join('|')}) _tf_long=1 ;; esac; done`);
    if (tests.length > 0) lines.push(`      ${shQuote(tool)}) ${tests.join('; ')} ;;`);
  }
  return lines.join('\n');
}

export interface LauncherOptions {
  /** Absolute path of tfmfa's Node entry point (installed copies); package copies find `../dist/cli.js`. */
  entry?: string;
}

export function renderLauncher(options: LauncherOptions = {}): string {
  for (const [regex, source] of TRANSLATED) {
    if (regex.source !== source)
      throw new Error(
        `launcher template: ${source} changed to ${regex.source}: update the shell patterns in ` +
          `src/shim/launcher/launcher.sh`,
      );
  }
  const entry = options.entry ?? '';
  if (entry !== '' && (!entry.startsWith('/') || /[\n\0]/.test(entry)))
    throw new Error(`launcher entry must be an absolute path without newlines: ${JSON.stringify(entry)}`);
  const values: Record<string, string> = {
    ...SHELL_FRAGMENTS,
    ENTRY: shQuote(entry),
    LAUNCHER_MARKER,
    DEFAULT_MIN_TTL: String(readSettings({}).minTtl),
    TICKET_HEADER: shQuote(TICKET_HEADER),
    TICKET_NAME_PREFIXES: 'AWS_?*|TFMFA_?*',
    PASSTHROUGH_CASES: passthroughCases(),
    GLOBAL_OPTION_CASES: globalOptionCases(),
    MAX_SHIM_DEPTH: String(MAX_SHIM_DEPTH),
    LONG_RUN_CASES: longRunCases(),
    LONG_RUN_OFF: shQuote(LONG_RUN_OFF),
    DIGITS_COUNT: String(DIGITS.count),
    DIGITS_MIN_TTL: String(DIGITS.minTtl),
    DIGITS_DEADLINE: String(DIGITS.deadline),
    DIGITS_ID: String(DIGITS.id),
  };
  const body = readFileSync(TEMPLATE, 'utf8').replace(
    /@([A-Z_]+(?:[a-z][A-Za-z]*)?)@/g,
    (placeholder, name: string) => {
      if (name === 'CLASH') return placeholder;
      const value = name.startsWith('VAR_') ? variableNameFor(name.slice(4)) : values[name];
      if (value === undefined) throw new Error(`launcher template: unknown placeholder ${placeholder}`);
      return value;
    },
  );
  const internal = [...new Set(body.match(/\b_tf_[a-z0-9_]+/g) ?? [])]
    .filter((name) => !body.includes(`\n${name}() {`))
    .sort();
  return body.replace('@CLASH@', internal.map((name) => `\${${name}+1}`).join(''));
}
