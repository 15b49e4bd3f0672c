/** Credentials as tfmfa passes them around; `expiration` absent means long-term keys. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export function secondsLeft(credentials: { expiration?: Date }, nowMs = Date.now()): number {
  return credentials.expiration ? (credentials.expiration.getTime() - nowMs) / 1000 : Infinity;
}
