import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { version } from '../version.ts';
import { helpText, type CommandTable } from './command.ts';

export const COMMANDS: CommandTable = {
  exec: () => import('./exec.ts'),
  'credential-process': () => import('./credential-process.ts'),
  export: () => import('./export.ts'),
  'terragrunt-auth': () => import('./terragrunt-auth.ts'),
  shim: () => import('./shim.ts'),
  list: () => import('./list.ts'),
  clear: () => import('./clear.ts'),
  doctor: () => import('./doctor.ts'),
  login: () => import('./login.ts'),
  'open-session': () => import('./open-session.ts'),
  // Completion describes the other commands: it is handed this table rather than importing it.
  completion: async () => (await import('./completion.ts')).completionCommand(COMMANDS),
  add: () => import('./add.ts'),
  remove: () => import('./remove.ts'),
  import: () => import('./import.ts'),
  rotate: () => import('./rotate.ts'),
};

function usage(summaries: Array<[string, string]>): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return `Usage: tfmfa COMMAND [options]

Run Terraform, Terragrunt and the AWS CLI with IAM roles that require MFA: one prompt, cached sessions.

Commands:
${summaries.map(([name, text]) => `  ${name.padEnd(width)}${text}`).join('\n')}

Shim mode: invoked through a symlink named after a tool (terraform, aws, terragrunt, tofu, ...), tfmfa runs
the real tool found later on PATH with the AWS_PROFILE session. 'tfmfa COMMAND --help' for details.
Options: -h, --help; -v, --version`;
}

export async function runCommand(argv: string[], settings: Settings): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const summaries = await Promise.all(
      Object.entries(COMMANDS).map(async ([n, load]) => [n, (await load()).command.summary] as [string, string]),
    );
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) {
      process.stdout.write(`${helpText((await COMMANDS[topic]()).command)}\n`);
      return 0;
    }
    // Bare `tfmfa` is a request for help like any other: shown, and no error.
    process.stdout.write(`${usage(summaries)}\n`);
    return 0;
  }
  if (name === '-v' || name === '--version' || name === 'version') {
    process.stdout.write(`tfmfa ${version()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    throw new UserError(`unknown command '${name}': run 'tfmfa --help' for the list`, 2);
  }
  return (await load()).run(rest, settings);
}
