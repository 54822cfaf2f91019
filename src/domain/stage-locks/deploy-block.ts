// Whether forward deploys into an environment are blocked now, and why: manual freezes,
// blackouts, a closed deploy window, blocking alarms. The AWS side (disabling the inbound
// transition of guarded stages) reads `blocked`; people read the causes.
import type { EnvironmentConfig } from '../../config/config.js';
import { type Blackout, evaluateWindows, type WindowsState } from './deploy-windows.js';
import { activeFreezes, type Freeze } from './freezes.js';
import { formatLocal } from './zoned-time.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/**
 * Why CloudWatch suppresses a composite alarm's actions while it is in ALARM (DescribeAlarms
 * `ActionsSuppressedBy`): its suppressor alarm is in ALARM, or it waits for the suppressor
 * (`WaitPeriod`) or after it (`ExtensionPeriod`).
 */
export type AlarmSuppression = 'WaitPeriod' | 'ExtensionPeriod' | 'Alarm';

/** Whether a suppressed composite alarm in ALARM blocks forward deploys (`suppressedAlarms`). */
export type SuppressedAlarmsPolicy = 'block' | 'ignore';

export type BlockCause =
  | { kind: 'freeze'; reason: string; until: Date; freeze: Freeze }
  | { kind: 'blackout'; reason: string; until: Date; blackout: Blackout }
  | { kind: 'window-closed'; reason: string; until?: Date }
  | { kind: 'alarm'; reason: string; alarm: string; suppressedBy?: AlarmSuppression };

export interface DeployBlock {
  blocked: boolean;
  /** In this order: freezes (ending last first), blackout, closed window, alarms. */
  causes: BlockCause[];
  /** Blocking alarms whose state is not known (not in `alarmStates`): not blocking, but unseen. */
  unknownAlarms: string[];
  /**
   * Blocking alarms in ALARM whose actions CloudWatch suppresses and that do not block because
   * the environment says `suppressedAlarms: ignore`. Under `block` they are causes instead.
   */
  ignoredAlarms: Array<{ alarm: string; suppressedBy: AlarmSuppression }>;
  /** The windows' own view, for status (next open and close). */
  windows: WindowsState;
}

export interface DeployBlockInput {
  env: Pick<EnvironmentConfig, 'name' | 'windows' | 'blockOnAlarms' | 'suppressedAlarms'>;
  now: Date;
  /** Any freezes; only those for this environment and in force at `now` count. */
  freezes: readonly Freeze[];
  /** Live state of alarms by name. Only ALARM blocks: INSUFFICIENT_DATA is not a fire. */
  alarmStates: Readonly<Record<string, AlarmState>>;
  /** Composite alarms whose actions CloudWatch suppresses now, by name. Default none. */
  suppressed?: Readonly<Record<string, AlarmSuppression>>;
}

export function deployBlock({
  env,
  now,
  freezes,
  alarmStates,
  suppressed = {},
}: DeployBlockInput): DeployBlock {
  const tz = env.windows.timezone;
  const causes: BlockCause[] = [];

  const frozen = activeFreezes(freezes, now, env.name).sort(
    (a, b) => b.until.getTime() - a.until.getTime(),
  );
  for (const f of frozen) {
    causes.push({
      kind: 'freeze',
      reason: `Frozen until ${formatLocal(f.until, tz)} ${tz}: ${f.reason}`,
      until: f.until,
      freeze: f,
    });
  }

  const windows = evaluateWindows(env.windows, now);
  if (windows.activeBlackout) {
    const b = windows.activeBlackout;
    causes.push({
      kind: 'blackout',
      reason: `${b.reason} until ${formatLocal(b.to, tz)} ${tz}`,
      until: b.to,
      blackout: b,
    });
  }
  if (!windows.window.inside) {
    causes.push({
      kind: 'window-closed',
      reason: windows.window.reason ?? 'outside the deploy window',
      ...(windows.window.opensAt ? { until: windows.window.opensAt } : {}),
    });
  }

  const unknownAlarms: string[] = [];
  const ignoredAlarms: DeployBlock['ignoredAlarms'] = [];
  for (const alarm of env.blockOnAlarms) {
    const state = alarmStates[alarm];
    const by = Object.hasOwn(suppressed, alarm) ? suppressed[alarm] : undefined;
    if (state === undefined) unknownAlarms.push(alarm);
    else if (state !== 'ALARM') continue;
    else if (by && env.suppressedAlarms === 'ignore')
      ignoredAlarms.push({ alarm, suppressedBy: by });
    else if (by) {
      causes.push({
        kind: 'alarm',
        reason: `alarm ${alarm} is in ALARM (its actions are suppressed by ${by}; suppressedAlarms is block)`,
        alarm,
        suppressedBy: by,
      });
    } else causes.push({ kind: 'alarm', reason: `alarm ${alarm} is in ALARM`, alarm });
  }

  return { blocked: causes.length > 0, causes, unknownAlarms, ignoredAlarms, windows };
}
