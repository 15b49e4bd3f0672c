import { UserError } from '../errors.ts';

export const summary = '(placeholder: being implemented)';
export const help = 'Usage: tfmfa doctor';

export async function run(_argv: string[]): Promise<number> {
  throw new UserError('doctor: not implemented yet');
}
