import { UserError } from '../errors.ts';
import type { SessionRequest } from '../session/profile-session.ts';

export interface RunWithServerOptions {
  request: SessionRequest;
  /** The resolved command file and its argv (argv[0] as the user typed it). */
  file: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export async function runWithServer(_options: RunWithServerOptions): Promise<number> {
  throw new UserError('exec --server: not implemented yet');
}
