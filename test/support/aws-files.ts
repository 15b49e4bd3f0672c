import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway directory with an AWS config and credentials file. */
export interface AwsFilesFixture {
  dir: string;
  configPath: string;
  credentialsPath: string;
  cleanup(): void;
}

export function writeAwsFiles(
  config: string,
  credentials = '',
  dir = mkdtempSync(join(tmpdir(), 'tfmfa-test-')),
): AwsFilesFixture {
  mkdirSync(join(dir, '.aws'), { recursive: true });
  const configPath = join(dir, '.aws', 'config');
  const credentialsPath = join(dir, '.aws', 'credentials');
  writeFileSync(configPath, config);
  writeFileSync(credentialsPath, credentials);
  return { dir, configPath, credentialsPath, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
