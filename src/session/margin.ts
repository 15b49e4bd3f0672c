/**
 * How much life a credential must have left to be handed out, by use. One rule, for the cache, the tickets and
 * the credential server:
 *
 *   required = max(TFMFA_MIN_TTL, min(floor, lifetime - MIN_USEFUL_SECONDS))
 *
 * The floor is what the use needs (static keys: the AWS CLI's 15 minutes; the server: beyond every SDK's
 * refresh window). A role whose whole lifetime is shorter than floor + MIN_USEFUL (STS's 900 s minimum) could
 * never meet the floor: it is then renewed MIN_USEFUL_SECONDS after it was issued, not on every request.
 */

/** Static keys handed to a child keep at least this long: the AWS CLI treats credentials as expired 15 min early. */
export const STATIC_KEYS_FLOOR_SECONDS = 15 * 60;

/**
 * Served credentials keep at least this long: botocore refreshes 15 minutes before expiry (advisory, 10 mandatory,
 * and fails when refreshed credentials are still inside the mandatory window), the JS SDK v3 5 minutes, the Go
 * SDK v2 at expiry (plus its jitter): 16 minutes stays outside all of them.
 */
export const SERVER_FLOOR_SECONDS = 16 * 60;

/** The least life a fresh credential is used for before a floor that it cannot meet renews it. */
export const MIN_USEFUL_SECONDS = 60;

/**
 * A use's floor, lowered to what the source's kind can ever meet (its `floorCapSeconds`: `aws login` credentials
 * last 15 minutes, so what is made from them is served down to the 5 minutes at which the SDKs refresh them).
 */
export function cappedFloor(floorSeconds: number, capSeconds: number | undefined): number {
  return capSeconds === undefined ? floorSeconds : Math.min(floorSeconds, capSeconds);
}

export function requiredSeconds(minTtlSeconds: number, floorSeconds: number, lifetimeSeconds: number): number {
  return Math.max(minTtlSeconds, Math.min(floorSeconds, lifetimeSeconds - MIN_USEFUL_SECONDS));
}
