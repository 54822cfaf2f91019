// The deploy feed (env.feed): one message per release, edited in place as the release moves
// (started → succeeded → bake passed, or failed). Steps only move forward, so duplicates and
// out-of-order events (SUCCEEDED before STARTED) neither flood the channel nor go backwards.
import type { EnvironmentConfig } from '../../config/config.js';
import {
  advancesFeed,
  type FeedStep,
  feedRepliesInThread,
} from '../../domain/reactions/feed-state.js';
import type { SourceRevision } from '../../domain/releases.js';
import { ReactionBusy, type ReactionContext, whereOf } from './context.js';
import type { ReactionNotice } from './reaction-notices.js';

const KIND = 'feed';

export interface FeedUpdate {
  releaseId: string;
  stage?: string;
  /** Known revisions; else the ones stored with the message, else loaded by `load`. */
  sourceRevisions?: SourceRevision[];
  step: FeedStep;
  load?: () => Promise<SourceRevision[]>;
}

export async function updateFeed(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  u: FeedUpdate,
): Promise<void> {
  if (env.feed === 'off') return;
  const key = `${env.name}|${u.stage ?? '-'}|${u.releaseId}`;
  const p = await ctx.store.progress(KIND, key);
  if (!advancesFeed(p.step as FeedStep | undefined, u.step)) return;
  const release = await ctx.store.lock(KIND, key, 15_000);
  if (!release) throw new ReactionBusy(`feed ${key}`);
  try {
    const again = await ctx.store.progress(KIND, key);
    if (!advancesFeed(again.step as FeedStep | undefined, u.step)) return;
    const revisions =
      u.sourceRevisions ??
      (again.revisions ? (JSON.parse(again.revisions) as SourceRevision[]) : undefined) ??
      (await u.load?.()) ??
      [];
    // The release's own offer, behind its "Mark bad" button (made once, kept with the message).
    let offerId = again.offerId;
    if (!offerId) {
      offerId = (
        await ctx.offers.create(
          {
            kind: 'release',
            env: env.name,
            ...(u.stage ? { stage: u.stage } : {}),
            currentId: u.releaseId,
            createdBy: 'bot',
            channel: env.channel,
          },
          ctx.now(),
        )
      ).id;
      await ctx.store.record(KIND, key, { offerId });
    }
    const msg: ReactionNotice = {
      notice: 'feed',
      env: env.name,
      where: whereOf(env, u.stage),
      releaseId: u.releaseId,
      sourceRevisions: revisions,
      step: u.step,
      offerId,
    };
    let ts = again.ts;
    if (ts) await ctx.slack.update(env.channel, ts, msg);
    else {
      ts = await ctx.slack.post(env.channel, msg, { key: `feed|${key}` });
      await ctx.store.record(KIND, key, { ts, revisions: JSON.stringify(revisions) });
    }
    if (feedRepliesInThread(env.feed, u.step)) {
      await ctx.slack.post(
        env.channel,
        { notice: 'feed-step', step: u.step },
        {
          threadTs: ts,
          key: `feed|${key}|${u.step}`,
        },
      );
    }
    await ctx.store.record(KIND, key, { step: u.step });
  } finally {
    await release();
  }
}
