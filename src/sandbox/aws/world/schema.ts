// The world file: what the sandbox starts with. YAML or JSON; documented in ../README.md.
import ms from 'ms';
import { z } from 'zod';

/** A duration: milliseconds, or a string the `ms` package reads (`90s`, `2m`). */
const duration = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const parsed = ms(v as ms.StringValue);
  if (typeof parsed !== 'number' || Number.isNaN(parsed)) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${v}` });
    return z.NEVER;
  }
  return parsed;
});

/** An instant: ISO string, Date (YAML timestamps) or epoch milliseconds. */
const instant = z.union([z.string(), z.date(), z.number()]).transform((v, ctx) => {
  const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: `not a time: ${String(v)}` });
    return z.NEVER;
  }
  return t;
});

const actionSchema = z.object({
  name: z.string(),
  category: z
    .enum(['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke', 'Compute'])
    .default('Deploy'),
  owner: z.string().default('AWS'),
  provider: z.string().default('CodeDeploy'),
  version: z.string().default('1'),
  /** Actions with the same run order run in parallel; AWS's default (and ours) is 1. */
  runOrder: z.number().int().min(1).max(999).optional(),
  configuration: z.record(z.string(), z.string()).optional(),
  /**
   * Artifact names the action reads and writes (GetPipeline, action events). Default: a Source
   * action writes SourceArtifact; a Build action reads SourceArtifact and writes BuildArtifact;
   * any other reads the latest artifact an earlier stage wrote.
   */
  inputArtifacts: z.array(z.string().regex(/^[a-zA-Z0-9_-]{1,100}$/)).optional(),
  outputArtifacts: z.array(z.string().regex(/^[a-zA-Z0-9_-]{1,100}$/)).optional(),
});

const stageSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9.@_-]{1,100}$/),
  actions: z.array(actionSchema).min(1),
  /** `ROLLBACK` makes CodePipeline roll the stage back itself when it fails. */
  onFailure: z.enum(['ROLLBACK', 'FAIL', 'RETRY']).optional(),
  /** How long the stage takes in simulated time; default the pipeline's `stageDuration`. */
  duration: duration.optional(),
});

const revisionSchema = z.object({
  id: z.string(),
  message: z.string().optional(),
  author: z.string().optional(),
  url: z.string().optional(),
  actionName: z.string().optional(),
});

const stageStatus = z.enum(['InProgress', 'Succeeded', 'Failed', 'Stopped', 'Cancelled']);

const executionSchema = z.object({
  id: z.uuid(),
  status: z.enum(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled']),
  startTime: instant,
  endTime: instant.optional(),
  /** Pipeline version the execution ran on; default the pipeline's current version. */
  pipelineVersion: z.number().int().positive().optional(),
  executionType: z.enum(['STANDARD', 'ROLLBACK']).default('STANDARD'),
  rollbackTargetPipelineExecutionId: z.string().optional(),
  trigger: z
    .object({ type: z.string(), detail: z.string().optional() })
    .default({ type: 'Webhook' }),
  revision: revisionSchema,
  variables: z.record(z.string(), z.string()).default({}),
  /** Outcome per stage; stages left out did not run. Default: every stage has `status`. */
  stages: z.record(z.string(), stageStatus).optional(),
});

const pipelineSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9.@_-]{1,100}$/),
  region: z.string().default('us-east-1'),
  version: z.number().int().positive().default(1),
  pipelineType: z.enum(['V1', 'V2']).default('V2'),
  executionMode: z.enum(['QUEUED', 'SUPERSEDED', 'PARALLEL']).default('SUPERSEDED'),
  roleArn: z.string().optional(),
  /** Default stage duration in simulated time (default 60 s). */
  stageDuration: duration.optional(),
  /** Repository shown in stage events (`full-repository-name`), e.g. `acme/web-app`. */
  repository: z.string().optional(),
  branch: z.string().default('main'),
  stages: z.array(stageSchema).min(1),
  executions: z.array(executionSchema).default([]),
});

const s3Revision = z.object({
  bucket: z.string(),
  key: z.string(),
  bundleType: z.enum(['tar', 'tgz', 'zip', 'YAML', 'JSON']).default('zip'),
  version: z.string().optional(),
  eTag: z.string().optional(),
});
const githubRevision = z.object({ repository: z.string(), commitId: z.string() });
export const deployRevisionSchema = z.union([
  z.object({ s3: s3Revision }),
  z.object({ github: githubRevision }),
]);

const deploymentSchema = z.object({
  id: z.string().regex(/^d-[A-Z0-9]{9}$/),
  status: z.enum(['Succeeded', 'Failed', 'Stopped']),
  createTime: instant,
  completeTime: instant.optional(),
  creator: z.string().default('user'),
  description: z.string().optional(),
  revision: deployRevisionSchema,
  fileExistsBehavior: z.enum(['DISALLOW', 'OVERWRITE', 'RETAIN']).default('DISALLOW'),
});

const autoRollbackEvent = z.enum([
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST',
]);

const groupSchema = z.object({
  name: z.string(),
  deploymentConfigName: z.string().default('CodeDeployDefault.OneAtATime'),
  serviceRoleArn: z.string().optional(),
  autoRollbackConfiguration: z
    .object({ enabled: z.boolean(), events: z.array(autoRollbackEvent).default([]) })
    .default({ enabled: false, events: [] }),
  alarmConfiguration: z
    .object({
      enabled: z.boolean(),
      ignorePollAlarmFailure: z.boolean().default(false),
      alarms: z.array(z.string()).max(10).default([]),
    })
    .default({ enabled: false, ignorePollAlarmFailure: false, alarms: [] }),
  /** How long a deployment takes in simulated time (default 60 s). */
  deploymentDuration: duration.optional(),
  deployments: z.array(deploymentSchema).default([]),
});

const applicationSchema = z.object({
  name: z.string(),
  region: z.string().default('us-east-1'),
  computePlatform: z.enum(['Server', 'Lambda', 'ECS']).default('Server'),
  groups: z.array(groupSchema).default([]),
});

const alarmState = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const alarmSchema = z.object({
  name: z.string(),
  region: z.string().default('us-east-1'),
  description: z.string().optional(),
  state: alarmState.default('OK'),
  reason: z.string().optional(),
  /** Metric alarms: what they watch. */
  metric: z
    .object({
      namespace: z.string(),
      name: z.string(),
      dimensions: z.record(z.string(), z.string()).default({}),
      statistic: z.enum(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']).default('Sum'),
      period: z.number().int().positive().default(60),
      evaluationPeriods: z.number().int().positive().default(1),
      threshold: z.number().default(0),
      comparisonOperator: z.string().default('GreaterThanThreshold'),
    })
    .optional(),
  /** Composite alarms: the rule over other alarms, e.g. `ALARM(a) OR ALARM(b)`. */
  rule: z.string().optional(),
  /**
   * Composite alarms: the alarm (name, same region) whose ALARM suppresses this one's actions
   * (DescribeAlarms `ActionsSuppressedBy: Alarm`). With it, the wait period (seconds, default 60)
   * suppresses them after this alarm enters ALARM while the suppressor is not in ALARM
   * (`WaitPeriod`), and the extension period (seconds, default 60) after the suppressor leaves
   * ALARM (`ExtensionPeriod`).
   */
  actionsSuppressor: z.string().optional(),
  actionsSuppressorWaitPeriod: z.number().int().nonnegative().optional(),
  actionsSuppressorExtensionPeriod: z.number().int().nonnegative().optional(),
});

export const worldSchema = z.object({
  account: z
    .string()
    .regex(/^\d{12}$/)
    .default('111122223333'),
  /** Simulated start time; default the wall clock when the world is loaded. */
  now: instant.optional(),
  pipelines: z.array(pipelineSchema).default([]),
  codedeploy: z.object({ applications: z.array(applicationSchema).default([]) }).default({
    applications: [],
  }),
  alarms: z.array(alarmSchema).default([]),
});

/** A world as written in a file (defaults may be omitted). */
export type World = z.input<typeof worldSchema>;
/** A world after validation, with defaults filled in. */
export type ParsedWorld = z.output<typeof worldSchema>;
export type PipelineSpec = ParsedWorld['pipelines'][number];
export type StageSpec = PipelineSpec['stages'][number];
export type ExecutionSpec = PipelineSpec['executions'][number];
export type ApplicationSpec = ParsedWorld['codedeploy']['applications'][number];
export type GroupSpec = ApplicationSpec['groups'][number];
export type DeploymentSpec = GroupSpec['deployments'][number];
export type AlarmSpec = ParsedWorld['alarms'][number];
export type DeployRevisionSpec = z.output<typeof deployRevisionSchema>;
