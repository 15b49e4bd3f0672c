import type { Settings } from '../../environment/settings.ts';
import { spawn } from 'node:child_process';
import { childEnvironment } from './child-env.ts';
import { cacheKind, parseCredentialsJson, type ItemContent } from './items.ts';
import type { AwsVaultStore } from './store.ts';

const TIMEOUT_MS = 120_000;

/**
 * Any backend tfmfa does not read itself (pass, KWallet, Windows Credential Manager, 1Password, …), through the
 * installed aws-vault: `aws-vault list --credentials` names the profiles, `aws-vault export --no-session
 * --format=json PROFILE` prints one profile's long-term keys on a pipe only tfmfa reads. aws-vault keeps its
 * terminal (stdin, stderr) for its own prompts; it is the only program that gets AWS_VAULT_FILE_PASSPHRASE.
 */
export class ExportStore implements AwsVaultStore {
  readonly name: string;
  readonly where: string;
  private readonly program: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(program: string, backend: string | undefined, settings: Settings) {
    this.program = program;
    this.env = childEnvironment(settings, true);
    this.name = 'aws-vault export';
    this.where = `aws-vault (${program}${backend ? `, backend ${backend}` : ''})`;
  }

  async keys(): Promise<string[]> {
    const stdout = await this.run(['list', '--credentials']);
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  }

  async read(key: string): Promise<ItemContent> {
    if (cacheKind(key)) throw new Error(`'${key}' is not a profile`);
    const stdout = await this.run(['export', '--no-session', '--format=json', key]);
    return parseCredentialsJson(stdout, `aws-vault export ${key}`);
  }

  async remove(key: string): Promise<void> {
    await this.run(['remove', '--force', key]);
  }

  close(): void {}

  private run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.program, args, { env: this.env, stdio: ['inherit', 'pipe', 'inherit'] });
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${this.program}: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const output = Buffer.concat(chunks);
        const text = output.toString('utf8');
        output.fill(0);
        if (code === 0) resolve(text);
        else
          reject(
            new Error(
              `'aws-vault ${args[0]}' failed (${signal ? `killed by ${signal}` : `exit ${code}`}; its message ` +
                `is above)`,
            ),
          );
      });
    });
  }
}
