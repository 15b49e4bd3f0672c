/** What a profile resolves to: a source of base credentials, then role hops, source first. */
import type { SourceStep } from './kinds/index.ts';
import type { StoredKeyEntries } from './kinds/stored-keys.ts';
import type { SessionTag } from './session-tags.ts';

export type { SourceStep };

export type ProfileSection = Readonly<Record<string, string | undefined>>;

export interface RoleStep {
  kind: 'role';
  profile: string;
  roleArn: string;
  externalId?: string;
  /** From `duration_seconds`; absent means STS's default (3600). */
  durationSeconds?: number;
  roleSessionName: string;
  /** True when `role_session_name` is configured (else roleSessionName is the per-run default, which has the time in it). */
  sessionNameConfigured?: boolean;
  /** The profile's own `mfa_serial`, or the one it inherits from its source profile. */
  mfaSerial?: string;
  /** aws-vault's `session_tags`, `transitive_session_tags`, `source_identity`: AssumeRole parameters of this hop. */
  sessionTags?: SessionTag[];
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
}

export interface Chain {
  /** The profile asked for. */
  profile: string;
  source: SourceStep;
  /** Role hops in the order they are assumed. */
  roles: RoleStep[];
  /** The MFA device this chain prompts for, if any. */
  mfaSerial?: string;
  /** aws-vault's `mfa_process`: a command whose stdout is the code. */
  mfaProcess?: string;
  /** `mfa_prompt`: the MFA prompt driver for this profile (terminal, zenity, ykman...). */
  mfaPrompt?: string;
  /** `mfa_ykman_account`: the YubiKey OATH account of the MFA device (default: its ARN). */
  mfaYkmanAccount?: string;
  region?: string;
  /** Profile names from the source to the target. */
  profiles: string[];
}

/** The user's two AWS files, parsed. */
export interface AwsFiles {
  configPath: string;
  credentialsPath: string;
  /** Profiles by name: config-file settings overlaid by credentials-file settings. */
  profiles: ReadonlyMap<string, ProfileSection>;
  /** Names that appear in the config file (`[profile x]`, `[default]`). */
  configProfileNames: ReadonlySet<string>;
  ssoSessions: ReadonlyMap<string, ProfileSection>;
  /** `[services name]` sections (their sub-keys flattened as `sts.endpoint_url`). */
  services: ReadonlyMap<string, ProfileSection>;
  /** The credentials file's own sections, before merging. */
  credentialsSections: ReadonlyMap<string, ProfileSection>;
  /** Profiles with keys in tfmfa's key store (from its non-secret index), and where that index is. */
  storedKeys?: StoredKeyEntries;
  keyIndexPath?: string;
}
