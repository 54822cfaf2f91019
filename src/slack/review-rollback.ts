// The private review before a manual rollback, from `/rollback <env>` or the picker's "Review
// rollback": the preview, and exactly what the click will do (service.review decides it with the
// same policy and facts as the request). Nothing happens until the review's own button.

import type { Offer } from '../store/offer-store.js';
import type { SlackMessage } from './blocks/block-kit.js';
import { confirmationMessage } from './blocks/confirmation.js';
import { escapeMrkdwn } from './blocks/inert-text.js';
import type { SlackServices } from './slack-services.js';

export interface ReviewInput {
  env: string;
  stage?: string;
  to?: string;
  reason?: string;
  user: string;
  /** The offer this review comes from (a failure notification's): follow-ups go in its thread. */
  from?: Offer;
}

export type ReviewAnswer =
  | { ok: true; message: SlackMessage; offer: Offer }
  | { ok: false; message: string };

export async function reviewRollback(s: SlackServices, input: ReviewInput): Promise<ReviewAnswer> {
  const env = s.config.environments[input.env];
  if (!env)
    return { ok: false, message: `Environment ${escapeMrkdwn(input.env)} is not configured.` };
  const { preview, decision, active } = await s.service.review({
    env: env.name,
    ...(input.stage ? { stage: input.stage } : {}),
    ...(input.to ? { to: input.to } : {}),
    requestedBy: { kind: 'user', id: input.user },
    ...(input.reason ? { reason: input.reason } : {}),
    source: 'slash-command',
  });
  if (!preview.ok) {
    await s.audit.record({
      by: `user:${input.user}`,
      event: 'rollback-refused',
      env: env.name,
      detail: preview.message,
    });
    return {
      ok: false,
      message: `:no_entry_sign: Can't roll back ${escapeMrkdwn(env.name)}: ${escapeMrkdwn(preview.message)}`,
    };
  }
  const from = input.from;
  const offer = await s.offers.create(
    {
      kind: 'manual',
      env: env.name,
      ...(preview.kind === 'stage'
        ? {
            stage: preview.stage,
            currentId: preview.current.executionId,
            to: preview.target.executionId,
          }
        : {}),
      ...(preview.kind === 'deployment-group' && preview.target
        ? { to: preview.target.deploymentId }
        : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      createdBy: input.user,
      channel: env.channel,
      ...(from?.messageTs ? { messageTs: from.messageTs } : {}),
      ...(from?.threadTs ? { threadTs: from.threadTs } : {}),
    },
    s.now(),
  );
  return {
    ok: true,
    offer,
    message: confirmationMessage({
      preview,
      offerId: offer.id,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(decision ? { decision } : {}),
      ...(active ? { active } : {}),
      now: new Date(s.now()),
    }),
  };
}
