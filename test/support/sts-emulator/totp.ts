// MFA devices (TOTP, 30-second windows, 6 digits) and their single-use codes. Test fixture only.

import { HOTP, Secret } from 'otpauth';
import { sameString } from './signing.ts';
import { StsError } from './protocol.ts';

const TOTP_PERIOD_SECONDS = 30;
export const MFA_FAILED = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';

interface MfaDevice {
  serial: string;
  secretBase32: string;
  secret: Secret;
  lastUsedStep: number | null;
}

/** The TOTP step (window number) at an epoch-ms instant. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

function codeAt(secret: Secret, step: number): string {
  return HOTP.generate({ secret, algorithm: 'SHA1', digits: 6, counter: step });
}

export class MfaDevices {
  private readonly devices = new Map<string, MfaDevice>();

  add(o: { serial: string; secret?: string }): { serial: string; secret: string } {
    const secret = o.secret === undefined ? new Secret({ size: 20 }) : Secret.fromBase32(o.secret);
    const secretBase32 = o.secret ?? secret.base32;
    this.devices.set(o.serial, { serial: o.serial, secretBase32, secret, lastUsedStep: null });
    return { serial: o.serial, secret: secretBase32 };
  }

  has(serial: string): boolean {
    return this.devices.has(serial);
  }

  /** The code of a device at a TOTP step; throws for an unknown device. */
  code(serial: string, step: number): string {
    const device = this.devices.get(serial);
    if (!device) throw new Error(`unknown MFA device ${serial}`);
    return codeAt(device.secret, step);
  }

  /**
   * true: valid MFA on this call; false: no MFA given; throws AccessDenied for a bad/replayed code or unknown
   * device. A code is accepted one window either side of `step`, and each window's code only once.
   */
  verify(serial: string | null, code: string | null, step: number): boolean {
    if (serial === null && code === null) return false;
    const device = serial === null ? undefined : this.devices.get(serial);
    if (!device || code === null) throw new StsError(403, 'AccessDenied', MFA_FAILED);
    for (const candidate of [step, step - 1, step + 1]) {
      if (!sameString(codeAt(device.secret, candidate), code)) continue;
      if (device.lastUsedStep !== null && candidate <= device.lastUsedStep) break;
      device.lastUsedStep = candidate;
      return true;
    }
    throw new StsError(403, 'AccessDenied', MFA_FAILED);
  }
}
