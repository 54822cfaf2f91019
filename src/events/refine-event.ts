// After normalise, before the enqueue: an alarm action must come from where its alarm is
// configured (alarm-origin.ts), and a pipeline- or action-level FAILED becomes its stage's own
// FAILED (failed-stage.ts). Either may answer instead of enqueueing.
import type { Config } from '../config/config.js';
import { alarmOriginMismatch } from './alarm-origin.js';
import { type AlarmEvent, type DomainEvent, isAlarmEvent } from './domain-event.js';
import type { FailedStageReader } from './failed-stage.js';
import { type Outcome, outcome } from './intake-outcome.js';
import type { EventShape } from './notification-shapes.js';

export interface RefineDeps {
  config: Pick<Config, 'environments'>;
  /** Names the stage of a pipeline- or action-level FAILED; without it they stay as they are. */
  failedStage?: FailedStageReader;
}

export type Refined = { kind: 'event'; event: DomainEvent } | { kind: 'answer'; outcome: Outcome };

export async function refineEvent(
  deps: RefineDeps,
  event: DomainEvent,
  shape: EventShape,
  via: { snsMessageId?: string },
): Promise<Refined> {
  const about = { ...via, eventId: event.sourceEventId, detailType: event.type, shape };
  if (shape === 'alarm-action' && isAlarmEvent(event)) {
    const mismatch = alarmOriginMismatch(deps.config, event as AlarmEvent);
    if (mismatch)
      return {
        kind: 'answer',
        outcome: outcome('alarm_origin_mismatch', { ...about, reason: mismatch }),
      };
  }
  if (!deps.failedStage) return { kind: 'event', event };
  const read = await deps.failedStage(event);
  if (read.kind === 'retry') {
    return { kind: 'answer', outcome: outcome(read.code, { ...about, reason: read.reason }) };
  }
  return { kind: 'event', event: read.kind === 'stage' ? read.event : event };
}
