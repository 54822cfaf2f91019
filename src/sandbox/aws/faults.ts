// Per-operation fault injection: throttling N times, HTTP 500 N times, a chosen error N times,
// and added (real) latency. Faults are consumed in that order.
import { AwsError } from './errors.js';
import type { ServiceName } from './router-types.js';

export interface FaultSpec {
  /** Answer ThrottlingException (CloudWatch: Throttling) this many times. */
  throttle?: number;
  /** Answer HTTP 500 this many times. */
  http500?: number;
  /** Delay every answer by this many real milliseconds until cleared. */
  latencyMs?: number;
  /** Answer this modelled error `times` times (default 1). */
  error?: { type: string; message: string; times?: number };
}

interface Active {
  throttle: number;
  http500: number;
  latencyMs: number;
  error?: { type: string; message: string; left: number };
}

export class Faults {
  private active = new Map<string, Active>();

  inject(operation: string, spec: FaultSpec): void {
    const a: Active = {
      throttle: spec.throttle ?? 0,
      http500: spec.http500 ?? 0,
      latencyMs: spec.latencyMs ?? 0,
    };
    if (spec.error)
      a.error = { type: spec.error.type, message: spec.error.message, left: spec.error.times ?? 1 };
    this.active.set(operation, a);
  }

  clear(): void {
    this.active.clear();
  }

  /** The fault, if any, for this call; consumes one use. */
  take(service: ServiceName, operation: string): { latencyMs: number; error?: AwsError } {
    const a = this.active.get(operation);
    if (!a) return { latencyMs: 0 };
    if (a.throttle > 0) {
      a.throttle--;
      const type = service === 'cloudwatch' ? 'Throttling' : 'ThrottlingException';
      return {
        latencyMs: a.latencyMs,
        error: new AwsError(type, 'Rate exceeded', 400, 'Throttling'),
      };
    }
    if (a.http500 > 0) {
      a.http500--;
      const type = service === 'cloudwatch' ? 'InternalServiceFault' : 'InternalFailure';
      return {
        latencyMs: a.latencyMs,
        error: new AwsError(
          type,
          'We encountered an internal error. Please try again.',
          500,
          'InternalServiceError',
        ),
      };
    }
    if (a.error && a.error.left > 0) {
      a.error.left--;
      return { latencyMs: a.latencyMs, error: new AwsError(a.error.type, a.error.message) };
    }
    return { latencyMs: a.latencyMs };
  }
}
