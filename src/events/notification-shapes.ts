// The shapes that reach /aws/events besides a plain EventBridge event, mostly as the Message of
// an SNS notification. Which one a body is, and each read loosely like eventbridge-event.ts
// (unknown keys pass; an optional field of an unexpected type reads as absent):
// - a CodeStar Notifications event (a pipeline's notification rules, the console's usual route
//   to SNS): the EventBridge event with `detailType` for `detail-type`, no `id`, plus
//   `notificationRuleArn` and `additionalAttributes` (a failed pipeline names `failedStage`);
// - a CloudWatch alarm's SNS action: `AlarmName`, `NewStateValue`, `NewStateReason`,
//   `StateChangeTime`, `Region` (a display name), `AWSAccountId`, `AlarmArn`, `OldStateValue`,
//   and for a composite alarm `AlarmRule` and `TriggeringChildren`.
import { createHash } from 'node:crypto';
import { z } from 'zod';

const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const text = z.string().min(1);

export type EventShape = 'eventbridge' | 'codestar-notification' | 'alarm-action';

const codestarNotificationSchema = z.looseObject({
  id: lenient(text.max(256)),
  detailType: text,
  source: text,
  account: text,
  time: text,
  region: text,
  resources: lenient(z.array(z.string())),
  detail: z.record(z.string(), z.unknown()),
});

export const alarmActionSchema = z.looseObject({
  AlarmName: text,
  NewStateValue: text,
  NewStateReason: lenient(z.string()),
  StateChangeTime: text,
  Region: lenient(z.string()),
  AWSAccountId: text,
  AlarmArn: lenient(z.string()),
  OldStateValue: lenient(z.string()),
  AlarmRule: lenient(z.string()),
  TriggeringChildren: lenient(z.array(z.looseObject({ Arn: lenient(z.string()) }))),
});
export type AlarmActionMessage = z.infer<typeof alarmActionSchema>;

export type Envelope =
  /** For eventbridge-event.ts to read: the event as sent, or a CodeStar event renamed to it. */
  | { shape: 'eventbridge' | 'codestar-notification'; event: unknown }
  | { shape: 'alarm-action'; message: AlarmActionMessage }
  | { shape: 'unknown'; reason: string; sourceEventId?: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a body names, when it names nothing else: a digest of it (for dedupe and job ids). */
export function contentId(prefix: string, parts: unknown[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${prefix}-${digest.slice(0, 32)}`;
}

function codestarEvent(raw: Record<string, unknown>): Envelope {
  const parsed = codestarNotificationSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'body';
    return { shape: 'unknown', reason: `CodeStar notification without a readable ${where}` };
  }
  const { detailType, ...rest } = parsed.data;
  // Notification rules send no event id; the same notification (an SNS redelivery, or a relay
  // retrying) has the same content, so a digest of it names it.
  const id =
    rest.id ??
    contentId('n', [detailType, rest.source, rest.account, rest.region, rest.time, rest.detail]);
  return { shape: 'codestar-notification', event: { ...rest, id, 'detail-type': detailType } };
}

/** Which shape a parsed body is, ready for normalise.ts. */
export function readEnvelope(raw: unknown): Envelope {
  if (!isObject(raw)) return { shape: 'unknown', reason: 'not an EventBridge event' };
  if ('detail-type' in raw) return { shape: 'eventbridge', event: raw };
  if ('detailType' in raw) return codestarEvent(raw);
  if ('AlarmName' in raw && 'NewStateValue' in raw) {
    const parsed = alarmActionSchema.safeParse(raw);
    if (parsed.success) return { shape: 'alarm-action', message: parsed.data };
    const where = parsed.error.issues[0]?.path.join('.') || 'body';
    return { shape: 'unknown', reason: `alarm action without a readable ${where}` };
  }
  return { shape: 'unknown', reason: 'not an EventBridge event' };
}
