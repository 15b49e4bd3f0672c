import type { Settings } from '../environment/settings.ts';
import { backendLabel } from '../keystore/types.ts';
import { UserError } from '../errors.ts';
import { warn } from '../debug.ts';
import { loadUserFiles } from '../config/chain.ts';
import { dropSessionsOf } from '../keystore/drop-sessions.ts';
import { iamClient } from '../session/iam.ts';
import { checkProfileName } from '../keystore/key-input.ts';
import { deleteCommand, iamUserName, resumeRotation, rotateKey, type Rotated } from '../session/key-rotation.ts';
import { fetchStoredKeys, openKeyStore, storedEntry, withKeystoreLock } from '../keystore/store.ts';
import { stsTargetFor } from '../session/verify-keys.ts';
import type { AwsCredentials } from '../credentials.ts';
import { chainIn } from '../config/chain.ts';
import { profileSession } from '../session/profile-session.ts';
import { getCallerIdentity } from '../session/sts.ts';
import { mfaCodeOption, parseCommand, printHelp, SESSION_OPTIONS } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'rotate',
  summary: "replace a profile's stored access key with a new one (IAM CreateAccessKey / DeleteAccessKey)",
  usage: 'PROFILE [--mfa-token CODE]',
  about: `Rotates the stored long-term key of PROFILE: creates a new access key in IAM (signed with an MFA
session when the profile has mfa_serial), waits until STS accepts it (IAM is eventually consistent;
TFMFA_ROTATE_WAIT, default 2m), stores it in place of the old one, deletes the old key in IAM and
drops the sessions made from it. The new key is stored beside the old one before anything replaces
it: whatever fails or kills rotate, the key store keeps a working key, and the message says what
IAM holds (and the 'aws iam' command for anything left to clean up). Run after an interrupted
rotate, it finishes that rotation first (or undoes it, when the new key was never stored).

IAM allows two keys per user: with two already, rotate stops before changing anything.`,
  options: {
    'mfa-token': SESSION_OPTIONS['mfa-token'],
  },
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const mfaCode = mfaCodeOption(values);
  const profile = checkProfileName('rotate', positionals[0], positionals.slice(1));
  const files = await loadUserFiles(settings);
  const store = openKeyStore(settings);
  const target = stsTargetFor(files, profile, settings);
  return withKeystoreLock(settings, async () => {
    const entry = storedEntry(store, profile);
    if (!entry)
      throw new UserError(
        `rotate: profile '${profile}' has no stored keys: store them first ('tfmfa import ${profile}' or ` +
          `'tfmfa add ${profile}')`,
        2,
      );
    const old = await fetchStoredKeys(profile, entry, settings);
    const identity = await getCallerIdentity(old, target);
    const userName = iamUserName(identity.arn);
    if (!userName)
      throw new UserError(
        `rotate: the keys of '${profile}' belong to ${identity.arn}, not an IAM user: only IAM user keys can ` +
          `be rotated; nothing changed`,
      );

    // IAM calls carry MFA when the profile has a device (policies commonly require it for key management).
    let signer: AwsCredentials = old;
    const serial = files.profiles.get(profile)?.mfa_serial?.trim();
    if (serial) {
      const loaded = chainIn(files, profile, settings, Date.now());
      const sessionChain = { ...loaded.chain, roles: [], profiles: [profile], mfaSerial: serial };
      const session = await profileSession({ profile, settings, ...mfaCode }, { ...loaded, chain: sessionChain });
      signer = session.credentials;
    }
    const iam = await iamClient(signer);
    try {
      const rotation = {
        store,
        backend: store.backend(entry.backend),
        profile,
        iam,
        userName,
        target,
        waitSeconds: store.settings.rotateWaitSeconds,
      };
      let rotated: Rotated | 'undone' = 'undone';
      if (entry.rotation) rotated = await resumeRotation(rotation, entry, old);
      if (rotated === 'undone') {
        const existing = await iam.listAccessKeys(userName);
        if (existing.length >= 2) {
          const others = existing.map((key) => key.accessKeyId).filter((id) => id !== old.accessKeyId);
          throw new UserError(
            `rotate: IAM user ${userName} already has two access keys ` +
              `(${existing.map((k) => k.accessKeyId).join(', ')}), the most IAM allows: delete the unused one ` +
              `('${deleteCommand(userName, others[0] ?? '…')}') and run rotate again; nothing changed`,
          );
        }
        rotated = await rotateKey(rotation, old);
      }
      const dropped = dropSessionsOf(settings.cacheDir, rotated.from);
      if (rotated.unfinished) {
        warn(rotated.unfinished);
        return 1;
      }
      process.stdout.write(
        `tfmfa: rotated '${profile}': ${rotated.from} → ${rotated.to} (stored in ` +
          `the ${backendLabel(entry.backend)}; old key deleted in ` +
          `IAM${dropped.length ? `; ${dropped.length} cached session(s) of the old key dropped` : ''})\n`,
      );
      return 0;
    } finally {
      iam.close();
    }
  });
}
