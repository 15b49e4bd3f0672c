import { UserError } from '../errors.ts';

export async function runShim(tool: string, _args: string[]): Promise<number> {
  throw new UserError(`shim mode for ${tool} is not implemented yet`);
}
