import type { ItemContent } from './items.ts';

/** One of aws-vault's backends, as `tfmfa import --from aws-vault` reads it. */
export interface AwsVaultStore {
  /** The backend's name as AWS_VAULT_BACKEND spells it (or how it is reached: 'aws-vault export'). */
  readonly name: string;
  /** Where the items are, for messages. */
  readonly where: string;
  /** Every item key in the store (profiles, and aws-vault's caches, which the caller skips). */
  keys(): Promise<string[]>;
  /** One profile's item. Throws a one-line reason when it cannot be read. */
  read(key: string): Promise<ItemContent>;
  /** Deletes one profile's item (only after its keys are verified and stored). */
  remove(key: string): Promise<void>;
  /** Frees what the store holds open (a bus connection). */
  close(): void;
}
