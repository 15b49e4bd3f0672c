import { UserError } from '../errors.ts';

export const summary = '(placeholder: being implemented)';
export const help = 'Usage: tfmfa completion';

export async function run(_argv: string[]): Promise<number> {
  throw new UserError('completion: not implemented yet');
}
