import type { AwsFiles, ProfileSection } from '../files.ts';
import { credentialProcess, type CredentialProcessSource } from './credential-process.ts';
import { credentialSource, type CredentialSourceSource } from './credential-source.ts';
import type { SourceKind } from './kind.ts';
import { loginSession, type LoginSessionSource } from './login-session.ts';
import { role } from './role.ts';
import { sso, type SsoSource } from './sso.ts';
import { staticKeys, type StaticKeysSource } from './static-keys.ts';
import { storedKeys, type StoredKeysSource } from './stored-keys.ts';

export { credentialSource, role, staticKeys, storedKeys };

/**
 * The kinds of base credentials a profile can have, in precedence order: keys in tfmfa's key store, then the
 * SDKs' own order (static keys rank ahead of credential_process, which ranks ahead of SSO, then `aws login`).
 * `credential_source` is reached only from a role profile.
 * Adding a kind: one new file, and its place in this list (what sets a kind apart from the others, e.g. that no
 * tool reads it or that it is short-lived, is a declared property of SourceKind, honoured where it matters).
 */
/** What a chain's source resolves to: one step type per kind. */
export type SourceStep =
  | StoredKeysSource
  | StaticKeysSource
  | CredentialProcessSource
  | SsoSource
  | LoginSessionSource
  | CredentialSourceSource;

export const BASE_KINDS: readonly AnySourceKind[] = [storedKeys, staticKeys, credentialProcess, sso, loginSession];
/** The kinds a role profile with `source_profile` naming itself can take its own long-term keys from. */
const OWN_KEY_KINDS: readonly AnySourceKind[] = [storedKeys, staticKeys];
const ALL_KINDS = [storedKeys, staticKeys, credentialProcess, sso, loginSession, credentialSource] as const;

/** What `tfmfa list` shows as KIND: each kind's name, role, or none (derived: a new kind's name joins it). */
export type ListKind = (typeof ALL_KINDS)[number]['listName'] | (typeof role)['listName'] | 'none';

/** One of the kinds, whichever: `parse` gives the union of their steps. */
export type AnySourceKind = {
  [K in SourceStep['kind']]: SourceKind<Extract<SourceStep, { kind: K }>>;
}[SourceStep['kind']];

/** Keys of settings the SDKs honour that tfmfa does not resolve itself (web identity), but that give credentials. */
const SDK_ONLY_TRIGGERS = ['web_identity_token_file'];

/** The base kind a profile section has (static keys first), if any. */
export function baseKindOf(section: ProfileSection, files: AwsFiles, profile: string): AnySourceKind | undefined {
  return BASE_KINDS.find((kind) => kind.detect(section, files, profile));
}

/** The keys of a role profile whose `source_profile` is itself. */
export function ownKeysKindOf(section: ProfileSection, files: AwsFiles, profile: string): AnySourceKind | undefined {
  return OWN_KEY_KINDS.find((kind) => kind.detect(section, files, profile));
}

/** The KIND `tfmfa list` shows for a chain's source. */
export function listKindOfStep(step: SourceStep): ListKind {
  const kind = ALL_KINDS.find((k) => k.step === step.kind);
  if (!kind) throw new Error(`no profile kind for step ${step.kind}`);
  return kind.listName;
}

/** The kind behind a parsed step. */
export function kindOfStep<S extends SourceStep>(step: S): SourceKind<S> {
  const kind = ALL_KINDS.find((k) => k.step === step.kind);
  if (!kind) throw new Error(`no profile kind for step ${step.kind}`);
  return kind as unknown as SourceKind<S>;
}

/** What `tfmfa list` shows as KIND for a section: role, one of the base kinds, credential_source, or none. */
export function listKindOf(section: ProfileSection, files: AwsFiles, profile: string): ListKind {
  if (role.detect(section)) return role.listName;
  return ALL_KINDS.find((kind) => kind.detect(section, files, profile))?.listName ?? 'none';
}

/** Every key of every kind: what the overlay removes from a profile it hands to tfmfa credential-process. */
export const ALL_CREDENTIAL_KEYS: readonly string[] = [
  ...new Set([...role.keys, ...ALL_KINDS.flatMap((kind) => kind.keys)]),
];

/** Keys that give a profile credentials of its own, for any SDK. */
export const CREDENTIAL_TRIGGERS: readonly string[] = [
  ...new Set([...role.triggers, 'source_profile', ...ALL_KINDS.flatMap((kind) => kind.triggers), ...SDK_ONLY_TRIGGERS]),
];
