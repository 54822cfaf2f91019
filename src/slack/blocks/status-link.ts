// The reply left in the thread where a rollback was asked for from another channel (a
// propagation offer): where its live status really is, as a link.
import { describeTarget, type RollbackRequest } from '../../domain/rollback-request.js';
import type { SlackMessage } from './block-kit.js';
import { channelRef, person } from './format.js';
import { escapeMrkdwn, plainLine, safeLink } from './inert-text.js';

export function statusLinkMessage(
  req: RollbackRequest,
  status: { channel: string; permalink?: string },
): SlackMessage {
  const who = req.requestedBy.kind === 'user' ? ` by ${person(req.requestedBy.id)}` : '';
  const link = safeLink(status.permalink, 'live status');
  const where = link
    ? `${link} in ${channelRef(status.channel)}`
    : `live status in ${channelRef(status.channel)}`;
  const text = `:leftwards_arrow_with_hook: Rollback of *${escapeMrkdwn(req.env)}* (${escapeMrkdwn(describeTarget(req.target))}) requested${who}: ${where}.`;
  return {
    text: `Rollback of ${plainLine(req.env, 100)} requested: live status in its channel`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
