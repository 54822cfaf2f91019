// Every answer /aws/events gives, in one place: HTTP status, the short reason sent back, and
// the metric label (the code). 2xx means "done with it" to AWS; 5xx means "retry".
export const OUTCOMES = {
  enqueued: { status: 200, message: 'event enqueued' },
  duplicate: { status: 200, message: 'event already received' },
  ignored: { status: 200, message: 'event acknowledged and ignored' },
  subscription_confirmed: { status: 200, message: 'subscription confirmed' },
  unsubscribed: { status: 200, message: 'unsubscribe acknowledged' },

  invalid_event: { status: 400, message: 'body is not an EventBridge event' },
  invalid_sns_message: { status: 400, message: 'body is not an SNS message' },
  sns_type_mismatch: { status: 400, message: 'message type header does not match the body' },
  unsupported_signature_version: { status: 400, message: 'unsupported SignatureVersion' },
  stale_timestamp: { status: 400, message: 'message timestamp is too old or in the future' },
  untrusted_cert_url: { status: 400, message: 'SigningCertURL is not an SNS certificate URL' },
  untrusted_subscribe_url: { status: 400, message: 'SubscribeURL is not an SNS URL' },
  missing_credentials: { status: 401, message: 'no shared secret or SNS signature' },
  wrong_secret: { status: 403, message: 'shared secret does not match' },
  direct_delivery_disabled: { status: 403, message: 'direct delivery is not configured' },
  topic_not_allowed: { status: 403, message: 'topic is not allowed' },
  bad_signature: { status: 403, message: 'signature does not verify' },
  cert_not_valid: { status: 403, message: 'signing certificate is not valid' },
  alarm_origin_mismatch: {
    status: 403,
    message: "alarm action is from another account or region than the configured alarm's",
  },
  method_not_allowed: { status: 405, message: 'use POST' },
  body_too_large: { status: 413, message: 'body is larger than 256 KiB' },

  internal_error: { status: 500, message: 'internal error; retry' },
  cert_unavailable: { status: 503, message: 'signing certificate unavailable; retry' },
  confirm_failed: { status: 503, message: 'could not confirm the subscription; retry' },
  // Another delivery of the same event is mid-enqueue (at-least-once delivery, or one event at
  // two replicas): expected, so logged at info; the sender's retry hears "duplicate".
  in_progress: { status: 503, message: 'the same event is being enqueued; retry', quiet: true },
  store_unavailable: { status: 503, message: 'event store unavailable; retry' },
  // An action FAILED whose stage still runs other actions: the stage's own end is what acts.
  stage_running: {
    status: 503,
    message: "the failed action's stage is still running; retry",
    quiet: true,
  },
  lookup_failed: { status: 503, message: 'could not read the failed stage from AWS; retry' },
  timeout: { status: 503, message: 'could not enqueue in time; retry' },
} as const satisfies Record<string, { status: number; message: string; quiet?: true }>;

export type OutcomeCode = keyof typeof OUTCOMES;

/** What happened to one request, with safe identifiers for the log (never secrets or bodies). */
export interface Outcome {
  code: OutcomeCode;
  log?: {
    reason?: string;
    eventId?: string;
    detailType?: string;
    snsMessageId?: string;
    topicArn?: string;
    /** How it came: eventbridge, codestar-notification, alarm-action. */
    shape?: string;
  };
}

export const outcome = (code: OutcomeCode, log?: Outcome['log']): Outcome =>
  log ? { code, log } : { code };
