// An alarm's state change → AlarmEvent, whichever way it came: EventBridge's `CloudWatch Alarm
// State Change`, or the alarm's own SNS action. One builder; each shape only says what it read.

import { regionOfDisplayName } from './aws-region-names.js';
import { ALARM_STATES, type AlarmEvent, type AlarmStateValue } from './domain-event.js';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { alarmDetailSchema } from './eventbridge-event.js';
import {
  type Base,
  definedOnly,
  domainEventId,
  has,
  ignoredState,
  invalid,
  isoTime,
  key,
  type NormaliseResult,
} from './normalise-common.js';
import { type AlarmActionMessage, contentId } from './notification-shapes.js';

const REASON_LIMIT = 1000;

interface AlarmRead {
  alarmName: string;
  alarmArn?: string | undefined;
  composite: boolean;
  state: string;
  previous?: string | undefined;
  reason?: string | undefined;
  stateTime?: string | undefined;
  triggeringArns?: string[] | undefined;
  suppressedBy?: string | undefined;
  suppressedReason?: string | undefined;
}

function alarmNameFromArn(arn: string): string | undefined {
  const i = arn.indexOf(':alarm:');
  return i >= 0 ? arn.slice(i + ':alarm:'.length) : undefined;
}

/** arn:<partition>:cloudwatch:<region>:<account>:alarm:<name> */
function arnParts(arn: string | undefined): { region: string; account: string } | undefined {
  const m = arn ? /^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:/.exec(arn) : null;
  return m ? { region: m[1]!, account: m[2]! } : undefined;
}

function buildAlarm(base: Base, a: AlarmRead): NormaliseResult {
  if (!has(ALARM_STATES, a.state)) return ignoredState(base.sourceEventId, a.state);
  const stateTime = isoTime(a.stateTime);
  const triggering = a.triggeringArns
    ?.map(alarmNameFromArn)
    .filter((n): n is string => n !== undefined);
  const event: AlarmEvent = {
    ...base,
    occurrenceKey: key('alarm', base.region, a.alarmName, a.state, stateTime ?? base.time),
    type: ALARM_STATES[a.state],
    alarmName: a.alarmName,
    alarmKind: a.composite ? 'composite' : 'metric',
    state: a.state,
    reason: (a.reason ?? '').slice(0, REASON_LIMIT),
    ...definedOnly({
      alarmArn: a.alarmArn,
      previousState:
        a.previous !== undefined && has(ALARM_STATES, a.previous)
          ? (a.previous as AlarmStateValue)
          : undefined,
      stateTime,
      triggeringAlarms: a.composite ? triggering : undefined,
      actionsSuppressedBy: a.suppressedBy,
      actionsSuppressedReason: a.suppressedReason?.slice(0, REASON_LIMIT),
    }),
  };
  return { kind: 'event', event, shape: 'eventbridge' };
}

/** Composite alarms list their triggers in reasonData; anything unreadable reads as absent. */
function triggeringArns(reasonData: string | undefined): string[] | undefined {
  if (!reasonData) return undefined;
  try {
    const data = JSON.parse(reasonData) as { triggeringAlarms?: Array<{ arn?: unknown }> };
    if (!Array.isArray(data.triggeringAlarms)) return undefined;
    return data.triggeringAlarms.flatMap((t) => (typeof t?.arn === 'string' ? [t.arn] : []));
  } catch {
    return undefined;
  }
}

/** EventBridge's `CloudWatch Alarm State Change`. */
export function alarmEvent(e: EventBridgeEvent, base: Base): NormaliseResult {
  const parsed = alarmDetailSchema.safeParse(e.detail);
  if (!parsed.success) return invalid(e.id, parsed.error);
  const d = parsed.data;
  const composite = d.configuration?.alarmRule !== undefined;
  return buildAlarm(base, {
    alarmName: d.alarmName,
    alarmArn: e.resources?.find((r) => alarmNameFromArn(r) === d.alarmName),
    composite,
    state: d.state.value,
    previous: d.previousState?.value,
    reason: d.state.reason,
    stateTime: d.state.timestamp,
    triggeringArns: composite ? triggeringArns(d.state.reasonData) : undefined,
    suppressedBy: d.state.actionsSuppressedBy,
    suppressedReason: d.state.actionsSuppressedReason,
  });
}

/**
 * A CloudWatch alarm's SNS action. The region comes from the AlarmArn when there is one, else
 * from the `Region` display name; a region we cannot tell makes the message unreadable (the
 * intake must check it against the configured alarm, alarm-origin.ts).
 */
export function alarmActionEvent(m: AlarmActionMessage): NormaliseResult {
  const fromArn = arnParts(m.AlarmArn);
  const region = fromArn?.region ?? (m.Region ? regionOfDisplayName(m.Region) : undefined);
  const time = isoTime(m.StateChangeTime);
  const sourceEventId = contentId('a', [m.AlarmArn ?? m.AlarmName, m.NewStateValue, time]);
  if (region === undefined) {
    return {
      kind: 'invalid',
      reason: `alarm action from an unknown region ${JSON.stringify((m.Region ?? '').slice(0, 60))} without an AlarmArn`,
      sourceEventId,
    };
  }
  if (time === undefined)
    return { kind: 'invalid', reason: 'StateChangeTime is not a date', sourceEventId };
  const base: Base = {
    id: domainEventId(sourceEventId),
    sourceEventId,
    time,
    region,
    account: m.AWSAccountId,
  };
  const r = buildAlarm(base, {
    alarmName: m.AlarmName,
    alarmArn: m.AlarmArn,
    composite: m.AlarmRule !== undefined,
    state: m.NewStateValue,
    previous: m.OldStateValue,
    reason: m.NewStateReason,
    stateTime: m.StateChangeTime,
    triggeringArns: m.TriggeringChildren?.flatMap((c) => (c.Arn ? [c.Arn] : [])),
  });
  return r.kind === 'event' ? { ...r, shape: 'alarm-action' } : r;
}
