// Slack's per-channel message limit: about one message a second per channel, with short bursts.
// A token bucket per (method, channel); an empty bucket answers HTTP 429 with Retry-After.

export interface RateLimitOptions {
  /** Sustained messages per second per channel. Slack: about 1. */
  perChannelPerSecond: number;
  /** Messages allowed at once before the sustained rate applies. */
  burst: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = { perChannelPerSecond: 1, burst: 3 };

/** Methods Slack limits per channel. */
export const CHANNEL_RATE_LIMITED_METHODS = new Set(['chat.postMessage', 'chat.update']);

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class ChannelRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly forced = new Map<string, { times: number; retryAfterSeconds: number }>();

  constructor(
    private readonly limits: RateLimitOptions | false,
    private readonly now: () => number,
  ) {}

  /** The next `times` calls of `method` answer 429, whatever the channel. */
  force(method: string, times: number, retryAfterSeconds: number): void {
    this.forced.set(method, { times, retryAfterSeconds });
  }

  /** Returns the Retry-After seconds when the call must be refused, otherwise undefined. */
  check(method: string, channel: string | undefined): number | undefined {
    const forced = this.forced.get(method);
    if (forced && forced.times > 0) {
      forced.times -= 1;
      if (forced.times === 0) this.forced.delete(method);
      return forced.retryAfterSeconds;
    }
    if (
      this.limits === false ||
      channel === undefined ||
      !CHANNEL_RATE_LIMITED_METHODS.has(method)
    ) {
      return undefined;
    }
    const key = `${method}\u0000${channel}`;
    const now = this.now();
    const { perChannelPerSecond: rate, burst } = this.limits;
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    const waitMs = ((1 - bucket.tokens) / rate) * 1000;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
}
