// A forward deploy into a CodeDeploy group that started while deploys were blocked: announced
// with Stop, or said stopped; and the announcement once Stop was clicked. Pure. Outside text (the
// deployment's description, freeze and blackout reasons) is inert.
import type { EnvironmentConfig } from '../../config/config.js';
import type { BlockCause } from '../../domain/stage-locks/index.js';
import type { HeldDeploy } from '../../store/held-deploy-store.js';
import { ACTION } from './action-ids.js';
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { deploymentUrl, isSlackUserId, person as personRef } from './format.js';
import { escapeMrkdwn, inertCode, LIMITS, truncate } from './inert-text.js';
import { causeLine } from './stage-lock-messages.js';

/** Who stopped it: a `user:U…` as a mention; anything else (the bot) as plain words. */
const person = (by: string) => {
  const id = by.replace(/^user:/, '');
  return isSlackUserId(id) ? personRef(id) : escapeMrkdwn(by);
};

function what(h: HeldDeploy): string {
  const where = `${escapeMrkdwn(h.application)} / ${escapeMrkdwn(h.deploymentGroup)}`;
  const desc = h.description ? ` ${inertCode(h.description, 120)}` : '';
  return `deployment <${deploymentUrl(h.region, h.deploymentId)}|${escapeMrkdwn(h.deploymentId)}>${desc} into *${where}* (${escapeMrkdwn(h.env)})`;
}

/** Said when the deployment starts: which one, which causes hold, and Stop (or that it was stopped). */
export function heldDeployMessage(input: {
  env: EnvironmentConfig;
  held: HeldDeploy;
  causes: readonly BlockCause[];
  now: Date;
}): SlackMessage {
  const { env, held, now } = input;
  const causes = input.causes.map((c) => `• ${causeLine(c, env, '', now)}`).join('\n');
  const stopped = held.stopped;
  const head = stopped
    ? `:octagonal_sign: Stopped ${what(held)}: it started while forward deploys are blocked. CodeDeploy rolls the instances back to the last successful revision.`
    : held.stopFailed
      ? `:warning: A forward deploy started while ${escapeMrkdwn(env.name)} is blocked: ${what(held)}. The bot could not stop it: ${inertCode(held.stopFailed, 500)}`
      : `:warning: A forward deploy started while ${escapeMrkdwn(env.name)} is blocked: ${what(held)}.`;
  const text = stopped
    ? `Stopped deployment ${held.deploymentId} into ${held.application} / ${held.deploymentGroup} (${held.env}): forward deploys are blocked.`
    : `A forward deploy started while ${held.env} is blocked: deployment ${held.deploymentId} into ${held.application} / ${held.deploymentGroup}.${held.stopFailed ? ' The bot could not stop it.' : ''}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(`${head}\nWhat holds forward deploys:\n${causes}`, LIMITS.sectionText),
      },
    },
  ];
  // In `stop` mode the bot already tried; AWS's refusal would answer a click the same way.
  if (!stopped && !held.stopFailed) {
    blocks.push(
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.stopHeldDeploy,
            text: { type: 'plain_text', text: 'Stop' },
            value: held.id,
            style: 'danger',
          },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Stop calls StopDeployment with automatic rollback, for those who may cancel rollbacks in this environment.',
          },
        ],
      },
    );
  }
  return { text, blocks };
}

/** The announcement once Stop was clicked: the button is gone, the message says who stopped it. */
export function heldDeployStoppedMessage(held: HeldDeploy): SlackMessage {
  const by = held.stopped ? person(held.stopped.by) : 'someone';
  const text = `Deployment ${held.deploymentId} into ${held.application} / ${held.deploymentGroup} (${held.env}) was stopped.`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `:octagonal_sign: ${by} stopped ${what(held)}; CodeDeploy rolls the instances back to the last successful revision.\nIt started while forward deploys were blocked: ${held.causes.map((c) => inertCode(c, 200)).join(', ')}`,
            LIMITS.sectionText,
          ),
        },
      },
    ],
  };
}
