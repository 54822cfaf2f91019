// The domain events that AWS intake (and later the poller) put on the `events` queue.
// One shape per thing that happened; consumers switch on `type`. No transport details here.

/** Fields every domain event carries. */
export interface EventBase {
  /** Stable id derived from the source event id; also the BullMQ job id. */
  id: string;
  /** The EventBridge event `id` this came from (dedupe key across SNS and direct delivery). */
  sourceEventId: string;
  /** When AWS says it happened (ISO 8601, the event's `time`). */
  time: string;
  region: string;
  account: string;
  /**
   * What happened, independent of how it reached us: the same key for the same occurrence
   * whether pushed or polled, e.g. `stage|us-east-1|web-app|Deploy|<execution>|1|FAILED`.
   * The poller dedupes against pushed events with it.
   */
  occurrenceKey: string;
}

/** The execution trigger as the event reports it (EventBridge names, camel-cased). */
export interface ExecutionTrigger {
  type: string;
  detail?: string;
  commitId?: string;
  branch?: string;
  repository?: string;
}

export interface PipelineFields {
  pipeline: string;
  executionId: string;
  /** `pipeline-execution-attempt`; a retried stage fails or succeeds again with attempt + 1. */
  attempt?: number;
  /** Pipeline structure version (`version`). */
  pipelineVersion?: number;
  trigger?: ExecutionTrigger;
  /** Convenience copy of `trigger.commitId`. */
  commitId?: string;
  /** When the pipeline execution started. */
  startTime?: string;
}

export const PIPELINE_STATES = {
  STARTED: 'PipelineStarted',
  SUCCEEDED: 'PipelineSucceeded',
  FAILED: 'PipelineFailed',
  CANCELED: 'PipelineCanceled',
  RESUMED: 'PipelineResumed',
  STOPPED: 'PipelineStopped',
  STOPPING: 'PipelineStopping',
  SUPERSEDED: 'PipelineSuperseded',
} as const;

export const STAGE_STATES = {
  STARTED: 'StageStarted',
  SUCCEEDED: 'StageSucceeded',
  FAILED: 'StageFailed',
  CANCELED: 'StageCanceled',
  RESUMED: 'StageResumed',
  STOPPED: 'StageStopped',
  STOPPING: 'StageStopping',
} as const;

export const ACTION_STATES = {
  STARTED: 'ActionStarted',
  SUCCEEDED: 'ActionSucceeded',
  FAILED: 'ActionFailed',
  CANCELED: 'ActionCanceled',
  ABANDONED: 'ActionAbandoned',
} as const;

export const DEPLOYMENT_STATES = {
  START: 'DeploymentStarted',
  SUCCESS: 'DeploymentSucceeded',
  FAILURE: 'DeploymentFailed',
  STOP: 'DeploymentStopped',
  READY: 'DeploymentReady',
} as const;

export const ALARM_STATES = {
  ALARM: 'AlarmRaised',
  OK: 'AlarmCleared',
  INSUFFICIENT_DATA: 'AlarmInsufficientData',
} as const;

export type PipelineEventType = (typeof PIPELINE_STATES)[keyof typeof PIPELINE_STATES];
export type StageEventType = (typeof STAGE_STATES)[keyof typeof STAGE_STATES];
export type ActionEventType = (typeof ACTION_STATES)[keyof typeof ACTION_STATES];
export type DeploymentEventType = (typeof DEPLOYMENT_STATES)[keyof typeof DEPLOYMENT_STATES];
export type AlarmEventType = (typeof ALARM_STATES)[keyof typeof ALARM_STATES];

export interface PipelineEvent extends EventBase, PipelineFields {
  type: PipelineEventType;
  /** The raw EventBridge state, e.g. FAILED. */
  state: keyof typeof PIPELINE_STATES;
  /** A FAILED from a CodeStar notification rule names its stage (`additionalAttributes.failedStage`). */
  failedStage?: string;
}

export interface StageEvent extends EventBase, PipelineFields {
  type: StageEventType;
  state: keyof typeof STAGE_STATES;
  stage: string;
  /**
   * A StageFailed read from a pipeline- or action-level FAILED (failed-stage.ts): it carries the
   * stage's own occurrence key, so the three levels of one failure act once.
   */
  reportedAs?: 'pipeline' | 'action';
}

export interface ActionEvent extends EventBase, PipelineFields {
  type: ActionEventType;
  state: keyof typeof ACTION_STATES;
  stage: string;
  action: string;
  actionExecutionId?: string;
  /** `type.provider`, e.g. CodeDeploy. */
  provider?: string;
  /** `type.category`, e.g. Deploy. */
  category?: string;
  /** From `execution-result`; outside text, render inert. */
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  externalExecutionSummary?: string;
  errorCode?: string;
}

export interface DeploymentEvent extends EventBase {
  type: DeploymentEventType;
  state: keyof typeof DEPLOYMENT_STATES;
  application: string;
  deploymentGroup: string;
  deploymentId: string;
  instanceGroupId?: string;
}

export type AlarmStateValue = keyof typeof ALARM_STATES;

export interface AlarmEvent extends EventBase {
  type: AlarmEventType;
  alarmName: string;
  alarmArn?: string;
  /** Composite alarms carry an `alarmRule` in their configuration. */
  alarmKind: 'metric' | 'composite';
  state: AlarmStateValue;
  /** Absent when AWS did not send one (or sent a value we do not know). */
  previousState?: AlarmStateValue;
  /** CloudWatch's reason text, cut to 1000 characters; outside text, render inert. */
  reason: string;
  /** When the alarm entered `state` (CloudWatch's own timestamp, ISO 8601). */
  stateTime?: string;
  /** For a composite alarm: names of the alarms that triggered this state, when reported. */
  triggeringAlarms?: string[];
  /** A composite alarm's `state.actionsSuppressedBy` (`WaitPeriod`, `ExtensionPeriod`, `Alarm`). */
  actionsSuppressedBy?: string;
  /** `state.actionsSuppressedReason`; outside text, render inert. */
  actionsSuppressedReason?: string;
}

export type DomainEvent = PipelineEvent | StageEvent | ActionEvent | DeploymentEvent | AlarmEvent;
export type DomainEventType = DomainEvent['type'];

export const isPipelineEvent = (e: DomainEvent): e is PipelineEvent =>
  e.type.startsWith('Pipeline');
export const isStageEvent = (e: DomainEvent): e is StageEvent => e.type.startsWith('Stage');
export const isActionEvent = (e: DomainEvent): e is ActionEvent => e.type.startsWith('Action');
export const isDeploymentEvent = (e: DomainEvent): e is DeploymentEvent =>
  e.type.startsWith('Deployment');
export const isAlarmEvent = (e: DomainEvent): e is AlarmEvent => e.type.startsWith('Alarm');
