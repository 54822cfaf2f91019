// "Cancel" on an automatic rollback's announcement, during the environment's grace period.
// Who may is permissions.cancel (for an automatic request, `requester` means whoever may request
// a rollback of the environment), while the request is still queued; once the worker has started
// it, it is too late. The store's atomic transition decides a race.

import { STARTED_STATES } from '../../domain/request-state.js';
import type { Logger } from '../../log.js';
import { authorize } from '../authorize.js';
import type { KnownBlock } from '../blocks/block-kit.js';
import { announcementAfterGrace } from '../blocks/reaction-messages.js';
import type { SlackServices } from '../slack-services.js';
import { type ButtonArgs, guarded, say } from './button.js';

export function onCancelAutomatic(s: SlackServices, log: Logger) {
  return guarded(log, 'cancel-automatic', async (args) => {
    const { action, body, respond } = args;
    const user = body.user.id;
    const r = await s.service.get(action.value ?? '');
    if (!r) return void (await respond(say('This request no longer exists.')));
    const env = s.config.environments[r.env];
    if (!env) return void (await respond(say(`There is no environment "${r.env}" any more.`)));
    const allowed = await authorize(s, {
      scope: { act: 'cancel', env, requester: r.requestedBy },
      user,
      ...(body.channel?.id ? { channel: body.channel.id } : {}),
      event: 'cancel',
      request: r.id,
    });
    if (!allowed.ok) return void (await respond(say(`:no_entry: ${allowed.message}`)));
    const out = await s.service.cancelAutomatic(r.id, `user:${user}`);
    if (out.ok) {
      await s.scheduleStatus(out.request);
      await markAnnouncement(s, args, log, `:heavy_multiplication_x: Cancelled by <@${user}>.`);
      return;
    }
    if (out.reason === 'wrong-state' && STARTED_STATES.includes(out.state)) {
      await markAnnouncement(s, args, log, ':arrows_counterclockwise: The grace period is over.');
      return void (await respond(say('Too late: the rollback is already running.')));
    }
    const state = out.reason === 'wrong-state' ? out.state.replace('_', ' ') : out.reason;
    await respond(say(`This rollback cannot be cancelled here (${state}); nothing changed.`));
  });
}

/** The announcement's Cancel button has done its job: drop it, say what happened. */
async function markAnnouncement(
  s: SlackServices,
  { body }: ButtonArgs,
  log: Logger,
  note: string,
): Promise<void> {
  if (!body.channel?.id || !body.message?.ts) return;
  await s.poster
    .update(
      { channel: body.channel.id, ts: body.message.ts },
      {
        text: body.message.text ?? 'Automatic rollback',
        blocks: announcementAfterGrace((body.message.blocks ?? []) as KnownBlock[], note),
      },
    )
    .catch((err: unknown) => log.warn({ err }, 'could not update the announcement'));
}
