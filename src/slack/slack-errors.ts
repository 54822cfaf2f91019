// Reading the Slack Web API client's errors, in one place, and the one error the poster adds.
import { RetryLater } from '../jobs/processor.js';

/** Slack cannot take this message now (its 429, or the channel's line is full): come back then. */
export class SlackRateLimited extends RetryLater {
  constructor(retryAfterMs: number) {
    super(retryAfterMs, `Slack rate limit: retry in ${retryAfterMs} ms`);
  }
}

/** How long Slack asks us to wait, when `err` is the Web API client's rate-limit error. */
export function slackRetryAfterMs(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number } | null | undefined;
  if (e?.code !== 'slack_webapi_rate_limited_error') return undefined;
  return Math.max(1, e.retryAfter ?? 1) * 1000;
}

/** The `error` Slack answered with (`not_found`, `expired_trigger_id`…), when it answered one. */
export function slackErrorCode(err: unknown): string | undefined {
  return (err as { data?: { error?: string } } | null | undefined)?.data?.error;
}

/**
 * Whether Slack answered the call (an error code or a 429), or the poster never made it: then
 * nothing was done. A network error or a 5xx leaves open whether the call took effect.
 */
export function slackAnswered(err: unknown): boolean {
  if (err instanceof SlackRateLimited) return true;
  const code = (err as { code?: string } | null | undefined)?.code;
  return code === 'slack_webapi_platform_error' || code === 'slack_webapi_rate_limited_error';
}
