// POST /aws/events: authenticate (shared secret or SNS signature), read, dedupe, enqueue, and
// answer honestly: 2xx only once the event is in Redis, 5xx when AWS should retry, 4xx (with a
// short reason) for anything we will never accept. Always within the answer budget.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/config.js';
import type { RouteHandler } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { DedupeStore } from '../store/event-dedupe-store.js';
import { type Delivery, headerValue } from './delivery.js';
import { readDirectDelivery } from './direct-delivery.js';
import type { DomainEvent } from './domain-event.js';
import { dedupeIds, enqueueOnce } from './enqueue-once.js';
import type { FailedStageReader } from './failed-stage.js';
import { OUTCOMES, type Outcome, outcome } from './intake-outcome.js';
import { normaliseEvent } from './normalise.js';
import { MAX_BODY_BYTES, readBody } from './read-body.js';
import { refineEvent } from './refine-event.js';
import { createSnsCertificates, type FetchCertificate } from './sns-certificates.js';
import { createSnsDelivery } from './sns-delivery.js';
import { createSnsSubscriptionConfirmer } from './sns-http.js';
import { SNS_MESSAGE_TYPE_HEADER } from './sns-message.js';
import { createUnreadableShapes } from './unreadable-shapes.js';

export interface AwsEventsHandlerDeps {
  log: Logger;
  metrics?: Pick<Metrics, 'awsEvents' | 'eventsUnreadable'>;
  /** Where alarm actions must come from, and which pipelines' failures are read per stage. */
  config: Pick<Config, 'environments'>;
  /**
   * Names the stage of a pipeline- or action-level FAILED (`createFailedStageReader`, which reads
   * AWS). Without it those events are enqueued as they are.
   */
  failedStage?: FailedStageReader;
  /** EVENTS_SHARED_SECRET; without it, direct EventBridge delivery is refused (403). */
  sharedSecret?: string;
  /** Allowed SNS TopicArns (config.events.snsTopics). */
  snsTopics: string[];
  /** Durable hand-off, e.g. `createEventQueue(…).enqueue`. Resolves once the event is stored. */
  /** Resolves 'duplicate' when the occurrence was already enqueued by another path. */
  enqueue: (event: DomainEvent) => Promise<unknown>;
  dedupe: DedupeStore;
  /** Fetches a checked SigningCertURL; production: `createSnsCertificateFetcher()`. */
  fetchCertificate: FetchCertificate;
  /** Visits a checked SubscribeURL. Default: `createSnsSubscriptionConfirmer()`. */
  confirmSubscription?: (url: URL) => Promise<void>;
  /** Wall clock for SNS timestamps and certificate validity. Default Date.now. */
  now?: () => number;
  /** Longest time before answering; AWS gives up at 5 s. Default 4500 ms. */
  answerWithinMs?: number;
  /** Time allowed for dedupe claim + enqueue. Default 3000 ms. */
  enqueueTimeoutMs?: number;
  /** Signing certificate cache: TTL default 6 h, at most 16 entries. */
  certificateCache?: { ttlMs?: number; maxEntries?: number };
}

const cut = (s: string | undefined) => (s === undefined ? undefined : s.slice(0, 200));

function send(res: ServerResponse, o: Outcome) {
  const { status, message } = OUTCOMES[o.code];
  const body = JSON.stringify({ ok: status < 300, outcome: o.code, message });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    // The unread rest of a refused body is not worth reading.
    ...(o.code === 'body_too_large' ? { connection: 'close' } : {}),
  });
  res.end(body);
}

export function createAwsEventsHandler(deps: AwsEventsHandlerDeps): RouteHandler {
  const now = deps.now ?? Date.now;
  const answerWithinMs = deps.answerWithinMs ?? 4_500;
  const enqueueTimeoutMs = deps.enqueueTimeoutMs ?? 3_000;
  const readSnsDelivery = createSnsDelivery({
    snsTopics: deps.snsTopics,
    certificates: createSnsCertificates({
      fetchCertificate: deps.fetchCertificate,
      now,
      ...deps.certificateCache,
    }),
    confirmSubscription: deps.confirmSubscription ?? createSnsSubscriptionConfirmer(),
    now,
  });
  const unreadable = createUnreadableShapes({
    log: deps.log,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });

  async function read(req: IncomingMessage, body: Buffer): Promise<Delivery> {
    const snsType = headerValue(req.headers, SNS_MESSAGE_TYPE_HEADER);
    if (snsType !== undefined) return readSnsDelivery(snsType, body);
    return readDirectDelivery(req.headers, body, deps.sharedSecret);
  }

  async function intake(req: IncomingMessage): Promise<Outcome> {
    if (req.method !== 'POST') return outcome('method_not_allowed');
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too_large') return outcome('body_too_large');
    const delivery = await read(req, body);
    if (delivery.kind === 'answer') return delivery.outcome;
    const via = delivery.snsMessageId ? { snsMessageId: delivery.snsMessageId } : {};
    const result = normaliseEvent(delivery.event);
    if (result.kind !== 'event') {
      const about = { ...via, eventId: cut(result.sourceEventId), reason: result.reason };
      if (result.kind === 'invalid' || result.unreadable) {
        unreadable.note(delivery.via, delivery.event, about);
      }
      // Through SNS the sender is proven to be AWS; a shape we cannot read is acknowledged (and
      // counted), not refused: a refusal would only be retried.
      const refused = result.kind === 'invalid' && delivery.via !== 'sns';
      return outcome(refused ? 'invalid_event' : 'ignored', about);
    }
    const refined = await refineEvent(deps, result.event, result.shape, via);
    if (refined.kind === 'answer') return refined.outcome;
    const { event } = refined;
    const done = await enqueueOnce(
      { dedupe: deps.dedupe, enqueue: deps.enqueue, log: deps.log, timeoutMs: enqueueTimeoutMs },
      event,
      dedupeIds(event, delivery.snsMessageId),
    );
    const shape = result.shape;
    return { code: done.code, log: { ...via, ...done.log, detailType: event.type, shape } };
  }

  function report(req: IncomingMessage, o: Outcome, ms: number) {
    deps.metrics?.awsEvents.inc({ outcome: o.code });
    const known: { status: number; quiet?: true } = OUTCOMES[o.code];
    const { status } = known;
    const fields = {
      outcome: o.code,
      status,
      ms: Math.round(ms),
      remote: req.socket.remoteAddress,
      ...Object.fromEntries(Object.entries(o.log ?? {}).map(([k, v]) => [k, cut(v)])),
    };
    // A quiet outcome is expected although the sender retries (intake-outcome.ts).
    if (known.quiet) deps.log.info(fields, 'AWS event being taken by another delivery');
    else if (status >= 500) deps.log.error(fields, 'AWS event not taken; the sender should retry');
    else if (status >= 400) deps.log.warn(fields, 'AWS event refused');
    else deps.log.info(fields, 'AWS event answered');
  }

  return async (req, res) => {
    const started = performance.now();
    let answered = false;
    const answer = (o: Outcome) => {
      if (answered) return;
      answered = true;
      report(req, o, performance.now() - started);
      send(res, o);
    };
    const timer = setTimeout(() => answer(outcome('timeout')), answerWithinMs);
    try {
      answer(await intake(req));
    } catch (err) {
      deps.log.error({ err }, 'AWS event intake failed');
      answer(outcome('internal_error'));
    } finally {
      clearTimeout(timer);
    }
  };
}
