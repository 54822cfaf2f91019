// CloudWatch alarms: metric alarms whose state is set from outside (the scenario), and
// composite alarms whose state follows their AlarmRule over their children.
import type { AlarmStateValue, ModelContext } from '../context.js';
import { AwsError } from '../errors.js';
import type { AlarmSpec } from '../world/schema.js';
import { type AlarmRule, alarmsIn, evaluateAlarmRule, parseAlarmRule } from './alarm-rule.js';

/** Why a composite alarm's actions are suppressed (DescribeAlarms `ActionsSuppressedBy`). */
export type SuppressedBy = 'WaitPeriod' | 'ExtensionPeriod' | 'Alarm';

export interface AlarmStateRecord {
  value: AlarmStateValue;
  reason: string;
  reasonData: string;
  timestamp: number;
  /** Composite alarms in ALARM only: its actions are suppressed, and why. */
  suppressedBy?: SuppressedBy;
}

export interface Alarm {
  spec: AlarmSpec;
  name: string;
  region: string;
  type: 'MetricAlarm' | 'CompositeAlarm';
  rule?: AlarmRule;
  state: AlarmStateRecord;
  transitionedAt: number;
  configuredAt: number;
  /** Bumped on every suppression change, so a wait or extension period that ended is ignored. */
  suppressionEpoch: number;
}

/** CDK's default for both periods when a suppressor is set; the API requires them then. */
const DEFAULT_SUPPRESSOR_PERIOD_S = 60;

export type AlarmListener = (alarm: Alarm, previous: AlarmStateRecord) => void;

export class CloudWatchModel {
  private alarms = new Map<string, Alarm>();
  private listeners: AlarmListener[] = [];

  constructor(private readonly ctx: ModelContext) {}

  load(specs: AlarmSpec[]): void {
    this.alarms.clear();
    const now = this.ctx.clock.now();
    for (const spec of specs) {
      const alarm: Alarm = {
        spec,
        name: spec.name,
        region: spec.region,
        type: spec.rule ? 'CompositeAlarm' : 'MetricAlarm',
        state: {
          value: spec.state,
          reason:
            spec.reason ??
            (spec.state === 'OK'
              ? 'Threshold Crossed: no datapoints were greater than the threshold.'
              : 'Set by the sandbox world'),
          reasonData: '{}',
          timestamp: now,
        },
        transitionedAt: now,
        configuredAt: now,
        suppressionEpoch: 0,
      };
      if (spec.actionsSuppressor !== undefined && !spec.rule) {
        throw new Error(
          `alarm ${spec.name}: actionsSuppressor is for composite alarms (with a rule)`,
        );
      }
      if (spec.rule) {
        try {
          alarm.rule = parseAlarmRule(spec.rule);
        } catch (err) {
          throw new Error(`alarm ${spec.name}: invalid rule: ${(err as Error).message}`);
        }
      }
      this.alarms.set(`${spec.region}/${spec.name}`, alarm);
    }
  }

  onStateChange(listener: AlarmListener): void {
    this.listeners.push(listener);
  }

  list(region: string): Alarm[] {
    return [...this.alarms.values()].filter((a) => a.region === region);
  }

  find(region: string, name: string): Alarm | undefined {
    return this.alarms.get(`${region}/${name}`);
  }

  arn(a: Alarm): string {
    return `arn:aws:cloudwatch:${a.region}:${this.ctx.account()}:alarm:${a.name}`;
  }

