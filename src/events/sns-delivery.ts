// SNS HTTPS subscription → /aws/events: a signed envelope whose Message is the event (EventBridge,
// CodeStar Notifications or an alarm action: notification-shapes.ts).
// Order matters: cheap checks and the allow-list first, the certificate URL before any fetch,
// the signature before anything in the message is believed.
import { type Delivery, parseJson } from './delivery.js';
import { type Outcome, type OutcomeCode, outcome } from './intake-outcome.js';
import { checkSigningCertUrl, checkSubscribeUrl } from './sns-cert-url.js';
import {
  CertificateNotValidError,
  CertificateUnavailableError,
  type SnsCertificates,
} from './sns-certificates.js';
import { type SnsMessage, snsMessageSchema, topicRegion } from './sns-message.js';
import { isSupportedSignatureVersion, verifySnsSignature } from './sns-signature.js';

export interface SnsDeliveryDeps {
  /** TopicArns whose messages are accepted (config.events.snsTopics). */
  snsTopics: string[];
  certificates: SnsCertificates;
  confirmSubscription: (url: URL) => Promise<void>;
  now: () => number;
  /** Oldest message accepted. Default 1 h. */
  maxAgeMs?: number;
}

/** Clock skew tolerated for a Timestamp ahead of ours. */
const MAX_FUTURE_MS = 5 * 60_000;

type Step = { ok: true } | { ok: false; outcome: Outcome };
const pass: Step = { ok: true };
const about = (code: OutcomeCode, m: SnsMessage, reason?: string): Outcome =>
  outcome(code, { ...(reason ? { reason } : {}), snsMessageId: m.MessageId, topicArn: m.TopicArn });
const fail = (code: OutcomeCode, m: SnsMessage, reason?: string): Step => ({
  ok: false,
  outcome: about(code, m, reason),
});
const answer = (code: OutcomeCode, m: SnsMessage, reason?: string): Delivery => ({
  kind: 'answer',
  outcome: about(code, m, reason),
});

function checkFreshness(m: SnsMessage, now: number, maxAgeMs: number): Step {
  const at = Date.parse(m.Timestamp);
  if (Number.isNaN(at) || now - at > maxAgeMs || at - now > MAX_FUTURE_MS) {
    return fail('stale_timestamp', m);
  }
  return pass;
}

export function createSnsDelivery(deps: SnsDeliveryDeps) {
  const allowed = new Set(deps.snsTopics);
  const maxAgeMs = deps.maxAgeMs ?? 3600_000;

  async function checkSignature(m: SnsMessage): Promise<Step> {
    const certUrl = checkSigningCertUrl(m.SigningCertURL, topicRegion(m.TopicArn));
    if (!certUrl.ok) return fail('untrusted_cert_url', m, certUrl.reason);
    try {
      const key = await deps.certificates.publicKeyFor(certUrl.url);
      return verifySnsSignature(m, key) ? pass : fail('bad_signature', m);
    } catch (err) {
      if (err instanceof CertificateNotValidError) return fail('cert_not_valid', m, err.message);
      if (err instanceof CertificateUnavailableError) {
        return fail('cert_unavailable', m, err.message);
      }
      throw err;
    }
  }

  async function authenticate(headerType: string, m: SnsMessage): Promise<Step> {
    if (headerType !== m.Type) return fail('sns_type_mismatch', m);
    if (!allowed.has(m.TopicArn)) return fail('topic_not_allowed', m);
    if (!isSupportedSignatureVersion(m.SignatureVersion)) {
      return fail('unsupported_signature_version', m);
    }
    const fresh = checkFreshness(m, deps.now(), maxAgeMs);
    return fresh.ok ? checkSignature(m) : fresh;
  }

  async function confirm(
    m: SnsMessage & { SubscribeURL: string; Token: string },
  ): Promise<Delivery> {
    const url = checkSubscribeUrl(m.SubscribeURL, {
      topicArn: m.TopicArn,
      region: topicRegion(m.TopicArn),
      token: m.Token,
    });
    if (!url.ok) return answer('untrusted_subscribe_url', m, url.reason);
    try {
      await deps.confirmSubscription(url.url);
      return answer('subscription_confirmed', m);
    } catch (err) {
      return answer('confirm_failed', m, (err as Error).message);
    }
  }

  /** Reads one SNS delivery; `headerType` is the x-amz-sns-message-type header. */
  return async function readSnsDelivery(headerType: string, body: Buffer): Promise<Delivery> {
    const json = parseJson(body);
    const parsed = json.ok ? snsMessageSchema.safeParse(json.value) : undefined;
    if (!parsed?.success) return { kind: 'answer', outcome: outcome('invalid_sns_message') };
    const m = parsed.data;
    const auth = await authenticate(headerType, m);
    if (!auth.ok) return { kind: 'answer', outcome: auth.outcome };
    if (m.Type === 'SubscriptionConfirmation') return confirm(m);
    if (m.Type === 'UnsubscribeConfirmation') {
      // Visiting its SubscribeURL would subscribe again; someone unsubscribed on purpose.
      return answer('unsubscribed', m);
    }
    // A Message that is not JSON (a plain-text alarm, say) is handed on as text: the intake
    // counts it as a shape it cannot read, like any other.
    const event = parseJson(Buffer.from(m.Message, 'utf8'));
    const value = event.ok ? event.value : m.Message;
    return { kind: 'event', via: 'sns', event: value, snsMessageId: m.MessageId };
  };
}
