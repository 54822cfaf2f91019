// The normalised configuration: defaults applied, durations in milliseconds.
// Everything downstream reads this shape, never the raw YAML.

import type { ApprovalRule, AutoRollbackPolicy } from './environment-schema.js';
import { DEFAULT_CANCEL, DEFAULT_REQUEST } from './permission-lists.js';
import type { RawConfig } from './schema.js';

/** The rule names of `approval.when`, for the domain's approval policy. */
export type { ApprovalRule } from './environment-schema.js';

export type FreezeRollbackPolicy = 'allow' | 'require-approval' | 'deny';

export interface StageTarget {
  kind: 'stage';
  pipeline: string;
  /** Stage name → settings, in the order written. */
  stages: Record<string, { lockAfterRollback: boolean }>;
}
export interface DeploymentGroupTarget {
  kind: 'deployment-group';
  application: string;
  deploymentGroup: string;
  fileExistsBehavior?: 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
  /** A forward deploy started while deploys are blocked: announced with Stop, or stopped. */
  duringBlock: 'announce' | 'stop';
}

export interface ApprovalPolicy {
  when: ApprovalRule[];
  required: number;
  approvers: string[];
  expiresAfterMs: number;
  allowSelfApproval: boolean;
  holdAutomatic: boolean;
}

export interface WindowsPolicy {
  timezone: string;
  allow: Array<{ cron: string; durationMs: number }>;
  blackout: Array<{ from: string; to: string; reason: string }>;
  rollbacksDuringFreeze: FreezeRollbackPolicy;
}

/**
 * Who may act (src/domain/permissions.ts). Entries are Slack user ids (U…/W…), user-group ids
 * (S…), or the keywords `channel`, `requester`, `approvers`. Admins always may, besides these.
 */
export interface PermissionsPolicy {
  /** Request a rollback: command, notification buttons, picker, group. Default [channel]. */
  request: string[];
  /** Cancel a request (also an automatic one in its grace period) or unlock a stage. Default [requester, approvers]. */
  cancel: string[];
}

export interface EnvironmentConfig {
  name: string;
  channel: string;
  region: string;
  roleArn?: string;
  target: StageTarget | DeploymentGroupTarget;
  alarms: string[];
  bakeMs: number;
  autoRollback: AutoRollbackPolicy;
  /** Automatic rollbacks wait this long (cancellable) before they start. Absent: at once. */
  autoRollbackGraceMs?: number;
  blockOnAlarms: string[];
  /** Whether a blocking composite alarm in ALARM whose actions CloudWatch suppresses blocks. */
  suppressedAlarms: 'block' | 'ignore';
  approval: ApprovalPolicy;
  windows: WindowsPolicy;
  permissions: PermissionsPolicy;
  healthUrl?: string;
  feed: 'off' | 'quiet' | 'verbose';
}

export interface GroupConfig {
  name: string;
  members: string[];
  onMemberFailure: 'halt' | 'continue';
}

export interface Config {
  environments: Record<string, EnvironmentConfig>;
  groups: Record<string, GroupConfig>;
  access: { admins: string[]; freezers: string[] };
  events: {
    snsTopics: string[];
    /** The poller (events/poller): interval, and AWS calls per poll (absent: the poller's default). */
    poll: { enabled: boolean; intervalMs: number; maxCallsPerTick?: number };
    /** How far back the start-up check looks for stage failures no event brought (0: off). */
    startupLookBackMs: number;
  };
}

const MINUTE = 60_000;

/** `events.startupLookBack`: default 1h, `off` is 0. */
const lookBackMs = (v: number | 'off' | undefined) => (v === 'off' ? 0 : (v ?? 60 * MINUTE));

/** Applies defaults. `fallbackRegion` is AWS_REGION, used where neither env nor defaults name one. */
export function normaliseConfig(raw: RawConfig, fallbackRegion: string | undefined): Config {
  const d = raw.defaults ?? {};
  const environments: Record<string, EnvironmentConfig> = {};
  for (const [name, e] of Object.entries(raw.environments)) {
    const when = e.approval?.when ?? [];
    const approvers = e.approval?.approvers ?? d.approvers ?? [];
    const target: StageTarget | DeploymentGroupTarget = e.codedeploy
      ? {
          kind: 'deployment-group',
          ...e.codedeploy,
          duringBlock: e.codedeploy.duringBlock ?? 'announce',
        }
      : {
          kind: 'stage',
          pipeline: e.pipeline!,
          stages: Object.fromEntries(
            Object.entries(e.stages ?? {}).map(([s, v]) => [
              s,
              { lockAfterRollback: v?.lockAfterRollback ?? when.length > 0 },
            ]),
          ),
        };
    environments[name] = {
      name,
      channel: e.channel,
      region: e.region ?? d.region ?? fallbackRegion ?? 'us-east-1',
      ...(e.roleArn ? { roleArn: e.roleArn } : {}),
      target,
      alarms: e.alarms ?? [],
      bakeMs: e.bake ?? d.bake ?? 15 * MINUTE,
      autoRollback: e.autoRollback ?? d.autoRollback ?? 'off',
      ...(e.autoRollbackGrace ? { autoRollbackGraceMs: e.autoRollbackGrace } : {}),
      blockOnAlarms: e.blockOnAlarms ?? [],
      suppressedAlarms: e.suppressedAlarms ?? d.suppressedAlarms ?? 'block',
      approval: {
        when,
        required: e.approval?.required ?? d.approval?.required ?? 1,
        approvers,
        expiresAfterMs: e.approval?.expiresAfter ?? d.approval?.expiresAfter ?? 30 * MINUTE,
        allowSelfApproval: e.approval?.allowSelfApproval ?? d.approval?.allowSelfApproval ?? false,
        holdAutomatic: e.approval?.holdAutomatic ?? d.approval?.holdAutomatic ?? false,
      },
      windows: {
        timezone: e.windows?.timezone ?? d.timezone ?? 'UTC',
        allow: (e.windows?.allow ?? []).map((w) => ({ cron: w.cron, durationMs: w.duration })),
        blackout: e.windows?.blackout ?? [],
        rollbacksDuringFreeze: e.windows?.rollbacksDuringFreeze ?? 'require-approval',
      },
      permissions: {
        request: [...(e.permissions?.request ?? d.permissions?.request ?? DEFAULT_REQUEST)],
        cancel: [...(e.permissions?.cancel ?? d.permissions?.cancel ?? DEFAULT_CANCEL)],
      },
      ...(e.healthUrl ? { healthUrl: e.healthUrl } : {}),
      feed: e.feed ?? d.feed ?? 'quiet',
    };
  }
  const groups: Record<string, GroupConfig> = {};
  for (const [name, g] of Object.entries(raw.groups ?? {})) {
    groups[name] = Array.isArray(g)
      ? { name, members: g, onMemberFailure: 'halt' }
      : { name, members: g.members, onMemberFailure: g.onMemberFailure ?? 'halt' };
  }
  const admins = raw.access?.admins ?? [];
  return {
    environments,
    groups,
    access: { admins, freezers: raw.access?.freezers ?? [...admins, ...(d.approvers ?? [])] },
    events: {
      snsTopics: raw.events?.snsTopics ?? [],
      poll: {
        enabled: raw.events?.poll?.enabled ?? false,
        intervalMs: raw.events?.poll?.interval ?? MINUTE,
        ...(raw.events?.poll?.maxCallsPerTick
          ? { maxCallsPerTick: raw.events.poll.maxCallsPerTick }
          : {}),
      },
      startupLookBackMs: lookBackMs(raw.events?.startupLookBack),
    },
  };
}
