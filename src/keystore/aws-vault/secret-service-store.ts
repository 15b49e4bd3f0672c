import type { Settings } from '../../environment/settings.ts';
import { DbusConnection, DbusError } from './dbus-client.ts';
import { parseKeyringItem, type ItemContent } from './items.ts';
import type { AwsVaultStore } from './store.ts';

/**
 * aws-vault's Secret Service backend (keyring library, secretservice.go): the collection at
 * /org/freedesktop/secrets/collection/awsvault, one item per key, labelled with the key and carrying the
 * attribute profile=<key>, whose secret is the keyring item JSON. Read over D-Bus directly (dbus-client.ts):
 * @napi-rs/keyring only finds items by its own service/account attributes, and secret-tool searches every
 * collection and prints the secret to a pipe of another program.
 */
const SERVICE = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
export const AWSVAULT_COLLECTION = '/org/freedesktop/secrets/collection/awsvault';
const TIMEOUT_MS = 15_000;

export class SecretServiceStore implements AwsVaultStore {
  readonly name = 'secret-service';
  readonly where = `the Secret Service collection 'awsvault' (${AWSVAULT_COLLECTION})`;
  private itemPaths = new Map<string, string>();
  private session: string | undefined;

  private readonly bus: DbusConnection;

  private constructor(bus: DbusConnection) {
    this.bus = bus;
  }

  /** Connects; null when there is no bus or no `awsvault` collection on it (aws-vault never stored anything there). */
  static async open(settings: Settings): Promise<SecretServiceStore | null> {
    let bus: DbusConnection;
    try {
      bus = await DbusConnection.open(settings, TIMEOUT_MS);
    } catch {
      return null;
    }
    const store = new SecretServiceStore(bus);
    try {
      await store.property(AWSVAULT_COLLECTION, 'Collection', 'Label');
      return store;
    } catch {
      bus.close();
      return null;
    }
  }

  private async property(path: string, iface: 'Collection' | 'Item', name: string): Promise<unknown> {
    const [value] = await this.bus.call(
      {
        destination: SERVICE,
        path,
        interface: 'org.freedesktop.DBus.Properties',
        member: 'Get',
        signature: 'ss',
        body: [`org.freedesktop.Secret.${iface}`, name],
      },
      TIMEOUT_MS,
    );
    return value;
  }

  async keys(): Promise<string[]> {
    if ((await this.property(AWSVAULT_COLLECTION, 'Collection', 'Locked')) === true) await this.unlock();
    const paths = (await this.property(AWSVAULT_COLLECTION, 'Collection', 'Items')) as string[];
    const keys: string[] = [];
    for (const path of paths) {
      const attributes = new Map((await this.property(path, 'Item', 'Attributes')) as Array<[string, string]>);
      // The keyring library looks items up by the profile attribute; the label is the same key.
      const key = attributes.get('profile') ?? ((await this.property(path, 'Item', 'Label')) as string);
      if (!this.itemPaths.has(key)) this.itemPaths.set(key, path);
      keys.push(key);
    }
    return keys;
  }

  /** Unlocks the collection when the service can do it without a prompt (a prompt needs a desktop session). */
  private async unlock(): Promise<void> {
    const [, prompt] = await this.bus.call(
      {
        destination: SERVICE,
        path: SERVICE_PATH,
        interface: 'org.freedesktop.Secret.Service',
        member: 'Unlock',
        signature: 'ao',
        body: [[AWSVAULT_COLLECTION]],
      },
      TIMEOUT_MS,
    );
    if (prompt !== '/')
      throw new Error(
        "the 'awsvault' collection is locked: unlock it (run any aws-vault command, or use Seahorse) and run " +
          'the import again',
      );
  }

  private async openSession(): Promise<string> {
    if (this.session) return this.session;
    // "plain": the secret travels unencrypted on this private connection to the local bus, as it does for
    // every libsecret client when the service offers no encrypted session.
    const [, path] = await this.bus.call(
      {
        destination: SERVICE,
        path: SERVICE_PATH,
        interface: 'org.freedesktop.Secret.Service',
        member: 'OpenSession',
        signature: 'sv',
        body: ['plain', { signature: 's', value: '' }],
      },
      TIMEOUT_MS,
    );
    this.session = path as string;
    return this.session;
  }

  private pathOf(key: string): string {
    const path = this.itemPaths.get(key);
    if (!path) throw new Error(`no item for '${key}' in the 'awsvault' collection`);
    return path;
  }

  async read(key: string): Promise<ItemContent> {
    const path = this.pathOf(key);
    const session = await this.openSession();
    let secret: unknown[];
    try {
      [secret] = (await this.bus.call(
        {
          destination: SERVICE,
          path,
          interface: 'org.freedesktop.Secret.Item',
          member: 'GetSecret',
          signature: 'o',
          body: [session],
        },
        TIMEOUT_MS,
      )) as [unknown[]];
    } catch (error) {
      if (error instanceof DbusError && /IsLocked/.test(error.name))
        throw new Error("the 'awsvault' collection is locked: unlock it and run the import again");
      throw error;
    }
    const value = secret[2] as Buffer;
    try {
      return parseKeyringItem(value.toString('utf8'), key, `aws-vault item '${key}'`);
    } finally {
      value.fill(0);
    }
  }

  async remove(key: string): Promise<void> {
    const [prompt] = await this.bus.call(
      { destination: SERVICE, path: this.pathOf(key), interface: 'org.freedesktop.Secret.Item', member: 'Delete' },
      TIMEOUT_MS,
    );
    if (prompt !== '/')
      throw new Error('the Secret Service wants a confirmation to delete it: delete it with aws-vault remove');
  }

  close(): void {
    this.bus.close();
  }
}
