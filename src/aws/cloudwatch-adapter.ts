// CloudWatch calls the bot makes (DescribeAlarms), returning domain shapes. Metric and composite
// alarms alike: a blocking alarm is often one composite, and DescribeAlarms without AlarmTypes
// answers metric alarms only. Composite alarms also say whether their actions are suppressed
// (`ActionsSuppressedBy`), which `suppressedAlarms` weighs.
import {
  type CompositeAlarm,
  type MetricAlarm,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmReading, AlarmState, AlarmSuppression } from '../domain/alarms.js';
import { type CallBudget, type NoBudget, readPages } from './aws-call.js';
import type { Account, AwsClients } from './aws-clients.js';

const STATES: ReadonlySet<string> = new Set<AlarmState>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const SUPPRESSIONS: ReadonlySet<string> = new Set<AlarmSuppression>([
  'WaitPeriod',
  'ExtensionPeriod',
  'Alarm',
]);

/** A composite alarm's `ActionsSuppressedBy`, while it is in ALARM; a value we do not know reads as none. */
function suppressionOf(a: MetricAlarm | CompositeAlarm): AlarmSuppression | undefined {
  const by = 'ActionsSuppressedBy' in a ? a.ActionsSuppressedBy : undefined;
  return a.StateValue === 'ALARM' && by && SUPPRESSIONS.has(by)
    ? (by as AlarmSuppression)
    : undefined;
}
/** DescribeAlarms takes at most 100 names a call. */
const NAMES_PER_CALL = 100;

function toReading(a: MetricAlarm | CompositeAlarm, kind: 'metric' | 'composite') {
  if (!a.AlarmName || !a.StateValue || !STATES.has(a.StateValue)) return [];
  const reading: AlarmReading = {
    name: a.AlarmName,
    state: a.StateValue as AlarmState,
    kind,
    ...(a.StateReason ? { reason: a.StateReason } : {}),
    ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp } : {}),
  };
  const suppressedBy = kind === 'composite' ? suppressionOf(a) : undefined;
  if (suppressedBy) reading.suppressedBy = suppressedBy;
  return [reading];
}

/**
 * The named alarms CloudWatch knows, in the order named; unknown names are left out. With a
 * budget (`mayCall`, asked before each DescribeAlarms), undefined when it refused one: all or
 * nothing, so unread alarms never look new next time.
 */
export async function readAlarms(
  aws: AwsClients,
  account: Account,
  names: readonly string[],
  opts?: NoBudget,
): Promise<AlarmReading[]>;
export async function readAlarms(
  aws: AwsClients,
  account: Account,
  names: readonly string[],
  opts: CallBudget,
): Promise<AlarmReading[] | undefined>;
export async function readAlarms(
  aws: AwsClients,
  account: Account,
  names: readonly string[],
  opts: Partial<CallBudget> = {},
): Promise<AlarmReading[] | undefined> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const client = aws.cloudwatch(account);
  const out: AlarmReading[] = [];
  for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
    const pages = await readPages(
      'DescribeAlarms',
      { account, alarms: unique },
      paginateDescribeAlarms(
        { client, pageSize: 100 },
        {
          AlarmNames: unique.slice(i, i + NAMES_PER_CALL),
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        },
      ),
      { hasNext: (p) => !!p.NextToken, mayCall: opts.mayCall },
    );
    if (!pages) return undefined;
    for (const page of pages) {
      out.push(
        ...(page.MetricAlarms ?? []).flatMap((a) => toReading(a, 'metric')),
        ...(page.CompositeAlarms ?? []).flatMap((a) => toReading(a, 'composite')),
      );
    }
  }
  const order = new Map(unique.map((n, i) => [n, i]));
  return out.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
}
