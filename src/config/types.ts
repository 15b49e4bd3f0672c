/** What a profile resolves to: a source of base credentials, then role hops, source first. */
import type { SourceStep } from './kinds/index.ts';

export type { SourceStep };
export type { RoleStep } from './kinds/role.ts';
import type { RoleStep } from './kinds/role.ts';
export type { AwsFiles, ProfileSection } from './files.ts';

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
