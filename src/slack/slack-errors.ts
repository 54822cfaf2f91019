// Reading the Slack Web API client's errors, in one place.

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
