// The one mapping of what AWS sends to /aws/events → one domain event. Pure: no clock, no I/O.
// EventBridge events, CodeStar Notifications events (the same event, renamed) and alarm actions
// (normalise-alarm.ts) map to the same domain events. Unknown detail-types and sources are
// ignored but flagged unreadable; unknown states are ignored; a known detail-type missing a field
// we need is invalid.
import {
  ACTION_STATES,
  type ActionEvent,
  DEPLOYMENT_STATES,
  type DeploymentEvent,
  type ExecutionTrigger,
  PIPELINE_STATES,
  type PipelineEvent,
  type PipelineFields,
  STAGE_STATES,
  type StageEvent,
} from './domain-event.js';
import {
  actionDetailSchema,
  DETAIL_TYPES,
  deploymentDetailSchema,
  type EventBridgeEvent,
  eventBridgeEventSchema,
  type PipelineDetail,
  pipelineDetailSchema,
  stageDetailSchema,
} from './eventbridge-event.js';
import { alarmActionEvent, alarmEvent } from './normalise-alarm.js';
import {
  type Base,
  definedOnly,
  domainEventId,
  has,
  ignoredState,
  invalid,
  isoTime,
  key,
  type NormaliseResult,
} from './normalise-common.js';
import { type EventShape, readEnvelope } from './notification-shapes.js';

export { domainEventId, type NormaliseResult } from './normalise-common.js';

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

/**
 * A stage's occurrence, however it was reported. CodeStar notifications carry no attempt: the
 * first attempt is 1 (as the poller counts), so every route names the same occurrence.
 */
function stageKey(region: string, f: PipelineFields, stage: string, state: string): string {
  return key('stage', region, f.pipeline, stage, f.executionId, f.attempt ?? 1, state);
}

function pipelineEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = pipelineDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e.id, parsed.error);
  const d = parsed.data;
  if (!has(PIPELINE_STATES, d.state)) return ignoredState(e.id, d.state);
  const f = pipelineFields(d);
  const failedStage = d.state === 'FAILED' ? e.additionalAttributes?.failedStage : undefined;
  const event: PipelineEvent = {
    ...base,
    occurrenceKey: key('pipeline', base.region, f.pipeline, f.executionId, f.attempt ?? 1, d.state),
    type: PIPELINE_STATES[d.state],
    state: d.state,
    ...f,
    ...(failedStage ? { failedStage } : {}),
  };
  return { kind: 'event', event, shape: 'eventbridge' };
}

function stageEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = stageDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e.id, parsed.error);
  const d = parsed.data;
  if (!has(STAGE_STATES, d.state)) return ignoredState(e.id, d.state);
  const f = pipelineFields(d);
  const event: StageEvent = {
    ...base,
    occurrenceKey: stageKey(base.region, f, d.stage, d.state),
    type: STAGE_STATES[d.state],
    state: d.state,
    ...f,
    stage: d.stage,
  };
  return { kind: 'event', event, shape: 'eventbridge' };
}

function actionEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = actionDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e.id, parsed.error);
  const d = parsed.data;
  if (!has(ACTION_STATES, d.state)) return ignoredState(e.id, d.state);
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
  return { kind: 'event', event, shape: 'eventbridge' };
}

function deploymentEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = deploymentDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e.id, parsed.error);
  const d = parsed.data;
  if (!has(DEPLOYMENT_STATES, d.state)) return ignoredState(e.id, d.state);
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
  return { kind: 'event', event, shape: 'eventbridge' };
}

/**
 * A pipeline- or action-level FAILED read as its stage's own FAILED (the stage named by the
 * event, or by AWS: failed-stage.ts). Same ids as the event it came from; the stage's occurrence
 * key, so a stage FAILED of the same failure is the same occurrence.
 */
export function stageFailureOf(e: PipelineEvent | ActionEvent, stage: string): StageEvent {
  const fields: PipelineFields = definedOnly({
    pipeline: e.pipeline,
    executionId: e.executionId,
    attempt: e.attempt,
    pipelineVersion: e.pipelineVersion,
    trigger: e.trigger,
    commitId: e.commitId,
    startTime: e.startTime,
  });
  return {
    id: e.id,
    sourceEventId: e.sourceEventId,
    time: e.time,
    region: e.region,
    account: e.account,
    occurrenceKey: stageKey(e.region, fields, stage, 'FAILED'),
    type: STAGE_STATES.FAILED,
    state: 'FAILED',
    ...fields,
    stage,
    reportedAs: 'action' in e ? 'action' : 'pipeline',
  };
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

function eventBridgeShaped(raw: unknown, shape: EventShape): NormaliseResult {
  const parsed = eventBridgeEventSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: 'not an EventBridge event' };
  const e = parsed.data;
  const handler = Object.hasOwn(BY_DETAIL_TYPE, e['detail-type'])
    ? BY_DETAIL_TYPE[e['detail-type']]
    : undefined;
  if (!handler) {
    return {
      kind: 'ignored',
      reason: 'unknown detail-type',
      sourceEventId: e.id,
      unreadable: true,
    };
  }
  // Only AWS may publish aws.* sources, so a custom event cannot pose as a pipeline failure.
  if (e.source !== handler.source) {
    return { kind: 'ignored', reason: 'unexpected source', sourceEventId: e.id, unreadable: true };
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
  const r = handler.build(e, base);
  return r.kind === 'event' ? { ...r, shape } : r;
}

/** Reads what AWS sent (already JSON-parsed) into a domain event, or says why not. */
export function normaliseEvent(raw: unknown): NormaliseResult {
  const envelope = readEnvelope(raw);
  switch (envelope.shape) {
    case 'alarm-action':
      return alarmActionEvent(envelope.message);
    case 'unknown':
      return { kind: 'invalid', reason: envelope.reason };
    default:
      return eventBridgeShaped(envelope.event, envelope.shape);
  }
}
