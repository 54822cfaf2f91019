// How long to wait before retrying an AWS call: bounded exponential backoff with full jitter.

export interface RetryPolicy {
  /**
   * Retries of throttled or unavailable (5xx, network) calls before the request fails. Default 8.
   * Refusals (denied, invalid, not found, busy) are never retried.
   */
  maxRetries: number;
  /** First delay. Default 1 s. */
  baseDelayMs: number;
  /** Largest delay. Default 60 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
};

/** `random` is in [0, 1); passed in so tests can pin it. Half fixed, half jitter. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 20));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
