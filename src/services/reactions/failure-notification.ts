// The failure notification of an incident: what failed, the last good release, the alarms now,
// and the buttons' offer. It ends in the truth: once the automatic rollback it started has
// ended, it says how, and its "Roll back" button is gone.
import { accountOf } from '../../aws/aws-clients.js';
import { readAlarms } from '../../aws/cloudwatch-adapter.js';
import type { EnvironmentConfig } from '../../config/config.js';
import type { RollbackRequest } from '../../domain/rollback-request.js';
import { type ReactionContext, whereOf } from './context.js';
import {
  INCIDENT,
  type Incident,
  incidentOfRequest,
  type PreviewFacts,
} from './incident-record.js';
import type { NotificationOutcome, ReactionNotice } from './reaction-notices.js';

/** The notification, as first posted or with how it ended. */
export async function failureNotification(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  i: Incident,
  preview: PreviewFacts,
  offerId: string,
  outcome?: NotificationOutcome,
): Promise<ReactionNotice> {
  const alarms = await readAlarms(ctx.aws, accountOf(env), env.alarms).catch((err: unknown) => {
    ctx.log.warn({ env: env.name, err: { message: (err as Error).message } }, 'alarms unreadable');
    return [];
  });
  return {
    notice: 'failure',
    env: i.env,
    kind: i.kind,
    where: whereOf(env, i.stage),
    failing: { id: i.releaseId, sourceRevisions: i.sourceRevisions },
    ...(preview.lastGood
      ? {
          lastGood: {
            id: preview.lastGood.id,
            startTime: new Date(preview.lastGood.startTime),
            sourceRevisions: preview.lastGood.sourceRevisions,
          },
        }
      : {}),
    alarms: alarms.map((a) => ({
      name: a.name,
      state: a.state,
      ...(a.reason ? { reason: a.reason } : {}),
    })),
    offerId,
    awsRollingBack: i.awsRollingBack,
    ...(outcome ? { outcome } : {}),
    now: new Date(ctx.now()),
  };
}

/** Once the automatic request `r` has ended: the notification says how (once per end state). */
export async function settleNotification(ctx: ReactionContext, r: RollbackRequest): Promise<void> {
  const env = ctx.config.environments[r.env];
  const key = incidentOfRequest(r);
  if (!env || !key) return;
  const p = await ctx.store.progress(INCIDENT, key);
  if (!p.ts || !p.offerId || !p.preview || !p.incident || p.settled === r.state) return;
  const i = JSON.parse(p.incident) as Incident;
  const preview = JSON.parse(p.preview) as PreviewFacts;
  const outcome: NotificationOutcome =
    r.state === 'succeeded'
      ? {
          kind: 'rolled-back',
          text: `Rolled back automatically (request ${r.id}). Details in the thread.`,
        }
      : {
          kind: 'rollback-failed',
          text: `The automatic rollback ${r.state === 'failed' ? 'failed' : `ended ${r.state}`} (request ${r.id}); a person has to look. Details in the thread.`,
        };
  await ctx.slack.update(
    env.channel,
    p.ts,
    await failureNotification(ctx, env, i, preview, p.offerId, outcome),
  );
  await ctx.store.record(INCIDENT, key, { settled: r.state });
}
