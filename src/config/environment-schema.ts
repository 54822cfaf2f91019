// One environment of the config file (environments.<env>): what it guards, its alarms, its
// approval, window and permission policies; and a group of environments (groups.<name>).
import { z } from 'zod';
import { duration } from './duration.js';
import { permissionsSettings } from './permissions-schema.js';
import {
  awsName,
  cronExpression,
  localDateTime,
  region,
  roleArn,
  slackChannelId,
  slackPrincipal,
  timeZone,
} from './value-schemas.js';

/** Why a manual rollback needs a manager. */
const approvalRule = z.enum([
  'always',
  'older-than-previous',
  'during-freeze',
  'group-rollback',
  'crosses-unsafe-release',
  'target-is-bad',
]);
export type ApprovalRule = z.infer<typeof approvalRule>;

export const autoRollbackPolicy = z.enum(['off', 'on-failure', 'on-alarm', 'on-failure-and-alarm']);
export type AutoRollbackPolicy = z.infer<typeof autoRollbackPolicy>;

/**
 * Whether a composite alarm of `blockOnAlarms` that is in ALARM while CloudWatch suppresses its
 * actions (`ActionsSuppressedBy`: its suppressor alarm is in ALARM, or its `WaitPeriod` or
 * `ExtensionPeriod` runs) blocks forward deploys: `block` (the default: it is still in ALARM, and
 * a deploy held a minute too long costs less than one pushed into an incident) or `ignore` (the
 * alarm's owners said its ALARM should not act now, e.g. a maintenance suppressor). Rollbacks and
 * the bake window's `alarms` are not affected.
 */
export const suppressedAlarmsPolicy = z.enum(['block', 'ignore']);

/** Deploy feed in the channel: off, quiet (one updated message per release) or verbose. */
export const feedMode = z.enum(['off', 'quiet', 'verbose']);

export const approvalSettings = z.strictObject({
  /** Which manual rollbacks need approval. Default: none. */
  when: z.array(approvalRule).optional(),
  /** How many distinct approvers. Default 1. */
  required: z.number().int().min(1).max(5).optional(),
  /** Slack user ids or user-group ids. Default: defaults.approvers. */
  approvers: z.array(slackPrincipal).min(1).optional(),
  /** How long a request waits for approval. Default 30m. */
  expiresAfter: duration.optional(),
  /** Whether the requester may approve their own request. Default false; never for prod-like envs. */
  allowSelfApproval: z.boolean().optional(),
  /** Hold automatic rollbacks for approval too. Default false: customer impact comes first. */
  holdAutomatic: z.boolean().optional(),
});

const windowsSettings = z.strictObject({
  /** IANA time zone for the cron windows and blackout dates. Default: defaults.timezone. */
  timezone: timeZone.optional(),
  /** Forward deploys are allowed only inside these windows. None = always allowed. */
  allow: z.array(z.strictObject({ cron: cronExpression, duration })).optional(),
  /** Periods when forward deploys are blocked. */
  blackout: z
    .array(
      z
        .strictObject({
          from: localDateTime,
          to: localDateTime,
          reason: z.string().min(1).max(200),
        })
        .refine((b) => b.to > b.from, { error: '"to" must be after "from"', path: ['to'] }),
    )
    .optional(),
  /** What a freeze or blackout does to rollbacks. Default require-approval. */
  rollbacksDuringFreeze: z.enum(['allow', 'require-approval', 'deny']).optional(),
});

const stageSettings = z.strictObject({
  /** Disable the inbound transition after a rollback. Default: on where approvals are required. */
  lockAfterRollback: z.boolean().optional(),
});

export const environment = z.strictObject({
  /** Channel id that owns this environment: notifications go there, commands are accepted there. */
  channel: slackChannelId,
  /** AWS region. Default: AWS_REGION. */
  region: region.optional(),
  /** Role to assume for this environment, e.g. production in another account. */
  roleArn: roleArn.optional(),
  /** CodePipeline V2 pipeline whose stages this environment guards. */
  pipeline: awsName.optional(),
  stages: z.record(awsName, stageSettings.nullable()).optional(),
  /** A CodeDeploy deployment group not driven by a pipeline. */
  codedeploy: z
    .strictObject({
      application: awsName,
      deploymentGroup: awsName,
      /** For rollback deployments. Default: what the target's own deployment used. */
      fileExistsBehavior: z.enum(['DISALLOW', 'OVERWRITE', 'RETAIN']).optional(),
      /**
       * A forward deploy that starts while deploys are blocked (freeze, blackout, closed window,
       * blocking alarm): `announce` it in the channel with a Stop button, or `stop` it
       * (StopDeployment with autoRollbackEnabled). Rollbacks are never held. Default announce.
       */
      duringBlock: z.enum(['announce', 'stop']).optional(),
    })
    .optional(),
  /** Alarms watched during the bake window and after a rollback. */
  alarms: z.array(z.string().min(1).max(255)).optional(),
  /** How long after a deploy alarms count against it. Default 15m. */
  bake: duration.optional(),
  autoRollback: autoRollbackPolicy.optional(),
  /**
   * How long an automatic rollback waits, with a Cancel button in the channel, before it starts.
   * Default none: it starts at once. Manual rollbacks never wait.
   */
  autoRollbackGrace: duration.optional(),
  /** Alarms whose ALARM state blocks forward deploys. */
  blockOnAlarms: z.array(z.string().min(1).max(255)).optional(),
  /** A suppressed composite alarm of blockOnAlarms in ALARM: block or ignore. Default: defaults.suppressedAlarms, else block. */
  suppressedAlarms: suppressedAlarmsPolicy.optional(),
  approval: approvalSettings.optional(),
  windows: windowsSettings.optional(),
  /** Who may request, cancel and unlock. Default: defaults.permissions. */
  permissions: permissionsSettings.optional(),
  /** Replaced by permissions.request: kept in the schema only to say so, at its key. */
  allowedUsers: z
    .unknown()
    .superRefine((_, ctx) => {
      ctx.addIssue({
        code: 'custom',
        message:
          'was replaced by permissions.request: write `permissions: { request: [channel, U…] }` for what allowedUsers meant (anyone in the channel, plus these users from anywhere); cancel and unlock are permissions.cancel',
      });
    })
    .optional(),
  /** Probed after a rollback until it answers 200. */
  healthUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Default: defaults.feed, else quiet. */
  feed: feedMode.optional(),
});

export const group = z.union([
  z.array(z.string()).min(2),
  z.strictObject({
    members: z.array(z.string()).min(2),
    /** When one member's rollback fails: halt the rest, or continue. Default halt. */
    onMemberFailure: z.enum(['halt', 'continue']).optional(),
  }),
]);
