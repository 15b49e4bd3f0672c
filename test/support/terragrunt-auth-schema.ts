/**
 * Terragrunt's auth-provider output, schema v2 (REFERENCE.md): an object with optional `awsCredentials`
 * {ACCESS_KEY_ID, SECRET_ACCESS_KEY required; SESSION_TOKEN}, `awsRole` {roleARN required; roleSessionName,
 * duration, webIdentityToken} and `envs` (string → string); no other keys. Returns what is wrong, [] if valid.
 */
export function terragruntAuthSchemaErrors(value: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(value)) return ['output is not a JSON object'];
  for (const key of Object.keys(value)) {
    if (!['awsCredentials', 'awsRole', 'envs'].includes(key)) errors.push(`unknown key '${key}'`);
  }
  if ('awsCredentials' in value) {
    checkFields(errors, 'awsCredentials', value.awsCredentials, {
      ACCESS_KEY_ID: 'required',
      SECRET_ACCESS_KEY: 'required',
      SESSION_TOKEN: 'optional',
    });
  }
  if ('awsRole' in value) {
    checkFields(errors, 'awsRole', value.awsRole, {
      roleARN: 'required',
      roleSessionName: 'optional',
      duration: 'number',
      webIdentityToken: 'optional',
    });
  }
  if ('envs' in value) {
    if (!isObject(value.envs)) errors.push('envs is not an object');
    else
      for (const [name, v] of Object.entries(value.envs))
        if (typeof v !== 'string') errors.push(`envs.${name} is not a string`);
  }
  return errors;
}

function checkFields(
  errors: string[],
  where: string,
  value: unknown,
  fields: Record<string, 'required' | 'optional' | 'number'>,
): void {
  if (!isObject(value)) {
    errors.push(`${where} is not an object`);
    return;
  }
  for (const key of Object.keys(value)) if (!(key in fields)) errors.push(`${where}: unknown key '${key}'`);
  for (const [key, rule] of Object.entries(fields)) {
    const field = value[key];
    if (field === undefined) {
      if (rule === 'required') errors.push(`${where}.${key} is missing`);
    } else if (rule === 'number' ? typeof field !== 'number' : typeof field !== 'string' || field === '') {
      errors.push(`${where}.${key} is not a ${rule === 'number' ? 'number' : 'non-empty string'}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
