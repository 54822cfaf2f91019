// "Stop" on a forward deploy into a CodeDeploy group announced while deploys are blocked: calls
// StopDeployment (with automatic rollback) once, for those who may cancel in the environment. The
// announcement then ends in the truth.

import type { Logger } from '../../log.js';
import { authorize } from '../authorize.js';
import { heldDeployStoppedMessage } from '../blocks/held-deploy-messages.js';
import type { SlackServices } from '../slack-services.js';
import { guarded, say } from './button.js';

export function onStopHeldDeploy(s: SlackServices, log: Logger) {
  return guarded(log, 'stop-held-deploy', async ({ action, body, respond }) => {
    const user = body.user.id;
    const holds = s.guardrails?.holds;
    if (!holds) return void (await respond(say('Deploy holds are not enabled in this process.')));
    const held = await holds.get(action.value ?? '');
    const env = held ? s.config.environments[held.env] : undefined;
    if (!held || !env) {
      return void (await respond(
        say('This announcement is too old to act on; the deployment is no longer tracked.'),
      ));
    }
    const channel = body.channel?.id;
    // The bot announced it, so nobody is "the requester": approvers, listed people and admins.
    const allowed = await authorize(s, {
      scope: { act: 'cancel', env, requester: undefined },
      user,
      ...(channel ? { channel } : {}),
      event: 'stop-deploy',
    });
    if (!allowed.ok) return void (await respond(say(`:no_entry: ${allowed.message}`)));
    const out = await holds.stop(held.id, `user:${user}`);
    if (!out.ok) {
      const text =
        out.reason === 'missing'
          ? 'This deployment is no longer tracked; nothing changed.'
          : `Deployment ${held.deploymentId} was already stopped (by ${out.by}); nothing changed.`;
      return void (await respond(say(text)));
    }
    await respond(
      say(`Stopped deployment ${held.deploymentId}; CodeDeploy rolls the instances back.`),
    );
    if (!channel || !body.message?.ts) return;
    const m = heldDeployStoppedMessage(out.held);
    await s.poster
      .update({ channel, ts: body.message.ts }, m)
      .catch((err: unknown) => log.warn({ err }, 'could not update the held-deploy message'));
  });
}