  setState(
    name: string,
    value: AlarmStateValue,
    reason: string,
    region: string,
    reasonData = '{}',
  ): void {
    const alarm = this.find(region, name);
    if (!alarm)
      throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404, 'ResourceNotFound');
    this.transition(alarm, value, reason, reasonData);
  }

  private transition(
    alarm: Alarm,
    value: AlarmStateValue,
    reason: string,
    reasonData: string,
  ): void {
    const previous = alarm.state;
    const now = this.ctx.clock.now();
    alarm.state = { value, reason, reasonData, timestamp: now };
    // Setting the same state updates the reason but is not a state change: no event.
    if (previous.value === value) {
      if (previous.suppressedBy) alarm.state.suppressedBy = previous.suppressedBy;
      return;
    }
    alarm.transitionedAt = now;
    alarm.suppressionEpoch += 1;
    if (value === 'ALARM') {
      const by = this.suppressionOnEntry(alarm);
      if (by) alarm.state.suppressedBy = by;
    }
    this.emit(alarm, previous);
    for (const l of this.listeners) l(alarm, previous);
    this.suppressorChanged(alarm);
    this.reevaluateParents(alarm);
  }

  // ---- actions suppression (composite alarms with an ActionsSuppressor) --------------------

  private suppressorOf(composite: Alarm): Alarm | undefined {
    const name = composite.spec.actionsSuppressor;
    return name === undefined ? undefined : this.find(composite.region, name);
  }

  /** A composite just entered ALARM: suppressed while its suppressor is in ALARM, or waits. */
  private suppressionOnEntry(composite: Alarm): SuppressedBy | undefined {
    const suppressor = this.suppressorOf(composite);
    if (!suppressor) return undefined;
    if (suppressor.state.value === 'ALARM') return 'Alarm';
    const wait = composite.spec.actionsSuppressorWaitPeriod ?? DEFAULT_SUPPRESSOR_PERIOD_S;
    if (wait <= 0) return undefined;
    this.endSuppressionAfter(composite, wait);
    return 'WaitPeriod';
  }

  /** `changed` moved: every composite in ALARM that it suppresses starts or ends a period. */
  private suppressorChanged(changed: Alarm): void {
    for (const c of this.list(changed.region)) {
      if (c.spec.actionsSuppressor !== changed.name || c.state.value !== 'ALARM') continue;
      if (changed.state.value === 'ALARM') {
        if (c.state.suppressedBy !== 'Alarm') this.setSuppression(c, 'Alarm');
        continue;
      }
      if (c.state.suppressedBy !== 'Alarm') continue;
      const ext = c.spec.actionsSuppressorExtensionPeriod ?? DEFAULT_SUPPRESSOR_PERIOD_S;
      this.setSuppression(c, ext > 0 ? 'ExtensionPeriod' : undefined);
      if (ext > 0) this.endSuppressionAfter(c, ext);
    }
  }

  private endSuppressionAfter(composite: Alarm, seconds: number): void {
    const epoch = composite.suppressionEpoch;
    this.ctx.clock.schedule(seconds * 1000, () => {
      if (composite.suppressionEpoch !== epoch || composite.state.value !== 'ALARM') return;
      this.setSuppression(composite, undefined);
    });
  }

  /**
   * The composite stays in ALARM and its suppression changes: CloudWatch reports it as an
   * ALARM → ALARM state change whose previous state names the suppression that ended.
   */
  private setSuppression(composite: Alarm, by: SuppressedBy | undefined): void {
    const previous = composite.state;
    composite.suppressionEpoch += 1;
    const { suppressedBy: _ended, ...rest } = previous;
    composite.state = {
      ...rest,
      timestamp: this.ctx.clock.now(),
      ...(by ? { suppressedBy: by } : {}),
    };
    this.emit(composite, previous);
  }

  private reevaluateParents(child: Alarm): void {
    for (const parent of this.list(child.region)) {
      if (!parent.rule || !alarmsIn(parent.rule).includes(child.name)) continue;
      const firing = evaluateAlarmRule(parent.rule, (n) => this.find(child.region, n)?.state.value);
      const value: AlarmStateValue = firing ? 'ALARM' : 'OK';
      if (parent.state.value === value) continue;
      const when = new Date(child.state.timestamp);
      const reason = `${this.arn(child)} transitioned to ${child.state.value} at ${longDate(when)}`;
      const reasonData = JSON.stringify({
        triggeringAlarms: [
          {
            arn: this.arn(child),
            state: { value: child.state.value, timestamp: cwTimestamp(when) },
          },
        ],
      });
      this.transition(parent, value, reason, reasonData);
    }
  }

  private emit(alarm: Alarm, previous: AlarmStateRecord): void {
    const spec = alarm.spec;
    const configuration: Record<string, unknown> = alarm.rule
      ? {
          alarmRule: spec.rule,
          ...suppressorConfiguration(spec),
        }
      : {
          ...(spec.description ? { description: spec.description } : {}),
          metrics: spec.metric
            ? [
                {
                  id: 'm1',
                  metricStat: {
                    metric: {
                      dimensions: spec.metric.dimensions,
                      name: spec.metric.name,
                      namespace: spec.metric.namespace,
                    },
                    period: spec.metric.period,
                    stat: spec.metric.statistic,
                  },
                  returnData: true,
                },
              ]
            : [],
        };
    const state = (s: AlarmStateRecord) => ({
      value: s.value,
      reason: s.reason,
      reasonData: s.reasonData,
      timestamp: cwTimestamp(new Date(s.timestamp)),
      ...(s.suppressedBy
        ? {
            actionsSuppressedBy: s.suppressedBy,
            actionsSuppressedReason: suppressedReason(s.suppressedBy),
          }
        : {}),
    });
    this.ctx.emitter.emit({
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      time: this.ctx.clock.date(),
      region: alarm.region,
      resources: [this.arn(alarm)],
      detail: {
        alarmName: alarm.name,
        configuration,
        previousState: state(previous),
        state: state(alarm.state),
      },
    });
  }
}

/** A composite's suppressor settings as its events' `configuration` carries them. */
export function suppressorConfiguration(spec: AlarmSpec) {
  const set = spec.actionsSuppressor !== undefined;
  const period = (v: number | undefined) => (set ? (v ?? DEFAULT_SUPPRESSOR_PERIOD_S) : 0);
  return {
    actionsSuppressor: spec.actionsSuppressor ?? '',
    actionsSuppressorWaitPeriod: period(spec.actionsSuppressorWaitPeriod),
    actionsSuppressorExtensionPeriod: period(spec.actionsSuppressorExtensionPeriod),
  };
}

/** CloudWatch's `ActionsSuppressedReason`. */
export function suppressedReason(by: SuppressedBy): string {
  return `Actions suppressed by ${by}`;
}

/** CloudWatch's event timestamp format: `2026-11-20T14:12:40.205+0000`. */
export function cwTimestamp(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `Friday 20 November, 2026 14:12:40 UTC`, as composite alarm reasons say it. */
function longDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${d.toISOString().slice(11, 19)} UTC`;
}
