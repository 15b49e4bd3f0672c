import { type Settings } from '../environment/settings.ts';
import { kindOfStep } from '../config/kinds/index.ts';
import type { AwsFilePaths } from '../config/paths.ts';
import type { SourceStep } from '../config/types.ts';
import { UserError } from '../errors.ts';
import type { AwsCredentials } from '../credentials.ts';

/** Base credentials of a chain, fetched by the source's kind; a failure is one line naming the profile. */
export async function sourceCredentials(
  source: SourceStep,
  paths: AwsFilePaths,
  settings: Settings,
): Promise<AwsCredentials> {
  const kind = kindOfStep(source);
  try {
    return await kind.fetch(source, paths, settings);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `profile '${source.profile}': could not get credentials ` +
        `from ${kind.origin(source)}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
