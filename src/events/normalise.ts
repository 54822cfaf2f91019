// EventBridge event JSON → one domain event. Pure: no clock, no I/O.
// Unknown detail-types, sources and states are ignored (acknowledged, not enqueued); a known
// detail-type missing a field we need is invalid.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  ACTION_STATES,
  type ActionEvent,
  ALARM_STATES,
  type AlarmEvent,
  type AlarmStateValue,
  DEPLOYMENT_STATES,
  type DeploymentEvent,
  type DomainEvent,
  type EventBase,
  type ExecutionTrigger,
  PIPELINE_STATES,
  type PipelineEvent,
  type PipelineFields,
  STAGE_STATES,
  type StageEvent,
} from './domain-event.js';
import {
  actionDetailSchema,
  alarmDetailSchema,
  DETAIL_TYPES,
  deploymentDetailSchema,
  type EventBridgeEvent,
  eventBridgeEventSchema,
  type PipelineDetail,
  pipelineDetailSchema,
  stageDetailSchema,
} from './eventbridge-event.js';

export type NormaliseResult =
  | { kind: 'event'; event: DomainEvent }
  | { kind: 'ignored'; reason: string; sourceEventId?: string }
  | { kind: 'invalid'; reason: string; sourceEventId?: string };

const REASON_LIMIT = 1000;

/** BullMQ job ids may not contain ':' nor be all digits; anything unusual is hashed. */
export function domainEventId(sourceEventId: string): string {
  if (/^[A-Za-z0-9._-]{1,200}$/.test(sourceEventId)) return `aws-${sourceEventId}`;
  return `aws-h${createHash('sha256').update(sourceEventId).digest('hex').slice(0, 40)}`;
}

function isoTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // CloudWatch writes +0000; Date.parse wants +00:00.
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function has<K extends string>(table: Record<K, string>, key: string): key is K {
  return Object.hasOwn(table, key);
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

type Base = Omit<EventBase, 'occurrenceKey'>;

function trigger(d: PipelineDetail): ExecutionTrigger | undefined {
  const t = d['execution-trigger'];
  if (!t) return undefined;
  return definedOnly({
    type: t['trigger-type'],
    detail: t['trigger-detail'],
    commitId: t['commit-id'],
    branch: t['branch-name'],
    repository: t['full-repository-name'],
  });
}

function pipelineFields(d: PipelineDetail): PipelineFields {
  const t = trigger(d);
  return definedOnly({
    pipeline: d.pipeline,
    executionId: d['execution-id'],
    attempt: d['pipeline-execution-attempt'],
    pipelineVersion: d.version,
    trigger: t,
    commitId: t?.commitId,
    startTime: isoTime(d['start-time']),
  });
}

const key = (...parts: Array<string | number | undefined>) =>
  parts.map((p) => (p === undefined ? '' : String(p))).join('|');

function ignoredState(e: EventBridgeEvent, state: string): NormaliseResult {
  return { kind: 'ignored', reason: `unknown state ${state}`, sourceEventId: e.id };
}

function invalid(e: EventBridgeEvent, error: z.ZodError): NormaliseResult {
  const issue = error.issues[0];
  const where = issue?.path.join('.') || 'detail';
  return { kind: 'invalid', reason: `detail.${where}: ${issue?.message}`, sourceEventId: e.id };
}

function pipelineEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = pipelineDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e, parsed.error);
  const d = parsed.data;
  if (!has(PIPELINE_STATES, d.state)) return ignoredState(e, d.state);
  const f = pipelineFields(d);
  const event: PipelineEvent = {
    ...base,
    occurrenceKey: key('pipeline', base.region, f.pipeline, f.executionId, f.attempt, d.state),
    type: PIPELINE_STATES[d.state],
    state: d.state,
    ...f,
  };
  return { kind: 'event', event };
}

function stageEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = stageDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e, parsed.error);
  const d = parsed.data;
  if (!has(STAGE_STATES, d.state)) return ignoredState(e, d.state);
  const f = pipelineFields(d);
  const event: StageEvent = {
    ...base,
    occurrenceKey: key(
      'stage',
      base.region,
      f.pipeline,
      d.stage,
      f.executionId,
      f.attempt,
      d.state,
    ),
    type: STAGE_STATES[d.state],
    state: d.state,
    ...f,
    stage: d.stage,
  };
  return { kind: 'event', event };
}

function actionEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = actionDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e, parsed.error);
  const d = parsed.data;
  if (!has(ACTION_STATES, d.state)) return ignoredState(e, d.state);
  const f = pipelineFields(d);
  const r = d['execution-result'];
  const event: ActionEvent = {
    ...base,
    occurrenceKey: key(
      'action',
      base.region,
      f.pipeline,
      d.stage,
      d.action,
      d['action-execution-id'] ?? f.executionId,
      d.state,
    ),
    type: ACTION_STATES[d.state],
    state: d.state,
    ...f,
    stage: d.stage,
    action: d.action,
    ...definedOnly({
      actionExecutionId: d['action-execution-id'],
      provider: d.type?.provider,
      category: d.type?.category,
      externalExecutionId: r?.['external-execution-id'],
      externalExecutionUrl: r?.['external-execution-url'],
      externalExecutionSummary: r?.['external-execution-summary'],
      errorCode: r?.['error-code'],
    }),
  };
  return { kind: 'event', event };
}

function deploymentEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = deploymentDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e, parsed.error);
  const d = parsed.data;
  if (!has(DEPLOYMENT_STATES, d.state)) return ignoredState(e, d.state);
  const event: DeploymentEvent = {
    ...base,
    occurrenceKey: key('deployment', base.region, d.deploymentId, d.state),
    type: DEPLOYMENT_STATES[d.state],
    state: d.state,
    application: d.application,
    deploymentGroup: d.deploymentGroup,
    deploymentId: d.deploymentId,
    ...definedOnly({ instanceGroupId: d.instanceGroupId }),
  };
  return { kind: 'event', event };
}

function alarmNameFromArn(arn: string): string | undefined {
  const i = arn.indexOf(':alarm:');
  return i >= 0 ? arn.slice(i + ':alarm:'.length) : undefined;
}

/** Composite alarms list their triggers in reasonData; anything unreadable reads as absent. */
function triggeringAlarms(reasonData: string | undefined): string[] | undefined {
  if (!reasonData) return undefined;
  try {
    const data = JSON.parse(reasonData) as { triggeringAlarms?: Array<{ arn?: unknown }> };
    if (!Array.isArray(data.triggeringAlarms)) return undefined;
    return data.triggeringAlarms
      .map((t) => (typeof t?.arn === 'string' ? alarmNameFromArn(t.arn) : undefined))
      .filter((n): n is string => n !== undefined);
  } catch {
    return undefined;
  }
}

function alarmEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = alarmDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e, parsed.error);
  const d = parsed.data;
  const state = d.state.value;
  if (!has(ALARM_STATES, state)) return ignoredState(e, state);
  const previous = d.previousState?.value;
  const composite = d.configuration?.alarmRule !== undefined;
  const stateTime = isoTime(d.state.timestamp);
  const arn = e.resources?.find((r) => alarmNameFromArn(r) === d.alarmName);
  const event: AlarmEvent = {
    ...base,
    occurrenceKey: key('alarm', base.region, d.alarmName, state, stateTime ?? base.time),
    type: ALARM_STATES[state],
    alarmName: d.alarmName,
    alarmKind: composite ? 'composite' : 'metric',
    state,
    reason: (d.state.reason ?? '').slice(0, REASON_LIMIT),
    ...definedOnly({
      alarmArn: arn,
      previousState:
        previous !== undefined && has(ALARM_STATES, previous)
          ? (previous as AlarmStateValue)
          : undefined,
      stateTime,
      triggeringAlarms: composite ? triggeringAlarms(d.state.reasonData) : undefined,
    }),
  };
  return { kind: 'event', event };
}

const BY_DETAIL_TYPE: Record<
  string,
  { source: string; build: (e: EventBridgeEvent, base: Base) => NormaliseResult }
> = {
  [DETAIL_TYPES.pipeline]: { source: 'aws.codepipeline', build: pipelineEvent },
  [DETAIL_TYPES.stage]: { source: 'aws.codepipeline', build: stageEvent },
  [DETAIL_TYPES.action]: { source: 'aws.codepipeline', build: actionEvent },
  [DETAIL_TYPES.deployment]: { source: 'aws.codedeploy', build: deploymentEvent },
  [DETAIL_TYPES.alarm]: { source: 'aws.cloudwatch', build: alarmEvent },
};

/** Reads an EventBridge event (already JSON-parsed) into a domain event, or says why not. */
export function normaliseEvent(raw: unknown): NormaliseResult {
  const parsed = eventBridgeEventSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: 'not an EventBridge event' };
  const e = parsed.data;
  const handler = Object.hasOwn(BY_DETAIL_TYPE, e['detail-type'])
    ? BY_DETAIL_TYPE[e['detail-type']]
    : undefined;
  if (!handler) return { kind: 'ignored', reason: 'unknown detail-type', sourceEventId: e.id };
  // Only AWS may publish aws.* sources, so a custom event cannot pose as a pipeline failure.
  if (e.source !== handler.source) {
    return { kind: 'ignored', reason: 'unexpected source', sourceEventId: e.id };
  }
  const time = isoTime(e.time);
  if (time === undefined)
    return { kind: 'invalid', reason: 'time is not a date', sourceEventId: e.id };
  const base: Base = {
    id: domainEventId(e.id),
    sourceEventId: e.id,
    time,
    region: e.region,
    account: e.account,
  };
  return handler.build(e, base);
}
