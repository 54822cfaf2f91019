// The one path from a click (confirm, failure notification, picker) to a rollback request.
// Loads the offer, checks permission (request) again on the server, claims the offer so a double
// click starts one rollback, and asks the rollback service.

import type { Offer } from '../store/offer-store.js';
import type { MessageRef } from '../store/status-message-store.js';
import { authorize } from './authorize.js';
import type { SlackMessage } from './blocks/block-kit.js';
import { channelRef, person, slackDate } from './blocks/format.js';
import { escapeMrkdwn } from './blocks/inert-text.js';
import { mrkdwnPhrase } from './blocks/phrase.js';
import type { SlackServices } from './slack-services.js';

function msg(text: string, settled = false): StartAnswer {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }], settled };
}

export interface StartInput {
  offerId: string;
  user: string;
  channel?: string;
  source: 'button' | 'slash-command' | 'picker';
  /** Overrides from the picker. */
  to?: string;
  reason?: string;
}

export interface StartAnswer extends SlackMessage {
  /** True when the confirmation has served its purpose (started, or already done): replace it. */
  settled: boolean;
  /** Set when this click started a request: who. */
  startedBy?: string;
  /** Set when the live status is posted in another channel than the clicked message's: where. */
  statusElsewhere?: { env: string; channel: string };
}

/**
 * Where a request's live status goes: in the thread of the message clicked when that is in the
 * environment's own channel; as a new message in the environment's channel when the offer was
 * posted elsewhere (a propagation offer), with a link back in the offer's thread.
 */
function statusPlace(offer: Offer, channel: string): MessageRef {
  const offerTs = offer.threadTs ?? offer.messageTs;
  if (offer.channel && offer.channel !== channel) {
    return {
      channel,
      ...(offerTs ? { origin: { channel: offer.channel, threadTs: offerTs } } : {}),
    };
  }
  return {
    channel,
    ...(offer.messageTs ? { threadTs: offerTs, originalTs: offer.messageTs } : {}),
  };
}

/** Audit names of the refusals, by where the click came from. */
const EVENT: Record<StartInput['source'], string> = {
  button: 'click',
  'slash-command': 'confirm',
  picker: 'picker',
};

/** What a click on an offer that already led somewhere is told: never an invitation to redo it. */
function usedAnswer(used: NonNullable<Offer['usedBy']>, channel: string): string {
  if (used.requestId) {
    return `Already started: this button led to request \`${used.requestId}\`. Its live status is in <#${channel}> (in the notification's thread when it came from one).`;
  }
  if (used.dismissedBy) {
    return `<@${used.dismissedBy}> dismissed this notification; nothing was rolled back from it. Use \`/rollback\` if a rollback is still needed.`;
  }
  const who = used.startingBy
    ? `<@${used.startingBy}> just clicked this`
    : 'Someone just clicked this';
  return `${who}: the rollback is starting, once. Its live status will appear in <#${channel}>; there is no need to click again.`;
}

export async function startFromOffer(s: SlackServices, input: StartInput): Promise<StartAnswer> {
  const offer = await s.offers.get(input.offerId);
  if (!offer)
    return msg(
      'This button has expired. Run `/rollback status` to see where things stand, or start again with `/rollback <env>`.',
    );
  const env = s.config.environments[offer.env];
  if (!env) return msg(`Environment ${escapeMrkdwn(offer.env)} is no longer configured.`);
  const allowed = await authorize(s, {
    scope: { act: 'request', env },
    user: input.user,
    ...(input.channel ? { channel: input.channel } : {}),
    event: EVENT[input.source],
  });
  if (!allowed.ok) return msg(`:no_entry: ${allowed.message}`);
  if (offer.kind === 'manual' && offer.createdBy !== input.user) {
    await s.audit.record({
      by: `user:${input.user}`,
      event: 'confirm-refused',
      env: env.name,
      detail: 'not the requester',
    });
    return msg(`Only <@${offer.createdBy}>, who asked for this rollback, can confirm it.`);
  }
  if (offer.usedBy) return msg(usedAnswer(offer.usedBy, env.channel), true);
  const claimed = await s.offers.claim(offer.id, { startingBy: input.user, at: s.now() });
  if (!claimed) {
    // A click that raced the first one: it is starting (the claim comes before the request).
    const used = (await s.offers.get(offer.id))?.usedBy ?? (await s.offers.claimedBy(offer.id));
    return msg(usedAnswer(used ?? { at: s.now() }, env.channel), true);
  }
  try {
    const to = input.to ?? offer.to;
    const reason = input.reason ?? offer.reason;
    const out = await s.service.request({
      env: env.name,
      ...(offer.stage ? { stage: offer.stage } : {}),
      ...(to ? { to } : {}),
      requestedBy: { kind: 'user', id: input.user },
      ...(reason ? { reason } : {}),
      source: input.source,
    });
    if (out.outcome === 'refused') {
      await s.offers.release(offer.id);
      return msg(
        `:no_entry_sign: Can't roll back ${escapeMrkdwn(env.name)}: ${escapeMrkdwn(out.message)}`,
      );
    }
    if (out.outcome === 'already-active') {
      await s.offers.release(offer.id);
      const a = out.active;
      const who =
        a.requestedBy.kind === 'user' ? person(a.requestedBy.id) : 'an automatic rollback';
      return msg(
        `A rollback of this target is already ${a.state.replace('_', ' ')}: started by ${who} ${slackDate(a.since)} (request \`${a.requestId}\`). Follow it in ${channelRef(env.channel)}; it was not queued twice.`,
      );
    }
    const request = out.request;
    await s.offers.update(offer.id, { usedBy: { requestId: request.id, at: s.now() } });
    const place = statusPlace(offer, env.channel);
    await s.statusMessages.set(request.id, place);
    await s.scheduleStatus(request);
    const state = request.state.replace('_', ' ');
    if (request.state === 'blocked') {
      // The policy's reason (a freeze that denies rollbacks, no approvers…) and how it lifts.
      return msg(
        `:no_entry: Rollback of ${escapeMrkdwn(env.name)} blocked (request \`${request.id}\`): ${mrkdwnPhrase(out.why ?? request.lastError ?? 'blocked by policy')}`,
        true,
      );
    }
    const where = place.origin
      ? `Live status in ${channelRef(env.channel)}, as a new message there; its link follows in this thread.`
      : `Live status in ${channelRef(env.channel)}.`;
    return {
      ...msg(
        `:leftwards_arrow_with_hook: Rollback of ${escapeMrkdwn(env.name)} ${state} (request \`${request.id}\`). ${where}`,
        true,
      ),
      startedBy: input.user,
      ...(place.origin ? { statusElsewhere: { env: env.name, channel: env.channel } } : {}),
    };
  } catch (err) {
    await s.offers.release(offer.id);
    throw err;
  }
}
