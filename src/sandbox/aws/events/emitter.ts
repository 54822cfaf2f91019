// Emits EventBridge events and delivers them to subscribers over HTTP, with optional delivery
// faults (duplicates, delay, reorder) and an optional SNS envelope.
import { randomUUID } from 'node:crypto';
import type { AwsEvent } from './aws-event.js';
import { NotificationShaper, type Shaped } from './notification-shapes.js';
import type { SnsSigner } from './sns.js';

export type { AwsEvent } from './aws-event.js';

export type NewEvent = Omit<AwsEvent, 'version' | 'id' | 'time' | 'account'> & { time: Date };

export interface SubscribeOptions {
  /** Extra request headers, e.g. an API-destination key. Default none. */
  headers?: Record<string, string>;
  /** Deliver every event twice (same `id`). Default false. */
  duplicates?: boolean;
  /** Wait this many real milliseconds before each delivery. Default 0. */
  delayMs?: number;
  /** Deliver each batch of events (all emitted by one call or advance) in reverse. Default false. */
  reorder?: boolean;
  /** Wrap each event in a signed SNS Notification from this topic. Default: plain EventBridge. */
  sns?: { topicArn: string; signingCertUrl?: string };
  /** Deliver only events of these detail-types, as a rule's pattern would. Default all. */
  detailTypes?: string[];
  /** With `sns`: CodePipeline events as a CodeStar notification rule publishes them. Default false. */
  codestarNotifications?: boolean;
  /** With `sns`: alarm state changes as the alarm's SNS action publishes them. Default false. */
  alarmActions?: boolean;
}

export interface Delivery {
  subscriberId: string;
  eventId: string;
  status: number | 'error';
  error?: string;
}

interface Queued {
  event: AwsEvent;
  /** The notification shape the subscriber asked for, instead of the event. */
  shaped?: Shaped;
}

interface Subscriber extends SubscribeOptions {
  id: string;
  url: string;
  batch: Queued[];
  shaper?: NotificationShaper;
}

/** EventBridge writes times without milliseconds. */
export function eventTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export class EventEmitter {
  private log: AwsEvent[] = [];
  private subscribers: Subscriber[] = [];
  private inFlight = new Set<Promise<void>>();
  private drainScheduled = false;
  readonly deliveries: Delivery[] = [];
  /** Called for every event in emission order (in-process listeners, e.g. tests). */
  private listeners: Array<(e: AwsEvent) => void> = [];

  constructor(
    private readonly account: () => string,
    private readonly signer: SnsSigner,
  ) {}

  emit(e: NewEvent): AwsEvent {
    const event: AwsEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': e['detail-type'],
      source: e.source,
      account: this.account(),
      time: eventTime(e.time),
      region: e.region,
      resources: e.resources,
      detail: e.detail,
    };
    this.log.push(event);
    for (const l of this.listeners) l(event);
    for (const s of this.subscribers) {
      const queued = this.queued(s, event);
      if (queued) s.batch.push(queued);
    }
    this.scheduleDrain();
    return event;
  }

  /** What one subscriber gets for an event, in emission order (shapes remember earlier events). */
  private queued(s: Subscriber, event: AwsEvent): Queued | undefined {
    if (s.detailTypes && !s.detailTypes.includes(event['detail-type'])) return undefined;
    if (!s.sns || !s.shaper) return { event };
    if (s.codestarNotifications && event.source === 'aws.codepipeline') {
      return { event, shaped: s.shaper.codestar(event) };
    }
    if (s.alarmActions && event.source === 'aws.cloudwatch') {
      const shaped = s.shaper.alarmAction(event);
      return shaped ? { event, shaped } : undefined;
    }
    return { event };
  }

  events(): AwsEvent[] {
    return [...this.log];
  }

  clearEvents(): void {
    this.log = [];
  }

  onEvent(listener: (e: AwsEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  subscribe(url: string, opts: SubscribeOptions = {}): string {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`subscriber url must be http(s): ${url}`);
    }
    const id = randomUUID();
    const shaper = opts.sns ? new NotificationShaper(opts.sns.topicArn) : undefined;
    this.subscribers.push({ ...opts, id, url, batch: [], ...(shaper ? { shaper } : {}) });
    return id;
  }

  unsubscribeAll(): void {
    this.subscribers = [];
  }

  /** Resolves once every queued and in-flight delivery has finished. */
  async flush(): Promise<void> {
    this.drain();
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
      this.drain();
    }
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    for (const s of this.subscribers) {
      const batch = s.reorder ? [...s.batch].reverse() : s.batch;
      s.batch = [];
      for (const queued of batch) {
        const copies = s.duplicates ? 2 : 1;
        for (let i = 0; i < copies; i++) this.track(this.deliver(s, queued));
      }
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(s: Subscriber, { event, shaped }: Queued): Promise<void> {
    if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
    const headers: Record<string, string> = { ...s.headers };
    let body: string;
    if (s.sns) {
      const region = s.sns.topicArn.split(':')[3] || event.region;
      const n = this.signer.notification({
        topicArn: s.sns.topicArn,
        message: JSON.stringify(shaped?.body ?? event),
        ...(shaped?.subject ? { subject: shaped.subject } : {}),
        timestamp: new Date(),
        signingCertUrl:
          s.sns.signingCertUrl ??
          `https://sns.${region}.amazonaws.com/SimpleNotificationService-sandbox.pem`,
      });
      headers['content-type'] = 'text/plain; charset=UTF-8';
      headers['x-amz-sns-message-type'] = 'Notification';
      headers['x-amz-sns-message-id'] = n.MessageId;
      headers['x-amz-sns-topic-arn'] = n.TopicArn;
      body = JSON.stringify(n);
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(event);
    }
    try {
      const res = await fetch(s.url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      this.deliveries.push({ subscriberId: s.id, eventId: event.id, status: res.status });
    } catch (err) {
      this.deliveries.push({
        subscriberId: s.id,
        eventId: event.id,
        status: 'error',
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
