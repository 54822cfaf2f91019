// The YAML configuration a platform team writes: environments, groups, policies.
// Parsed once at start-up; every problem is reported with its key path.
import { Cron } from 'croner';
import { z } from 'zod';
import { didYouMean } from '../runtime/suggest.js';
import { duration } from './duration.js';
import { PERMISSION_KEYWORDS } from './permission-lists.js';

const slackChannelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD (not a #name)');
const slackPrincipal = z
  .string()
  .regex(
    /^[UWS][A-Z0-9]{2,}$/,
    'must be a Slack user id (U…/W…) or user-group id (S…), not a name or @handle',
  );
/**
 * One entry of a permission list: a Slack user (U…/W…) or user group (S…), or a keyword
 * (`channel`, `requester`, `approvers`; see src/domain/permissions.ts).
 */
const permissionEntry = z.string().superRefine((entry, ctx) => {
  if ((PERMISSION_KEYWORDS as readonly string[]).includes(entry)) return;
  if (/^[UWS][A-Z0-9]{2,}$/.test(entry)) return;
  const words = PERMISSION_KEYWORDS.join(', ');
  ctx.addIssue({
    code: 'custom',
    message: /^[CGD][A-Z0-9]{2,}$/.test(entry)
      ? `"${entry}" is a channel id; permissions name people (U…/W… users, S… user groups) or ${words} ("channel" is the environment's own channel)`
      : `"${entry}" must be a Slack user id (U…/W…), a user-group id (S…), or one of ${words}; not a name or @handle${didYouMean(entry, [...PERMISSION_KEYWORDS])}`,
  });
});

function permissionList(key: 'request' | 'cancel') {
  return z.array(permissionEntry).superRefine((entries, ctx) => {
    entries.forEach((entry, i) => {
      if (entries.indexOf(entry) !== i) {
        ctx.addIssue({ code: 'custom', path: [i], message: `"${entry}" is listed twice` });
      }
      if (key === 'request' && entry === 'requester') {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message:
            '"requester" applies to cancel only: a rollback has no requester before it is requested',
        });
      }
    });
  });
}

/**
 * Who may act on an environment, besides access.admins (who always may). An empty list: admins
 * only. Read-only commands (status, history, diff, help) are open to everyone.
 */
const permissionsSettings = z.strictObject({
  /** Who may request a rollback (command, buttons, picker, group). Default [channel]. */
  request: permissionList('request').optional(),
  /** Who may cancel a request (also in its grace period) or unlock a stage. Default [requester, approvers]. */
  cancel: permissionList('cancel').optional(),
});

const awsName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9.@\-_]+$/, 'may contain only letters, digits and . @ - _ (max 100)');
const region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1');
const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN');

export const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `unknown IANA time zone "${String(iss.input)}", e.g. Europe/Berlin` },
);

const cronExpression = z.string().refine(
  (expr) => {
    try {
      new Cron(expr, { paused: true });
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `invalid cron expression "${String(iss.input)}"` },
);

const localDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/,
    'must be a local date-time such as 2026-12-19T18:00 (read in the time zone of the windows)',
  );

