// Alarms of one account (region + role), polled: one DescribeAlarms per 100 names per tick,
// metric and composite together. A changed state (or state time) is an alarm event.
import type { AwsClients } from '../../aws/aws-clients.js';
import { readAlarms } from '../../aws/cloudwatch-adapter.js';
import { ALARM_STATES, type AlarmEvent, type AlarmStateValue } from '../domain-event.js';
import type { Observed } from './observe-pipeline.js';
import type { PollBudget } from './poll-budget.js';
import type { PolledAlarms } from './poll-plan.js';
import { occurrenceKeyOf, polledBase } from './polled-event.js';

export interface AlarmSeen {
  state: string;
  /** State time, ms. */
  at: number;
}
export type AlarmsSeen = Record<string, AlarmSeen>;

/** One alarm as a tick saw it (domain/alarms.ts AlarmReading, in what the poller keeps). */
export interface PolledAlarm {
  name: string;
  kind: 'metric' | 'composite';
  state: string;
  at: number;
  reason: string;
}

const REASON_LIMIT = 1000;

const isState = (s: string): s is AlarmStateValue => Object.hasOwn(ALARM_STATES, s);

/** Readings that differ from what was seen; a name seen for the first time is a baseline. Pure. */
export function alarmChanges(prev: AlarmsSeen | undefined, readings: PolledAlarm[]): PolledAlarm[] {
  if (prev === undefined) return [];
  return readings.filter((r) => {
    const before = prev[r.name];
    return before !== undefined && (before.state !== r.state || before.at !== r.at);
  });
}

function alarmEvent(
  p: PolledAlarms,
  r: PolledAlarm & { state: AlarmStateValue },
  prev?: AlarmSeen,
): AlarmEvent {
  const stateTime = new Date(r.at).toISOString();
  return {
    ...polledBase(occurrenceKeyOf('alarm', p.account.region, r.name, r.state, stateTime), {
      time: stateTime,
      region: p.account.region,
      account: p.accountId,
    }),
    type: ALARM_STATES[r.state],
    alarmName: r.name,
    alarmKind: r.kind,
    state: r.state,
    reason: r.reason.slice(0, REASON_LIMIT),
    stateTime,
    ...(prev && isState(prev.state) ? { previousState: prev.state } : {}),
  };
}

export async function observeAlarms(
  aws: AwsClients,
  budget: PollBudget,
  p: PolledAlarms,
  prev: AlarmsSeen | undefined,
): Promise<Observed<AlarmsSeen, AlarmEvent> | undefined> {
  const read = await readAlarms(aws, p.account, p.names, {
    mayCall: () => budget.take('DescribeAlarms'),
  });
  if (!read) return undefined;
  const readings: PolledAlarm[] = read.map((r) => ({
    name: r.name,
    kind: r.kind ?? 'metric',
    state: r.state,
    at: r.since?.getTime() ?? 0,
    reason: r.reason ?? '',
  }));
  const next: AlarmsSeen = {};
  for (const r of readings) next[r.name] = { state: r.state, at: r.at };
  const events = alarmChanges(prev, readings)
    .filter((r): r is PolledAlarm & { state: AlarmStateValue } => isState(r.state))
    .map((r) => alarmEvent(p, r, prev?.[r.name]));
  return { events, next };
}
