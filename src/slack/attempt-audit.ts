// Every attempt to act is audited, including the refused ones that never become a request.
import type { Redis } from 'ioredis';

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
    async record(entry) {
      const fields: string[] = ['at', String(now())];
      for (const [k, v] of Object.entries(entry))
        if (v !== undefined) fields.push(k, String(v).slice(0, 500));
      await redis.xadd(`${prefix}:audit`, 'MAXLEN', '~', '1000000', '*', ...fields);
    },
  };
}
