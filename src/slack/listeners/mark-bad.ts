// "Mark bad" on a release's deploy-feed message: a person knows better than the bake. Checked on
// the server like a request (whoever may roll the environment back may say a release is bad),
// recorded and audited by the service; the bot then never offers it as the last good release.

import type { Logger } from '../../log.js';
import { authorize } from '../authorize.js';
import { escapeMrkdwn, inertCode } from '../blocks/inert-text.js';
import type { SlackServices } from '../slack-services.js';
import { guarded, say } from './button.js';

export function onMarkBad(s: SlackServices, log: Logger) {
  return guarded(log, 'mark-bad', async ({ action, body, respond }) => {
    const offer = await s.offers.get(action.value ?? '');
    const env = offer ? s.config.environments[offer.env] : undefined;
    if (offer?.kind !== 'release' || !offer.currentId || !env) {
      await respond(
        say('This button has expired. Use `/rollback mark-bad <env> <release>` instead.'),
      );
      return;
    }
    const allowed = await authorize(s, {
      scope: { act: 'request', env },
      user: body.user.id,
      ...(body.channel?.id ? { channel: body.channel.id } : {}),
      event: 'mark-bad',
    });
    if (!allowed.ok) return void (await respond(say(`:no_entry: ${allowed.message}`)));
    const out = await s.service.mark({
      env: env.name,
      ...(offer.stage ? { stage: offer.stage } : {}),
      release: offer.currentId,
      standing: 'bad',
      by: `user:${body.user.id}`,
      why: 'marked from the deploy feed',
    });
    await respond(
      say(
        out.ok
          ? `:no_entry_sign: <@${body.user.id}> marked ${inertCode(out.label, 120)} bad in ${escapeMrkdwn(env.name)}: the bot will not offer it as the last good release. \`/rollback ${escapeMrkdwn(env.name)}\` rolls it back; \`/rollback mark-good ${escapeMrkdwn(env.name)} ${escapeMrkdwn(offer.currentId.slice(0, 8))}\` undoes the mark.`
          : `:warning: ${escapeMrkdwn(out.message)}`,
      ),
    );
  });
}
