/**
 * AWS files with `count` profiles of every kind, for the scale test and `npm run bench`: static keys, roles on
 * them, roles whose source_profile does not exist (each a different missing name), MFA role chains two deep,
 * SSO and region-only profiles, some with sub-sections.
 */
export function manyProfiles(count: number): { config: string; credentials: string } {
  const config: string[] = [
    '[sso-session corp]',
    'sso_start_url = https://corp.example/start',
    'sso_region = us-east-1',
    '',
  ];
  const credentials: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `p${i}`;
    switch (i % 6) {
      case 0:
        config.push(`[profile ${name}]`, 'region = us-east-1', '');
        credentials.push(
          `[${name}]`,
          `aws_access_key_id = AKIA${String(i).padStart(16, '0')}`,
          `aws_secret_access_key = secret-${i}`,
          '',
        );
        break;
      case 1:
        config.push(
          `[profile ${name}]`,
          `role_arn = arn:aws:iam::111111111111:role/r${i}`,
          `source_profile = p${i - 1}`,
          'mfa_serial = arn:aws:iam::222222222222:mfa/me',
          '',
        );
        break;
      case 2:
        config.push(
          `[profile ${name}]`,
          `role_arn = arn:aws:iam::111111111111:role/r${i}`,
          `source_profile = missing-${i}-source`,
          '',
        );
        break;
      case 3:
        config.push(
          `[profile ${name}]`,
          `role_arn = arn:aws:iam::111111111111:role/r${i}`,
          `source_profile = p${i - 2}`,
          'output = json',
          's3 =',
          '  max_concurrent_requests = 20',
          '',
        );
        break;
      case 4:
        config.push(
          `[profile ${name}]`,
          'sso_session = corp',
          'sso_account_id = 111111111111',
          'sso_role_name = Admin',
          '',
        );
        break;
      default:
        config.push(`[profile ${name}]`, 'region = eu-west-1', 'cli_pager =', '');
    }
  }
  return { config: config.join('\n'), credentials: credentials.join('\n') };
}
