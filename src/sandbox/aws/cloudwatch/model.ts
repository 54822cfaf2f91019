// CloudWatch alarms: metric alarms whose state is set from outside (the scenario), and
// composite alarms whose state follows their AlarmRule over their children.
import type { AlarmStateValue, ModelContext } from '../context.js';
import { AwsError } from '../errors.js';
import type { AlarmSpec } from '../world/schema.js';
import { type AlarmRule, alarmsIn, evaluateAlarmRule, parseAlarmRule } from './alarm-rule.js';

export interface AlarmStateRecord {
  value: AlarmStateValue;
  reason: string;
  reasonData: string;
  timestamp: number;
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
}

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
      };
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
    if (previous.value === value) return;
    alarm.transitionedAt = now;
    this.emit(alarm, previous);
    for (const l of this.listeners) l(alarm, previous);
    this.reevaluateParents(alarm);
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
          actionsSuppressor: '',
          actionsSuppressorWaitPeriod: 0,
          actionsSuppressorExtensionPeriod: 0,
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
