// The emulator's two clocks. Test fixture only.
//  - The emulator clock (real time + an offset moved by advance()) decides expiry and TOTP windows.
//  - The server clock (real time + a skew set by setSkew()) is what SigV4 timestamps are checked against
//    and what the Date header says, as a real server whose clock differs from the client's.

export class EmulatorClock {
  private offsetMs = 0;
  private skewMs = 0;

  /** Epoch ms on the emulator clock. */
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Epoch ms on the server clock. */
  serverNowMs(): number {
    return Date.now() + this.skewMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  setSkew(seconds: number): void {
    this.skewMs = seconds * 1000;
  }
}
