import type { Settings } from '../../environment/settings.ts';
import type { AwsFilePaths } from '../paths.ts';
import type { AwsFiles, ProfileSection } from '../files.ts';
import type { AwsCredentials } from '../../credentials.ts';

/**
 * Everything about one kind of credential source, in its kind's file: how a profile section is recognised,
 * what it parses into, how its credentials are fetched, how `list`/`doctor` describe it, and which keys
 * belong to it (the overlay removes them when it hands a profile to tfmfa; the credential server warns when
 * a `default` profile has them). The ordered list is kinds/index.ts.
 */
export interface SourceKind<
  S extends { kind: string; profile: string } = { kind: string; profile: string },
  N extends string = string,
> {
  /** The step's `kind` field. */
  readonly step: S['kind'];
  /** What `tfmfa list` shows in its KIND column (a literal: kinds/index.ts derives the list of KINDs from it). */
  readonly listName: N;
  /** Keys whose presence gives a profile credentials of this kind. */
  readonly triggers: readonly string[];
  /** Every key of this kind. */
  readonly keys: readonly string[];
  /** `files` and `profile` for kinds known from outside the section (stored keys). */
  detect(section: ProfileSection, files: AwsFiles, profile: string): boolean;
  parse(profile: string, section: ProfileSection, files: AwsFiles): S;
  /** The base credentials (loads the SDK's providers only where it needs them). */
  fetch(step: S, paths: AwsFilePaths, settings: Settings): Promise<AwsCredentials>;
  /** True when no AWS tool reads this kind itself (tfmfa's key store, `aws login`): tfmfa always serves it. */
  readonly toolsCannotRead?: boolean;
  /** True when credentials derived from it must not outlive it (roles assumed from an `aws login` session). */
  readonly boundToSource?: boolean;
  /** The most life its credentials can be asked to keep when handed out (short-lived kinds cap the use's floor). */
  readonly floorCapSeconds?: number;
  /** Where the credentials come from, in a few words (for errors). */
  origin(step: S): string;
  /** One line for doctor: where the credentials come from. Never a secret. */
  describe(step: S, files: AwsFiles, settings: Settings): string;
}

/** The profile/file arguments the SDK's providers take, for the profile a step came from. */
export function providerInit(profile: string, paths: AwsFilePaths) {
  return { profile, filepath: paths.credentialsPath, configFilepath: paths.configPath, ignoreCache: true };
}

export function present(section: ProfileSection, key: string): boolean {
  return Boolean(section[key]?.trim());
}
