// CloudWatch operations (AWS JSON 1.0 in query-compatible mode), typed with the SDK's shapes.
import type {
  CompositeAlarm,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  MetricAlarm,
  SetAlarmStateCommandInput,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmStateValue } from '../context.js';
import { AwsError, requireString } from '../errors.js';
import { pageOf } from '../paging.js';
import type { OperationTable } from '../router-types.js';
import {
  type Alarm,
  type CloudWatchModel,
  suppressedReason,
  suppressorConfiguration,
} from './model.js';

type Out<T> = Omit<T, '$metadata'>;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400, 'InvalidParameterValue');
}

function metricAlarm(model: CloudWatchModel, a: Alarm): MetricAlarm {
  const m = a.spec.metric;
  return {
    AlarmName: a.name,
    AlarmArn: model.arn(a),
    ...(a.spec.description ? { AlarmDescription: a.spec.description } : {}),
    AlarmConfigurationUpdatedTimestamp: new Date(a.configuredAt),
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: a.state.value,
    StateReason: a.state.reason,
    StateReasonData: a.state.reasonData,
    StateUpdatedTimestamp: new Date(a.state.timestamp),
    StateTransitionedTimestamp: new Date(a.transitionedAt),
    ...(m
      ? {
          MetricName: m.name,
          Namespace: m.namespace,
          Statistic: m.statistic,
          Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Period: m.period,
          EvaluationPeriods: m.evaluationPeriods,
          Threshold: m.threshold,
          ComparisonOperator: m.comparisonOperator as MetricAlarm['ComparisonOperator'],
        }
      : {}),
  };
}

function compositeAlarm(model: CloudWatchModel, a: Alarm): CompositeAlarm {
  const suppressor = suppressorConfiguration(a.spec);
  const by = a.state.suppressedBy;
  return {
    ...(a.spec.actionsSuppressor !== undefined
      ? {
          ActionsSuppressor: suppressor.actionsSuppressor,
          ActionsSuppressorWaitPeriod: suppressor.actionsSuppressorWaitPeriod,
          ActionsSuppressorExtensionPeriod: suppressor.actionsSuppressorExtensionPeriod,
        }
      : {}),
    ...(by ? { ActionsSuppressedBy: by, ActionsSuppressedReason: suppressedReason(by) } : {}),
    AlarmName: a.name,
    AlarmArn: model.arn(a),
    ...(a.spec.description ? { AlarmDescription: a.spec.description } : {}),
    AlarmRule: a.spec.rule,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configuredAt),
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: a.state.value,
    StateReason: a.state.reason,
    StateReasonData: a.state.reasonData,
    StateUpdatedTimestamp: new Date(a.state.timestamp),
    StateTransitionedTimestamp: new Date(a.transitionedAt),
  };
}

export function cloudWatchOperations(model: CloudWatchModel): OperationTable {
  return {
    DescribeAlarms: (region, raw) => {
      const input = raw as Partial<DescribeAlarmsCommandInput>;
      if (input.AlarmNames && input.AlarmNamePrefix !== undefined) {
        throw new AwsError(
          'InvalidParameterCombinationException',
          'AlarmNames and AlarmNamePrefix cannot be used together',
          400,
          'InvalidParameterCombination',
        );
      }
      if (input.AlarmNames && input.AlarmNames.length > 100) {
        throw invalid('AlarmNames may contain at most 100 names');
      }
      const max = input.MaxRecords ?? 50;
      if (!Number.isInteger(max) || max < 1 || max > 100) {
        throw invalid(
          `The value ${max} for parameter MaxRecords is not valid: it must be between 1 and 100`,
        );
      }
      const states = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
      if (input.StateValue !== undefined && !states.includes(input.StateValue)) {
        throw invalid(`The value ${input.StateValue} for parameter StateValue is not valid.`);
      }
      const types =
        input.AlarmTypes && input.AlarmTypes.length > 0 ? input.AlarmTypes : ['MetricAlarm'];
      const matched = model
        .list(region)
        .filter((a) => types.includes(a.type))
        .filter((a) => !input.AlarmNames || input.AlarmNames.includes(a.name))
        .filter(
          (a) => input.AlarmNamePrefix === undefined || a.name.startsWith(input.AlarmNamePrefix),
        )
        .filter((a) => input.StateValue === undefined || a.state.value === input.StateValue)
        .sort((a, b) => a.name.localeCompare(b.name));
      // Paging covers metric alarms first, then composites, as one list.
      const ordered = [
        ...matched.filter((a) => a.type === 'MetricAlarm'),
        ...matched.filter((a) => a.type === 'CompositeAlarm'),
      ];
      const page = pageOf(ordered, input.NextToken, max, 100, 'InvalidNextToken');
      const out: Out<DescribeAlarmsCommandOutput> = {
        MetricAlarms: page.items
          .filter((a) => a.type === 'MetricAlarm')
          .map((a) => metricAlarm(model, a)),
        CompositeAlarms: page.items
          .filter((a) => a.type === 'CompositeAlarm')
          .map((a) => compositeAlarm(model, a)),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
      return out;
    },

    SetAlarmState: (region, raw) => {
      const input = raw as Partial<SetAlarmStateCommandInput>;
      const name = requireString(input, 'AlarmName', 'MissingRequiredParameterException');
      const state = requireString(input, 'StateValue', 'MissingRequiredParameterException');
      const reason = requireString(input, 'StateReason', 'MissingRequiredParameterException');
      if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(state)) {
        throw invalid(`The value ${state} for parameter StateValue is not valid.`);
      }
      const data = input.StateReasonData;
      if (data !== undefined && !isJson(data)) {
        throw new AwsError(
          'InvalidFormatFault',
          'Data was not syntactically valid JSON',
          400,
          'InvalidFormat',
        );
      }
      model.setState(name, state as AlarmStateValue, reason, region, data ?? '{}');
      return {};
    },
  };
}

/** SetAlarmState's StateReasonData must be JSON (AWS answers InvalidFormat otherwise). */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
