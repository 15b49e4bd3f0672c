import { type Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { renderSection, type Check } from '../doctor/check.ts';
import {
  cacheChecks,
  chainChecks,
  installChecks,
  networkChecks,
  nodeCheck,
  terraformChecks,
} from '../doctor/checks.ts';
import { loginTokenChecks } from '../doctor/login-checks.ts';
import { loadUserFiles } from '../config/chain.ts';
import { requireKnownProfile } from '../views/profiles.ts';
import { allShimChecks } from '../doctor/shim-checks.ts';
import { shimDirChecks } from '../doctor/shim-dir-checks.ts';
import { longRunChecks } from '../doctor/long-run-checks.ts';
import { entryPoint } from '../entry-point.ts';
import { selectedProfile } from '../environment/profile.ts';
import { keystoreChecks } from '../doctor/keystore-checks.ts';
import { awsVaultChecks } from '../doctor/aws-vault-checks.ts';
import { fixAwsVaultLines } from '../doctor/aws-vault-fix.ts';
import { version } from '../version.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'doctor',
  summary: "check the installation, shims, a profile's chain and the cache",
  usage: '[PROFILE] [--network]',
  about: `Prints a checklist (✔ fine, ✖ broken, ! worth a look, · for information), with a fix under every
problem, and exits 1 when something is broken:
  - the Node version (22.15 or later) and where this tfmfa is installed;
  - every tfmfa shim on PATH for terraform, terragrunt, aws and tofu: is it ahead of the real binary,
    which real binary it runs, loops;
  - the profile's chain step by step: where the base credentials come from, each STS call
    (GetSessionToken / AssumeRole), with which MFA device and for how long, what is cached; and the
    configuration errors of your profiles;
  - the key store: where new long-term keys go (OS keyring or encrypted file) and why, and every
    profile whose keys are still in plaintext, with the 'tfmfa import' line that fixes it;
  - coming from aws-vault: its variables and their tfmfa counterparts, its config extensions
    (include_profile, credential_process = aws-vault ...: what to change), keys it still holds;
  - the cache directory's owner and permissions;
  - provider and backend blocks with profile = "..." in the current directory's *.tf files.

PROFILE defaults to AWS_PROFILE, AWS_DEFAULT_PROFILE, TFMFA_DEFAULT_PROFILE, then 'default'.`,
  options: {
    network: {
      type: 'boolean',
      help:
        "also check that STS answers through the configured endpoint (GetCallerIdentity with the profile's " +
        'cached credentials, else a plain HTTPS request)',
    },
    'fix-aws-vault': {
      type: 'boolean',
      help:
        'point each credential_process = aws-vault ... line at tfmfa, asking on the terminal before each ' +
        'change (nothing else in the config changes)',
    },
  },
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], settings: Settings, cwd = process.cwd()): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  if (positionals.length > 1)
    throw new UserError(`doctor: unexpected argument '${positionals[1]}': 'tfmfa doctor' checks one profile`, 2);
  let files = await loadUserFiles(settings);
  if (values['fix-aws-vault']) {
    for (const line of await fixAwsVaultLines(files, settings)) process.stdout.write(`tfmfa: ${line}\n`);
    files = await loadUserFiles(settings);
  }
  const { profile, origin } = selectedProfile(settings, positionals[0]);
  if (origin === 'argument') requireKnownProfile('doctor', files, profile);
  const cacheDir = settings.cacheDir;

  const sections: Array<[string, Check[]]> = [];
  const entry = entryPoint();
  sections.push(['tfmfa', [nodeCheck(), ...installChecks(version(), entry, settings)]]);
  sections.push(['Shims', [...allShimChecks(settings, entry, cwd), ...shimDirChecks(settings, entry, cwd)]]);
  const chain = chainChecks(files, profile, origin, settings, cacheDir);
  sections.push(['Profile', [...chain.checks, ...loginTokenChecks(chain.chain, settings)]]);
  sections.push(['Key store', await keystoreChecks(files, settings)]);
  sections.push(['aws-vault', awsVaultChecks(files, settings)]);
  sections.push(['Long runs', longRunChecks(settings, profile, chain.chain)]);
  sections.push(['Cache', cacheChecks(cacheDir)]);
  sections.push(['Terraform files', terraformChecks(cwd, files, settings)]);
  if (values.network) sections.push(['Network', await networkChecks(settings, files, chain.chain, cacheDir)]);

  const all = sections.flatMap(([, checks]) => checks);
  const failures = all.filter((check) => check.status === 'fail').length;
  const warnings = all.filter((check) => check.status === 'warn').length;
  const verdict = failures
    ? `${failures} problem(s) found${warnings ? `, ${warnings} warning(s)` : ''}: see the fix under each ✖`
    : `no problems found${warnings ? ` (${warnings} warning(s))` : ''}`;
  process.stdout.write(
    `${sections.map(([title, checks]) => renderSection(title, checks)).join('\n\n')}\n\n${verdict}\n`,
  );
  return failures ? 1 : 0;
}
