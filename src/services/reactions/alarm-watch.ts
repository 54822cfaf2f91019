// The alarm watch after a rollback, told to the request the rollback ran for, so its live status
// shows the steps after "succeeded": when the watch began, which alarms the last read found not
// OK, how it ended. It reads nothing from AWS of its own: only what the recovery check read.
import type { EnvironmentConfig } from '../../config/config.js';
import type { RecoveryStatus } from '../../domain/reactions/recovery.js';
import type { AlarmWatch } from '../../domain/rollback-request.js';
import type { ReactionContext } from './context.js';

/** The watch began. Once: a second report of the same rollback (event, follower) keeps the first. */
export async function watchStarted(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  requestId: string,
  since: number,
): Promise<void> {
  const r = await ctx.service.get(requestId);
  if (!r || r.alarmWatch) return;
  await ctx.service.recordAlarmWatch(requestId, { since, alarms: [...env.alarms] });
}

const sameList = (a: readonly string[] | undefined, b: readonly string[]) =>
  (a ?? []).length === b.length && b.every((x) => a?.includes(x));

/** What a recovery read found, recorded when it changes what the status shows. */
export async function watchRead(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  requestId: string,
  status: RecoveryStatus,
  since: number,
): Promise<void> {
  const r = await ctx.service.get(requestId);
  if (!r) return;
  const was: AlarmWatch = r.alarmWatch ?? { since, alarms: [...env.alarms] };
  if (was.outcome) return;
  if (status.kind === 'waiting' && r.alarmWatch && sameList(was.notOk, status.notOk)) return;
  const notOk = status.kind === 'recovered' ? [] : status.notOk;
  const seen = [...new Set([...(was.seenNotOk ?? []), ...notOk])];
  const read = { ...was, notOk, ...(seen.length > 0 ? { seenNotOk: seen } : {}) };
  const next: AlarmWatch =
    status.kind === 'waiting'
      ? read
      : status.kind === 'recovered'
        ? {
            ...read,
            ...(status.missing.length > 0 ? { missing: status.missing } : {}),
            outcome: 'recovered',
            at: ctx.now(),
          }
        : { ...read, outcome: 'not-recovered', at: ctx.now() };
  await ctx.service.recordAlarmWatch(requestId, next);
}
