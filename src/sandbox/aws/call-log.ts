import type { ServiceName } from './router-types.js';

export interface RecordedCall {
  service: ServiceName;
  operation: string;
  region: string;
  input: Record<string, unknown>;
  /** Simulated time of the call, ISO 8601. */
  time: string;
  /** HTTP status answered. */
  status: number;
  /** Error name when the call failed (modelled or injected). */
  error?: string;
}

export interface CallFilter {
  service?: ServiceName;
  operation?: string;
}

export class CallLog {
  private entries: RecordedCall[] = [];

  record(call: RecordedCall): void {
    this.entries.push(call);
  }

  list(filter: CallFilter = {}): RecordedCall[] {
    return this.entries.filter(
      (c) =>
        (filter.service === undefined || c.service === filter.service) &&
        (filter.operation === undefined || c.operation === filter.operation),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
