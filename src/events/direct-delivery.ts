// EventBridge API destination → /aws/events: the event JSON as the body, our secret in a header.
import type { IncomingHttpHeaders } from 'node:http';
import { type Delivery, headerValue, parseJson } from './delivery.js';
import { outcome } from './intake-outcome.js';
import { SHARED_SECRET_HEADER, sharedSecretMatches } from './shared-secret.js';

export function readDirectDelivery(
  headers: IncomingHttpHeaders,
  body: Buffer,
  sharedSecret: string | undefined,
): Delivery {
  const presented = headerValue(headers, SHARED_SECRET_HEADER);
  if (presented === undefined) return { kind: 'answer', outcome: outcome('missing_credentials') };
  if (!sharedSecret) return { kind: 'answer', outcome: outcome('direct_delivery_disabled') };
  if (!sharedSecretMatches(presented, sharedSecret)) {
    return { kind: 'answer', outcome: outcome('wrong_secret') };
  }
  const json = parseJson(body);
  if (!json.ok)
    return { kind: 'answer', outcome: outcome('invalid_event', { reason: 'not JSON' }) };
  return { kind: 'event', via: 'eventbridge', event: json.value };
}
