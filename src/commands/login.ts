import type { Settings } from '../environment/settings.ts';
import { warn } from '../debug.ts';
import { UserError } from '../errors.ts';
import { chainIn, currentUser, loadUserFiles } from '../config/chain.ts';
import { requireKnownProfile } from '../views/profiles.ts';
import { openInBrowser } from '../login/browser.ts';
import { federatedUserName, federationCredentials } from '../login/federation-token.ts';
import { stsEndpoint } from '../config/endpoint.ts';
import {
  checkUrl,
  defaultDestination,
  defaultFederationUrl,
  getSigninToken,
  loginUrl,
  partitionOf,
} from '../login/federation.ts';
import type { AwsCredentials } from '../credentials.ts';
import { profileSession } from '../session/profile-session.ts';
import { stsRegion } from '../environment/region.ts';
import { sourceCredentials } from '../session/source-credentials.ts';
import { parseDuration } from '../environment/duration.ts';
import { variableName } from '../environment/variables.ts';
import { mfaCodeOption, parseCommand, printHelp, requireProfile, sessionRequest, SESSION_OPTIONS } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'login',
  summary: 'open the AWS console signed in as the profile',
  usage: '[options] [PROFILE]',
  about: `Signs in to the AWS console as PROFILE through the AWS federation endpoint and opens it in your
browser ($BROWSER, else xdg-open / open). A role profile signs in with the role's session (from the
cache, asking for the MFA code only when it is gone). A profile with plain IAM user keys and no role
signs in through STS GetFederationToken (which cannot carry MFA) with the user's own permissions.

PROFILE defaults to AWS_PROFILE, AWS_DEFAULT_PROFILE, TFMFA_DEFAULT_PROFILE, then 'default'.

The sign-in URL is a credential for its first use, valid for 15 minutes: --stdout prints it on
standard output, and tfmfa never writes it anywhere else.`,
  options: {
    stdout: { type: 'boolean', help: 'print the sign-in URL instead of opening a browser' },
    destination: {
      type: 'string',
      value: 'URL',
      help: "the console page to open (default: the console home, in the profile's region)",
    },
    duration: {
      type: 'string',
      value: 'DUR',
      help:
        'console session length, 15m..12h (e.g. 2h); for role credentials AWS may refuse it when the role ' +
        "was reached by role chaining (default: AWS's, 1 hour)",
    },
    'federation-url': {
      type: 'string',
      value: 'URL',
      help:
        "federation endpoint (default: https://signin.aws.amazon.com/federation or the partition's; " +
        'TFMFA_FEDERATION_URL)',
    },
    ...SESSION_OPTIONS,
  },
  positionals: { kind: 'profile' },
  footer: `Example:
  tfmfa login prod --destination https://console.aws.amazon.com/s3/`,
});

const CONSOLE_MIN = 900;
const CONSOLE_MAX = 43200;
const FEDERATION_DEFAULT = 3600;

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const mfaCode = mfaCodeOption(values);
  const profile = requireProfile('login', positionals, settings);
  let duration: number | undefined;
  if (values.duration !== undefined) {
    duration = parseDuration('--duration', values.duration);
    if (duration < CONSOLE_MIN || duration > CONSOLE_MAX)
      throw new UserError(`--duration must be between 15m and 12h (console sessions), got '${values.duration}'`, 2);
  }
  const federationOverride = values['federation-url'] ?? settings.federationUrl;
  if (federationOverride !== undefined)
    checkUrl(
      values['federation-url'] !== undefined ? '--federation-url' : variableName('federationUrl'),
      federationOverride,
    );
  if (values.destination !== undefined) checkUrl('--destination', values.destination, { allowQuery: true });

  const loadedAtMs = Date.now();
  const userFiles = await loadUserFiles(settings);
  requireKnownProfile('login', userFiles, profile);
  const loaded = chainIn(userFiles, profile, settings, loadedAtMs);
  const { chain, paths, files } = loaded;
  const region = stsRegion(settings, chain.region);
  let credentials: AwsCredentials;
  let sessionDuration = duration;
  const plainKeys =
    chain.roles.length === 0 &&
    ((chain.source.kind === 'static-keys' && !chain.source.sessionToken) || chain.source.kind === 'stored-keys');
  if (plainKeys) {
    // GetSessionToken credentials cannot sign in to the console, and cannot call GetFederationToken either:
    // the long-term keys call it directly, so no MFA code is asked for.
    if (chain.mfaSerial)
      warn(
        `profile '${profile}' has no role: the console session comes from GetFederationToken, which cannot ` +
          `carry MFA (policies requiring MFA will deny it)`,
      );
    const keys = await sourceCredentials(chain.source, paths, settings);
    const endpoint = stsEndpoint(files, profile, settings);
    credentials = await federationCredentials(
      keys,
      { name: federatedUserName(currentUser(settings)), durationSeconds: duration ?? FEDERATION_DEFAULT },
      { region, profile, ...(endpoint ? { endpoint } : {}), settings },
    );
    sessionDuration = undefined; // the federated credentials' own lifetime is the console session's
  } else {
    const session = await profileSession(sessionRequest(profile, settings, values, mfaCode), loaded);
    credentials = session.credentials;
    if (!credentials.sessionToken) {
      throw new UserError(
        `profile '${profile}' gives long-term keys from ${chain.source.kind.replace('-', ' ')}: the console ` +
          `needs temporary credentials: use a profile with a role`,
      );
    }
  }

  const partition = partitionOf(chain.roles.at(-1)?.roleArn ?? chain.mfaSerial, region);
  const federationUrl = federationOverride ?? defaultFederationUrl(partition);
  const destination = values.destination ?? defaultDestination(partition, chain.region);
  const token = await getSigninToken(federationUrl, credentials, sessionDuration);
  const url = loginUrl(federationUrl, token, destination);
  if (values.stdout) {
    process.stdout.write(`${url}\n`);
    return 0;
  }
  const opener = await openInBrowser(url, settings);
  process.stderr.write(`tfmfa: opened the AWS console for '${profile}' with ${opener}\n`);
  return 0;
}
