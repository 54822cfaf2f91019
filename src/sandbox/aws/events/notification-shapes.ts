// The other shapes AWS publishes to SNS for the same happenings, for subscribers that ask:
// - CodeStar Notifications (a pipeline's notification rule): the pipeline, stage and action
//   events with `detailType` for `detail-type`, no `id`, `notificationRuleArn`, and
//   `additionalAttributes` (failed actions; a failed pipeline names its `failedStage`). Shaped
//   after notifications captured from real pipelines, whose `detail` has no
//   `pipeline-execution-attempt` nor `action-execution-id`.
// - A CloudWatch alarm's SNS action: `AlarmName`, `NewStateValue`, `NewStateReason`,
//   `StateChangeTime`, `Region` as a display name, `AWSAccountId`, `AlarmArn`, `OldStateValue`,
//   `Trigger` (metric alarms) or `AlarmRule` + `TriggeringChildren` (composite alarms). A
//   composite alarm whose actions are suppressed sends none.
// Written from AWS's documentation and captured samples, independently of src/events.
import { createHash } from 'node:crypto';
import type { AwsEvent as EmittedEvent } from './aws-event.js';

/** The EventBridge event being reshaped. */
type AwsEvent = Omit<EmittedEvent, 'version' | 'id'>;

/** What a subscriber receives instead of the EventBridge event. */
export interface Shaped {
  body: Record<string, unknown>;
  subject?: string;
}

const DISPLAY_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-central-1': 'EU (Frankfurt)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
};

export const regionDisplayName = (region: string) => DISPLAY_NAMES[region] ?? region;

type Detail = Record<string, unknown>;
interface FailedAction {
  action: string;
  additionalInformation: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Per subscriber: remembers an execution's failed actions to name them as AWS does. */
export class NotificationShaper {
  private failed = new Map<string, Map<string, FailedAction[]>>();
  private failedStage = new Map<string, string>();

  constructor(private readonly topicArn: string) {}

  codestar(e: AwsEvent): Shaped {
    const d = e.detail as Detail;
    const { 'pipeline-execution-attempt': _attempt, 'action-execution-id': _id, ...detail } = d;
    const rule = createHash('sha1')
      .update(`${e.region}:${str(d.pipeline)}`)
      .digest('hex');
    return {
      body: {
        account: e.account,
        detailType: e['detail-type'],
        region: e.region,
        source: e.source,
        time: e.time,
        notificationRuleArn: `arn:aws:codestar-notifications:${e.region}:${e.account}:notificationrule/${rule}`,
        detail,
        resources: e.resources,
        additionalAttributes: this.attributes(e['detail-type'], d),
      },
    };
  }

  private attributes(detailType: string, d: Detail): Record<string, unknown> {
    const exec = str(d['execution-id']);
    const state = str(d.state);
    const byStage = this.failed.get(exec) ?? new Map<string, FailedAction[]>();
    this.failed.set(exec, byStage);
    if (detailType.includes('Action')) {
      if (state !== 'FAILED') return {};
      const result = (d['execution-result'] ?? {}) as Detail;
      const failed = {
        action: str(d.action),
        additionalInformation: str(result['external-execution-summary']),
      };
      byStage.set(str(d.stage), [...(byStage.get(str(d.stage)) ?? []), failed]);
      return { additionalInformation: failed.additionalInformation };
    }
    if (detailType.includes('Stage')) {
      if (state !== 'FAILED') return { sourceActions: [] };
      this.failedStage.set(exec, str(d.stage));
      const actions = byStage.get(str(d.stage)) ?? [];
      return { failedActionCount: actions.length, failedActions: actions };
    }
    if (state !== 'FAILED') return {};
    const stage = this.failedStage.get(exec);
    const actions = stage ? (byStage.get(stage) ?? []) : [];
    return {
      failedActionCount: actions.length,
      failedActions: actions,
      ...(stage ? { failedStage: stage } : {}),
    };
  }

  /** An alarm's SNS action for the state change, or undefined when its actions are suppressed. */
  alarmAction(e: AwsEvent): Shaped | undefined {
    const d = e.detail as Detail;
    const state = (d.state ?? {}) as Detail;
    const previous = (d.previousState ?? {}) as Detail;
    if (state.actionsSuppressedBy) return undefined;
    const config = (d.configuration ?? {}) as Detail;
    const region = regionDisplayName(e.region);
    const name = str(d.alarmName);
    const value = str(state.value);
    const body: Record<string, unknown> = {
      AlarmName: name,
      AlarmDescription: str(config.description) || null,
      AWSAccountId: e.account,
      NewStateValue: value,
      NewStateReason: str(state.reason),
      StateChangeTime: str(state.timestamp),
      Region: region,
      AlarmArn: e.resources[0],
      OldStateValue: str(previous.value),
      OKActions: [this.topicArn],
      AlarmActions: [this.topicArn],
      InsufficientDataActions: [],
      ...(typeof config.alarmRule === 'string'
        ? { AlarmRule: config.alarmRule, TriggeringChildren: triggeringChildren(state) }
        : { Trigger: trigger(config) }),
    };
    return { body, subject: `${value}: "${name}" in ${region}`.slice(0, 100) };
  }
}

function trigger(config: Detail) {
  const first = ((config.metrics as Detail[] | undefined) ?? [])[0] ?? {};
  const stat = (first.metricStat ?? {}) as Detail;
  const metric = (stat.metric ?? {}) as Detail;
  const dimensions = (metric.dimensions ?? {}) as Record<string, string>;
  return {
    MetricName: str(metric.name),
    Namespace: str(metric.namespace),
    StatisticType: 'Statistic',
    Statistic: str(stat.stat).toUpperCase(),
    Unit: null,
    Dimensions: Object.entries(dimensions).map(([n, v]) => ({ value: v, name: n })),
    Period: stat.period ?? 60,
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'missing',
    EvaluateLowSampleCountPercentile: '',
  };
}

function triggeringChildren(state: Detail) {
  try {
    const data = JSON.parse(str(state.reasonData)) as {
      triggeringAlarms?: Array<{ arn: string; state?: { value?: string; timestamp?: string } }>;
    };
    return (data.triggeringAlarms ?? []).map((t) => ({
      Arn: t.arn,
      State: { Value: t.state?.value, Timestamp: t.state?.timestamp },
    }));
  } catch {
    return [];
  }
}
