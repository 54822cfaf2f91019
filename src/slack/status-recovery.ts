// Before a first post, when Redis may have lost the ts of a status message already posted (a
// crash within AOF everysec's second, or a process that died between the post and storing its
// ts): find that message in Slack and adopt it, so it is updated and never posted twice.
import type { Logger } from '../log.js';
import type { SlackPoster } from './poster.js';
import { SlackRateLimited, slackErrorCode, slackRetryAfterMs } from './slack-errors.js';
import {
  CLOCK_SKEW_MS,
  type ConversationReader,
  createStatusMessageSearch,
  mayHavePosted,
  SEARCH_MARGIN_MS,
} from './status-message-search.js';

/** What recovery reads and writes of a request's message ref (status-messages.ts MessageRef). */
export interface RecoverableRef {
  channel: string;
  ts?: string;
  threadTs?: string;
  postingSince?: number;
  searchedAt?: number;
}

export function createStatusRecovery<R extends RecoverableRef>(deps: {
  conversations: ConversationReader;
  /** Deletes the copies posted while the ts was unknown. */
  poster: Pick<SlackPoster, 'delete'>;
  messages: { set(requestId: string, ref: R): Promise<void> };
  log: Logger;
  now: () => number;
  /** When this process last saw Redis go away; its start counts too. */
  lastOutageAt: () => number | undefined;
}) {
  const { now, log } = deps;
  const startedAt = now();
  const search = createStatusMessageSearch({ client: deps.conversations, now });

  /** `ref` with the status message Slack already has, when a lost write may have hidden it. */
  return async function recover(id: string, ref: R, createdAt: number): Promise<R> {
    const outage = deps.lastOutageAt();
    const lossEpoch = Math.max(startedAt, outage ?? 0);
    // Around an outage, a request stamped by a host whose clock runs ahead may still predate it.
    const skewMs = outage !== undefined && outage >= startedAt ? CLOCK_SKEW_MS : 0;
    if (!mayHavePosted({ createdAt, ...ref, lossEpoch, skewMs })) return ref;
    const { postingSince: _asked, ...rest } = ref;
    const where = { requestId: id, channel: ref.channel };
    let next: R;
    try {
      const found = await search.find({
        ...where,
        ...(ref.threadTs ? { threadTs: ref.threadTs } : {}),
        since: createdAt - SEARCH_MARGIN_MS,
        // After a post that may still have been in flight, only a search begun now has seen it.
        notBefore: ref.postingSince !== undefined ? now() : lossEpoch,
      });
      const [ts, ...extra] = found.ts;
      next = { ...rest, searchedAt: now(), ...(ts ? { ts } : {}) } as R;
      if (ts) {
        log.info(
          { ...where, ts, extra: extra.length },
          'status message found in Slack after a possible loss of writes: updating it',
        );
      } else if (!found.complete) {
        log.warn(where, 'status message search stopped at its page bound: posting a new one');
      }
      await deps.messages.set(id, next);
      // Copies posted while the ts was unknown go, so one message tells the truth.
      for (const copy of extra) {
        await deps.poster
          .delete({ channel: ref.channel, ts: copy })
          .catch((err: unknown) =>
            log.warn(
              { ...where, ts: copy, error: slackErrorCode(err) },
              'could not delete a second status message',
            ),
          );
      }
    } catch (err) {
      const wait = slackRetryAfterMs(err);
      if (wait !== undefined) throw new SlackRateLimited(wait);
      log.warn(
        { ...where, err: { code: (err as { code?: string }).code, error: slackErrorCode(err) } },
        'could not search Slack for the status message (channels:history / groups:history?): posting it',
      );
      next = { ...rest, searchedAt: now() } as R;
      await deps.messages.set(id, next);
    }
    return next;
  };
}
