import { UserError } from '../errors.ts';
import { debug } from '../debug.ts';
import { StsError } from './sts-errors.ts';
import { getCallerIdentity, type StsTarget } from './sts.ts';
import type { Iam } from './iam.ts';
import type { KeyBackend, LongTermKeys } from '../keystore/types.ts';
import type { KeyIndexEntry } from '../keystore/key-index.ts';
import { stagingName, updateEntry, type KeyStore } from '../keystore/store.ts';

/** The IAM user name in a GetCallerIdentity ARN (`arn:aws:iam::123:user/path/name`), else null. */
export function iamUserName(arn: string): string | null {
  const match = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  return match ? (match[1] as string) : null;
}

/** The shell command that deletes a key, for messages that leave a step to the user. */
export function deleteCommand(userName: string, accessKeyId: string): string {
  return `aws iam delete-access-key --user-name ${userName} --access-key-id ${accessKeyId}`;
}

/**
 * Waits until STS accepts a new key (IAM is eventually consistent: a fresh key is refused for a few seconds).
 * Only "unknown key" is waited out; any other error ends the wait.
 */
export async function waitUntilKeyWorks(
  keys: LongTermKeys,
  target: StsTarget,
  waitSeconds: number,
  pollMs = 2000,
): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      await getCallerIdentity(keys, target);
      return;
    } catch (error) {
      const notYet = error instanceof StsError && (error.kind === 'invalid-key' || error.kind === 'bad-secret');
      if (!notYet || Date.now() + pollMs > deadline) throw error;
      debug(`new key ${keys.accessKeyId} not accepted yet (${error.code}): waiting`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/**
 * The rotation itself, in an order where the only working secret is never overwritten before its successor
 * is stored AND accepted by STS (docs/key-store-rotation.md):
 *
 *   1 CreateAccessKey NEW          5 the profile's entry in the backend ← NEW (OLD's secret goes only now)
 *   2 index: rotation OLD → NEW    6 index: the profile's key is NEW
 *   3 backend: staged entry ← NEW  7 DeleteAccessKey OLD
 *   4 STS accepts NEW              8 drop the staged entry, 9 index: rotation done
 *
 * Before 5 every failure undoes the rotation (NEW deleted in IAM); from 5 on it only goes forward. A run that
 * dies at any point leaves the marker of step 2 (or, before it, two keys in IAM that the next rotate names),
 * and the next `tfmfa rotate` finishes or undoes it (resume).
 */
export interface Rotation {
  store: KeyStore;
  backend: KeyBackend;
  profile: string;
  iam: Iam;
  userName: string;
  target: StsTarget;
  waitSeconds: number;
}

export interface Rotated {
  from: string;
  to: string;
  /** What is left to do (the old key still in IAM, leftovers in the key store): one line, or null. */
  unfinished: string | null;
}

const again = (profile: string) => `run 'tfmfa rotate ${profile}' again to finish`;

/** Steps 1-9 from the profile's current key `old`. */
export async function rotateKey(r: Rotation, old: LongTermKeys): Promise<Rotated> {
  let created: LongTermKeys;
  try {
    created = await r.iam.createAccessKey(r.userName);
  } catch (error) {
    throw new UserError(
      `rotate: ${(error as Error).message}; nothing changed: the key store and IAM hold ${old.accessKeyId}`,
    );
  }
  try {
    updateEntry(r.store, r.profile, (entry) => ({
      ...entry,
      rotation: { from: old.accessKeyId, to: created.accessKeyId, startedAt: new Date().toISOString() },
    }));
  } catch (error) {
    throw await undo(
      r,
      created.accessKeyId,
      old.accessKeyId,
      `rotate: could not note the rotation in the key index (${(error as Error).message})`,
    );
  }
  try {
    await r.backend.set(stagingName(r.profile), created);
  } catch (error) {
    throw await undo(
      r,
      created.accessKeyId,
      old.accessKeyId,
      `rotate: could not store the new key (${(error as Error).message})`,
    );
  }
  return finish(r, {
    from: old.accessKeyId,
    created,
    stored: old.accessKeyId,
    indexed: old.accessKeyId,
    oldInIam: true,
  });
}

/**
 * Finishes or undoes the rotation an earlier run left (`entry.rotation`), given the key the profile's entry
 * holds now (`stored`, which works: the caller checked it). 'undone' when the profile keeps its old key (the
 * caller may then start a new rotation).
 */
export async function resumeRotation(
  r: Rotation,
  entry: KeyIndexEntry,
  stored: LongTermKeys,
): Promise<Rotated | 'undone'> {
  const marker = entry.rotation;
  if (!marker) throw new Error('resumeRotation: no rotation to resume');
  const inIam = (await r.iam.listAccessKeys(r.userName)).map((key) => key.accessKeyId);
  const staged = await r.backend.get(stagingName(r.profile));
  const created = [staged, stored].find((keys) => keys?.accessKeyId === marker.to) ?? null;
  const unfinished = `an interrupted rotation of '${r.profile}' (${marker.from} → ${marker.to})`;
  if (created && inIam.includes(marker.to)) {
    debug(`resuming ${unfinished}`);
    return finish(r, {
      from: marker.from,
      created,
      stored: stored.accessKeyId,
      indexed: entry.accessKeyId,
      oldInIam: inIam.includes(marker.from),
    });
  }
  if (stored.accessKeyId === marker.to) {
    throw new UserError(
      `rotate: ${unfinished}: the stored key ${marker.to} is no longer in IAM: store a working key with 'tfmfa ` +
        `add ${r.profile}'`,
    );
  }
  // NEW was deleted in IAM (an undo), or was created but its secret never stored (nobody has it): undo.
  if (inIam.includes(marker.to)) {
    try {
      await r.iam.deleteAccessKey(r.userName, marker.to);
    } catch (error) {
      throw new UserError(
        `rotate: ${unfinished}: its new key was never stored, and deleting it failed ` +
          `(${(error as Error).message}): the key store holds ${stored.accessKeyId}, which works; ` +
          `delete ${marker.to} with '${deleteCommand(r.userName, marker.to)}' or ${again(r.profile)}`,
      );
    }
  }
  const left = await clearRotation(r);
  if (left)
    throw new UserError(
      `rotate: ${unfinished} is undone in IAM, but its note in the key store could not be cleared (${left}): ` +
        `the key store holds ${stored.accessKeyId}, which works; ${again(r.profile)}`,
    );
  process.stderr.write(`tfmfa: undid ${unfinished}: '${r.profile}' keeps ${stored.accessKeyId}\n`);
  return 'undone';
}

interface Progress {
  from: string;
  created: LongTermKeys;
  /** The key id the profile's entry in the backend holds. */
  stored: string;
  /** The key id the index has for the profile. */
  indexed: string;
  oldInIam: boolean;
}

/** Steps 4-9, skipping what is done already. */
async function finish(r: Rotation, p: Progress): Promise<Rotated> {
  const to = p.created.accessKeyId;
  if (p.stored !== to) {
    try {
      await waitUntilKeyWorks(p.created, r.target, r.waitSeconds);
    } catch (error) {
      throw await undo(
        r,
        to,
        p.from,
        `rotate: the new key ${to} was not accepted within ${r.waitSeconds}s (${(error as Error).message})`,
      );
    }
    try {
      await r.backend.set(r.profile, p.created);
    } catch (error) {
      throw await undo(r, to, p.from, `rotate: could not store the new key (${(error as Error).message})`);
    }
  }
  if (p.indexed !== to) {
    try {
      updateEntry(r.store, r.profile, (entry) => ({ ...entry, accessKeyId: to, addedAt: new Date().toISOString() }));
    } catch (error) {
      throw new UserError(
        `rotate: the new key ${to} is stored and works, but the key index could not be updated ` +
          `(${(error as Error).message}); IAM still has ${p.from} too: ${again(r.profile)}`,
      );
    }
  }
  if (p.oldInIam) {
    try {
      await r.iam.deleteAccessKey(r.userName, p.from);
    } catch (error) {
      const left = await clearRotation(r);
      return {
        from: p.from,
        to,
        unfinished:
          `the new key ${to} is stored and works, but the old key ${p.from} is still active in IAM ` +
          `(${(error as Error).message}): delete it with ` +
          `'${deleteCommand(r.userName, p.from)}'${left ? ` (and ${again(r.profile)}: ${left})` : ''}`,
      };
    }
  }
  const left = await clearRotation(r);
  return {
    from: p.from,
    to,
    unfinished: left
      ? `rotated, but the staged copy or the note of the rotation is left in the key store ` +
        `(${left}): ${again(r.profile)}`
      : null,
  };
}

/** Steps 8-9: the staged entry, then the marker. The reason it failed, or null. */
async function clearRotation(r: Rotation): Promise<string | null> {
  try {
    await r.backend.delete(stagingName(r.profile));
    updateEntry(r.store, r.profile, ({ rotation: _done, ...entry }) => entry);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Before step 5 has happened: deletes the new key in IAM and clears what the rotation left in the key store;
 * the error says what IAM and the key store hold. If the profile's entry holds the new key after all (a
 * backend write that failed late), nothing is deleted: the next rotate finishes.
 */
async function undo(r: Rotation, created: string, kept: string, reason: string): Promise<UserError> {
  const holds = await r.backend.get(r.profile).then(
    (keys) => keys?.accessKeyId,
    () => undefined,
  );
  if (holds !== kept) {
    return new UserError(
      `${reason}; the key store holds ${holds ?? 'no readable key'} for '${r.profile}', IAM has ${kept} ` +
        `and ${created}: ${again(r.profile)}`,
    );
  }
  try {
    await r.iam.deleteAccessKey(r.userName, created);
  } catch (error) {
    return new UserError(
      `${reason}; could not delete the new key ${created} either (${(error as Error).message}): the key store ` +
        `holds ${kept}, which still works; IAM also has ${created}: delete it with ` +
        `'${deleteCommand(r.userName, created)}' (or ${again(r.profile)})`,
    );
  }
  const left = await clearRotation(r);
  const note = left
    ? `; the note of the rotation is left in the key store (${left}): the next 'tfmfa rotate ${r.profile}' clears it`
    : '';
  return new UserError(
    `${reason}; deleted the new key ${created} again: ` +
      `IAM and the key store hold only ${kept}, which still works${note}`,
  );
}
