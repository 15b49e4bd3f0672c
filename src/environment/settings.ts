import {
  FOREIGN_SECRET_VARIABLE_NAMES,
  homeDirectory,
  setting,
  VARIABLES,
  withdrawnSecret,
  type Parsed,
  type VariableKey,
} from './variables.ts';

/**
 * The environment read once: one value built at each entry point (command mode, shim mode) and passed down
 * instead of the raw environment. A field per entry of the contract (variables.ts), parsed when first read and
 * then kept: an invalid value is still a one-line error naming the variable, raised on the path that reads it
 * and nowhere else (the shim's marker path reads almost nothing). Then the few inputs tfmfa reads that are not
 * its own: the AWS SDKs' variables, HOME, the desktop's, the shell's.
 *
 * The raw environment stays reachable as `environment` for one use only: building a child's environment
 * (environment/changes.ts, applyChanges). Adding a variable to the contract adds its field here by itself.
 *
 * On the shim's hot path: no import beyond variables.ts, and nothing is parsed before it is asked for.
 */
type Env = NodeJS.ProcessEnv;

/** The contract's variables, parsed (variables.ts says what each means, its default and range). */
export type ContractSettings = { readonly [K in VariableKey]: Parsed<K> };

/** The inputs that are not tfmfa's, by field: the variable each one reads as it is set. */
const OTHER_VARIABLES = {
  awsProfile: 'AWS_PROFILE',
  awsDefaultProfile: 'AWS_DEFAULT_PROFILE',
  awsRegion: 'AWS_REGION',
  awsDefaultRegion: 'AWS_DEFAULT_REGION',
  /** The SDK's files as set (aws-files.ts resolves the file). */
  awsConfigFile: 'AWS_CONFIG_FILE',
  awsSharedCredentialsFile: 'AWS_SHARED_CREDENTIALS_FILE',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsSessionToken: 'AWS_SESSION_TOKEN',
  awsContainerCredentialsFullUri: 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  awsContainerAuthorizationToken: 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  /** aws-vault's marker: the profile of the aws-vault session this shell runs in. */
  awsVault: 'AWS_VAULT',
  awsLoginCacheDirectory: 'AWS_LOGIN_CACHE_DIRECTORY',
  awsEndpointUrl: 'AWS_ENDPOINT_URL',
  awsIgnoreConfiguredEndpointUrls: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  path: 'PATH',
  pwd: 'PWD',
  shell: 'SHELL',
  browser: 'BROWSER',
  display: 'DISPLAY',
  waylandDisplay: 'WAYLAND_DISPLAY',
  dbusSessionBusAddress: 'DBUS_SESSION_BUS_ADDRESS',
  xdgRuntimeDir: 'XDG_RUNTIME_DIR',
  xdgConfigHome: 'XDG_CONFIG_HOME',
  xdgCurrentDesktop: 'XDG_CURRENT_DESKTOP',
} as const;

export type OtherInputs = { readonly [K in keyof typeof OTHER_VARIABLES]: string | undefined } & {
  /** The raw environment: only for building a child's (applyChanges); everything else reads a field. */
  readonly environment: Env;
  /** HOME, else the account's home directory. */
  readonly home: string;
  /** USER, else LOGNAME. */
  readonly user: string | undefined;
  /** aws-vault's file passphrase, withdrawn from process.env at the start like tfmfa's own secrets. */
  readonly awsVaultFilePassphrase: string | undefined;
  /**
   * A variable of another tool's table, by name: aws-vault's (keystore/aws-vault/variables.ts) and the SDK's
   * endpoint variables (AWS_ENDPOINT_URL_<SERVICE>, config/endpoint.ts).
   */
  otherVariable(name: string): string | undefined;
};

export type Settings = ContractSettings & OtherInputs;

/** The prototype of every Settings: lazy, memoised getters over `environment`. */
const prototype: object = Object.create(null);
for (const key of Object.keys(VARIABLES) as VariableKey[]) {
  Object.defineProperty(prototype, key, {
    get(this: { environment: Env }) {
      const value = setting(this.environment, key);
      Object.defineProperty(this, key, { value, enumerable: true });
      return value;
    },
  });
}
for (const [field, name] of Object.entries(OTHER_VARIABLES)) {
  Object.defineProperty(prototype, field, {
    get(this: { environment: Env }) {
      return this.environment[name];
    },
  });
}
Object.defineProperties(prototype, {
  home: {
    get(this: { environment: Env }) {
      return homeDirectory(this.environment);
    },
  },
  user: {
    get(this: { environment: Env }) {
      return this.environment.USER || this.environment.LOGNAME;
    },
  },
  awsVaultFilePassphrase: {
    get(this: { environment: Env }) {
      return withdrawnSecret(this.environment, FOREIGN_SECRET_VARIABLE_NAMES[0]);
    },
  },
  otherVariable: {
    value(this: { environment: Env }, name: string) {
      // aws-vault's passphrase is withdrawn from process.env at the start: still seen as set.
      return withdrawnSecret(this.environment, name);
    },
  },
});

/** The settings of `env` (process.env at an entry point; a test's own object elsewhere). Nothing is parsed yet. */
export function readSettings(env: Env = process.env): Settings {
  const settings = Object.create(prototype) as { environment: Env };
  Object.defineProperty(settings, 'environment', { value: env, enumerable: false });
  return settings as unknown as Settings;
}
