import { UserError } from '../errors.ts';

export const summary = '(placeholder: being implemented)';
export const help = 'Usage: tfmfa shim';

export async function run(_argv: string[]): Promise<number> {
  throw new UserError('shim: not implemented yet');
}
