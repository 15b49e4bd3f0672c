import type { Settings } from '../../environment/settings.ts';
import { runProgram, lastLine } from '../../mfa/program.ts';
import { childEnvironment } from './child-env.ts';
import { parseCredentialsJson, type ItemContent } from './items.ts';
import type { AwsVaultStore } from './store.ts';

const SERVICE = 'aws-vault';
const TIMEOUT_SECONDS = 120;

/**
 * aws-vault's macOS Keychain backend: generic passwords of service `aws-vault` in the keychain
 * AWS_VAULT_KEYCHAIN_NAME (default aws-vault.keychain), account = key, data = the credentials JSON as is.
 * Read with /usr/bin/security, since the keyring binding reaches only the default keychain. Untested on a
 * real Mac here (tests run it against a stand-in `security` that answers the same way).
 */
export class KeychainStore implements AwsVaultStore {
  readonly name = 'keychain';
  readonly where: string;
  private readonly keychain: string;
  private readonly program: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(program: string, keychainName: string, settings: Settings) {
    this.program = program;
    this.keychain = `${keychainName}.keychain`;
    this.where = `the macOS keychain ${this.keychain}`;
    this.env = childEnvironment(settings, false);
  }

  async keys(): Promise<string[]> {
    // dump-keychain prints each item's attributes, not its data: "svce"<blob>="aws-vault" and "acct"<blob>="NAME".
    const out = await this.security(['dump-keychain', this.keychain]);
    const keys: string[] = [];
    for (const entry of out.split(/^keychain: /m)) {
      const service = /"svce"<blob>="((?:[^"\\]|\\.)*)"/.exec(entry)?.[1];
      const account = /"acct"<blob>="((?:[^"\\]|\\.)*)"/.exec(entry)?.[1];
      if (service === SERVICE && account !== undefined) keys.push(account);
    }
    return keys;
  }

  async read(key: string): Promise<ItemContent> {
    const out = await this.security(['find-generic-password', '-s', SERVICE, '-a', key, '-w', this.keychain]);
    const text = out.replace(/\n$/, '');
    // -w prints the data in hex when it is not printable text.
    const json =
      /^[0-9a-f]+$/.test(text) && text.length % 2 === 0 && !text.startsWith('{')
        ? Buffer.from(text, 'hex').toString('utf8')
        : text;
    return parseCredentialsJson(json, `aws-vault keychain item '${key}'`);
  }

  async remove(key: string): Promise<void> {
    await this.security(['delete-generic-password', '-s', SERVICE, '-a', key, this.keychain]);
  }

  close(): void {}

  private async security(args: string[]): Promise<string> {
    const outcome = await runProgram(this.program, args, { env: this.env, timeoutSeconds: TIMEOUT_SECONDS });
    if (outcome.kind === 'exited' && outcome.exitCode === 0) return outcome.stdout;
    if (outcome.kind === 'exited')
      throw new Error(`security ${args[0]} failed: ${lastLine(outcome.stderr) || `exit ${outcome.exitCode}`}`);
    if (outcome.kind === 'timeout')
      throw new Error(`security ${args[0]} did not answer within ${TIMEOUT_SECONDS}s (a keychain password dialog?)`);
    if (outcome.kind === 'missing') throw new Error(`${this.program} not found`);
    throw new Error(`security ${args[0]}: ${outcome.message}`);
  }
}