/** Why a manual rollback needs a manager. */
export const approvalRule = z.enum([
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

const approvalSettings = z.strictObject({
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

const environment = z.strictObject({
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
  /** Deploy feed in the channel: off, quiet (one updated message per release) or verbose. */
  feed: z.enum(['off', 'quiet', 'verbose']).optional(),
});

const group = z.union([
  z.array(z.string()).min(2),
  z.strictObject({
    members: z.array(z.string()).min(2),
    /** When one member's rollback fails: halt the rest, or continue. Default halt. */
    onMemberFailure: z.enum(['halt', 'continue']).optional(),
  }),
]);

export const rawConfigSchema = z
  .strictObject({
    defaults: z
      .strictObject({
        timezone: timeZone.optional(),
        region: region.optional(),
        approvers: z.array(slackPrincipal).optional(),
        approval: approvalSettings.omit({ when: true }).optional(),
        bake: duration.optional(),
        autoRollback: autoRollbackPolicy.optional(),
        feed: z.enum(['off', 'quiet', 'verbose']).optional(),
        /** Permissions for environments that set none. */
        permissions: permissionsSettings.optional(),
      })
      .optional(),
    access: z
      .strictObject({
        /** May request, cancel, unlock, freeze and unfreeze on any environment, from any channel (not approve). */
        admins: z.array(slackPrincipal).optional(),
        /** May freeze and unfreeze. Default: admins and approvers. */
        freezers: z.array(slackPrincipal).optional(),
      })
      .optional(),
    events: z
      .strictObject({
        /** SNS topics whose notifications /aws/events accepts. */
        snsTopics: z
          .array(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/))
          .optional(),
        poll: z
          .strictObject({
            enabled: z.boolean(),
            /** How often AWS is polled. Default 1m. */
            interval: duration.optional(),
            /** AWS calls one poll may make; the rest wait for the next poll. Default 100. */
            maxCallsPerTick: z.number().int().min(1).max(10_000).optional(),
          })
          .optional(),
      })
      .optional(),
    environments: z.record(
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]{0,39}$/,
          'environment names are lower-case letters, digits and -',
        ),
      environment,
    ),
    groups: z.record(z.string(), group).optional(),
  })
  .superRefine((cfg, ctx) => {
    const envNames = Object.keys(cfg.environments);
    if (envNames.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments'],
        message: 'define at least one environment',
      });
    }
    const claimed = new Map<string, string>();
    for (const [name, env] of Object.entries(cfg.environments)) {
      const hasPipeline = env.pipeline !== undefined || env.stages !== undefined;
      if (hasPipeline && env.codedeploy) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name],
          message: 'guards either a pipeline (pipeline + stages) or a codedeploy group, not both',
        });
      } else if (!hasPipeline && !env.codedeploy) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name],
          message: 'needs a pipeline with stages, or a codedeploy group',
        });
      } else if (
        hasPipeline &&
        (!env.pipeline || !env.stages || Object.keys(env.stages).length === 0)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name, env.pipeline ? 'stages' : 'pipeline'],
          message: env.pipeline
            ? 'list at least one stage to guard'
            : 'is required when stages are listed',
        });
      }
      const where = env.region ?? cfg.defaults?.region ?? '(AWS_REGION)';
      const keys: Array<{ key: string; path: (string | number)[]; what: string }> = [];
      for (const stage of Object.keys(env.stages ?? {})) {
        keys.push({
          key: `${where}/pipeline/${env.pipeline}/${stage}`,
          path: ['environments', name, 'stages', stage],
          what: `pipeline stage ${env.pipeline}/${stage}`,
        });
      }
      if (env.codedeploy) {
        keys.push({
          key: `${where}/codedeploy/${env.codedeploy.application}/${env.codedeploy.deploymentGroup}`,
          path: ['environments', name, 'codedeploy'],
          what: `deployment group ${env.codedeploy.application}/${env.codedeploy.deploymentGroup}`,
        });
      }
      for (const k of keys) {
        const owner = claimed.get(k.key);
        if (owner) {
          ctx.addIssue({
            code: 'custom',
            path: k.path,
            message: `${k.what} in ${where} is already guarded by environment "${owner}"; one owner per stage`,
          });
        } else claimed.set(k.key, name);
      }
    }
    for (const [gname, g] of Object.entries(cfg.groups ?? {})) {
      if (gname in cfg.environments) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups', gname],
          message: `group name "${gname}" is also an environment name; use a different name`,
        });
      }
      const members = Array.isArray(g) ? g : g.members;
      members.forEach((m, i) => {
        if (!(m in cfg.environments)) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', gname, ...(Array.isArray(g) ? [] : ['members']), i],
            message: `unknown environment "${m}"${didYouMean(m, envNames)}`,
          });
        }
      });
    }
  });

export type RawConfig = z.infer<typeof rawConfigSchema>;
