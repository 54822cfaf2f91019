// Buttons on failure notifications and confirmations. Each one: ack first, then load the state
// behind the opaque id and check permission again (src/slack/authorize.ts).

import type { Logger } from '../../log.js';
import { authorize } from '../authorize.js';
import type { KnownBlock } from '../blocks/block-kit.js';
import { previewSummary } from '../blocks/confirmation.js';
import { channelRef, person } from '../blocks/format.js';
import { escapeMrkdwn } from '../blocks/inert-text.js';
import type { SlackServices } from '../slack-services.js';
import { startFromOffer } from '../start-from-offer.js';
import { guarded, say } from './button.js';

/** "Roll back to <sha>" on a failure notification, and "Roll back" on a confirmation. */
export function onStartRollback(s: SlackServices, log: Logger, replaceOriginal: boolean) {
  return guarded(log, 'start-rollback', async ({ action, body, respond }) => {
    const answer = await startFromOffer(s, {
      offerId: action.value ?? '',
      user: body.user.id,
      ...(body.channel?.id ? { channel: body.channel.id } : {}),
      source: replaceOriginal ? 'slash-command' : 'button',
    });
    if (!replaceOriginal && answer.startedBy && body.channel?.id && body.message?.ts) {
      // The notification's buttons have done their job: say who acted, point at the status. A
      // propagation offer keeps the buttons of the other environments it offers.
      const clicked = action.value ?? '';
      const kept = ((body.message.blocks ?? []) as KnownBlock[]).filter(
        (b) =>
          b.type !== 'actions' ||
          (answer.statusElsewhere !== undefined &&
            !b.elements.some((e) => 'value' in e && e.value === clicked)),
      );
      const other = answer.statusElsewhere;
      const text = other
        ? `:leftwards_arrow_with_hook: Rollback of *${escapeMrkdwn(other.env)}* requested by ${person(answer.startedBy)}; live status in ${channelRef(other.channel)}, linked in the thread.`
        : `:leftwards_arrow_with_hook: Rollback requested by ${person(answer.startedBy)}; live status in the thread.`;
      kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
      await s.poster
        .update(
          { channel: body.channel.id, ts: body.message.ts },
          { text: body.message.text ?? 'Rollback requested', blocks: kept },
        )
        .catch((err: unknown) => log.warn({ err }, 'could not update the notification'));
    }
    await respond({
      response_type: 'ephemeral',
      // A refusal leaves the confirmation in place; a started or finished rollback replaces it.
      replace_original: replaceOriginal && answer.settled,
      text: answer.text,
      blocks: answer.blocks,
    });
  });
}

/** "Cancel" on a confirmation: its creator closes the offer unused. */
export function onCancelOffer(s: SlackServices, log: Logger) {
  return guarded(log, 'cancel-offer', async ({ action, body, respond }) => {
    const offer = await s.offers.get(action.value ?? '');
    if (offer && offer.createdBy === body.user.id && !offer.usedBy) {
      await s.offers.claim(offer.id, { dismissedBy: body.user.id, at: s.now() });
    }
    await respond({
      response_type: 'ephemeral',
      replace_original: true,
      text: 'Rollback not started.',
    });
  });
}

export function onViewDiff(s: SlackServices, log: Logger) {
  return guarded(log, 'view-diff', async ({ action, respond }) => {
    const offer = await s.offers.get(action.value ?? '');
    if (!offer)
      return void (await respond(say('This button has expired. Use `/rollback diff <env>`.')));
    const p = await s.service.preview(offer.env, {
      ...(offer.stage ? { stage: offer.stage } : {}),
      ...(offer.to ? { to: offer.to } : {}),
    });
    if (!p.ok) return void (await respond(say(`:no_entry_sign: ${escapeMrkdwn(p.message)}`)));
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `What a rollback of ${offer.env} would change`,
      blocks: previewSummary(p, new Date(s.now())),
    });
  });
}

export function onDismiss(s: SlackServices, log: Logger) {
  return guarded(log, 'dismiss', async ({ action, body, respond }) => {
    const offer = await s.offers.get(action.value ?? '');
    if (!offer) return void (await respond(say('This notification has expired.')));
    const env = s.config.environments[offer.env];
    if (!env) return;
    // Dismissing decides "no rollback": the same people who may decide to roll back.
    const allowed = await authorize(s, {
      scope: { act: 'request', env },
      user: body.user.id,
      ...(body.channel?.id ? { channel: body.channel.id } : {}),
      event: 'dismiss',
    });
    if (!allowed.ok) return void (await respond(say(`:no_entry: ${allowed.message}`)));
    if (offer.usedBy) return void (await respond(say('Already handled: nothing to dismiss.')));
    if (!(await s.offers.claim(offer.id, { dismissedBy: body.user.id, at: s.now() }))) return;
    await s.audit.record({
      by: `user:${body.user.id}`,
      event: 'dismissed',
      env: env.name,
      detail: offer.id,
    });
    const original = (body.message?.blocks ?? []) as KnownBlock[];
    const kept = original.filter((b) => b.type !== 'actions');
    kept.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Dismissed by <@${body.user.id}>: no rollback.` }],
    });
    if (body.channel?.id && body.message?.ts) {
      await s.poster.update(
        { channel: body.channel.id, ts: body.message.ts },
        { text: `Dismissed by <@${body.user.id}>`, blocks: kept },
      );
    }
  });
}

export function onCancelRequest(s: SlackServices, log: Logger) {
  return guarded(log, 'cancel-request', async ({ action, body, respond }) => {
    const r = await s.service.get(action.value ?? '');
    if (!r) return void (await respond(say('This request no longer exists.')));
    const env = s.config.environments[r.env];
    if (!env) return void (await respond(say(`${r.env} is no longer configured.`)));
    const allowed = await authorize(s, {
      scope: { act: 'cancel', env, requester: r.requestedBy },
      user: body.user.id,
      ...(body.channel?.id ? { channel: body.channel.id } : {}),
      event: 'cancel',
      request: r.id,
    });
    if (!allowed.ok) return void (await respond(say(`:no_entry: ${allowed.message}`)));
    if (r.state !== 'awaiting_approval') {
      return void (await respond(
        say(`This request is already ${r.state.replace('_', ' ')}; nothing changed.`),
      ));
    }
    const cancelled = await s.service.cancel(r.id, `user:${body.user.id}`);
    await s.scheduleStatus(cancelled);
  });
}
