// The call log: one record per request to the query API or the federation endpoint, so tests can count
// calls by action and caller and see how each ended. Test fixture only.

export interface EmulatorCall {
  action: string;
  accessKeyId: string | null;
  principal: string | null;
  ok: boolean;
  errorCode?: string;
  /** Request parameters, with the MFA code redacted. */
  params: Record<string, string>;
}

export class CallLog {
  private readonly records: EmulatorCall[] = [];

  /** Logs a call and returns its record, which the caller fills in as the request proceeds. */
  start(action: string, params: Record<string, string>): EmulatorCall {
    const record: EmulatorCall = { action, accessKeyId: null, principal: null, ok: false, params };
    this.records.push(record);
    return record;
  }

  count(action?: string, callerAccessKeyId?: string): number {
    let n = 0;
    for (const c of this.records) {
      if (action !== undefined && c.action !== action) continue;
      if (callerAccessKeyId !== undefined && c.accessKeyId !== callerAccessKeyId) continue;
      n++;
    }
    return n;
  }

  /** Copies of the records, oldest first. */
  calls(): ReadonlyArray<EmulatorCall> {
    return this.records.map((c) => ({ ...c, params: { ...c.params } }));
  }

  /** Calls per action, for the control endpoint. */
  countsByAction(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.records) counts[c.action] = (counts[c.action] ?? 0) + 1;
    return counts;
  }

  reset(): void {
    this.records.length = 0;
  }
}
