// Every attempt to act is audited, including the refused ones that never become a request.
import type { Redis } from 'ioredis';
import { appendAudit } from '../store/audit-stream.js';

export interface AttemptAudit {
  record(entry: {
    by: string;
    event: string;
    env?: string;
    channel?: string;
    detail?: string;
    request?: string;
    /** A CodeDeploy deployment acted on (a forward deploy held while blocked). */
    deployment?: string;
  }): Promise<void>;
}

export function createAttemptAudit(
  redis: Redis,
  prefix: string,
  now: () => number = Date.now,
): AttemptAudit {
  return {
    record: (entry) => appendAudit(redis, `${prefix}:audit`, entry, now()),
  };
}
