// Posted to the environment's channel when a stage or deployment fails, or an alarm fires during
// the bake window. Buttons carry only the offer id.
import { shortRevision } from '../../domain/releases.js';
import type {
  AlarmView,
  FailureNotificationInput,
  NotificationOutcome,
} from '../../services/reactions/reaction-notices.js';
import { ACTION } from './action-ids.js';
import type { Button, KnownBlock, SlackMessage } from './block-kit.js';
import { age } from './format.js';
import { escapeMrkdwn, inertCode, plainLine, truncate } from './inert-text.js';
import { releaseLine } from './release-line.js';

const OUTCOME_ICON: Record<NotificationOutcome['kind'], string> = {
  'rolling-back': ':arrows_counterclockwise:',
  'rolled-back': ':white_check_mark:',
  'rollback-failed': ':x:',
};

const HEADLINE: Record<FailureNotificationInput['kind'], string> = {
  'stage-failed': 'Stage failed',
  'deployment-failed': 'Deployment failed',
  'alarm-during-bake': 'Alarm during bake window',
};

const ALARM_ICON: Record<AlarmView['state'], string> = {
  OK: ':large_green_circle:',
  ALARM: ':red_circle:',
  INSUFFICIENT_DATA: ':white_circle:',
};

export function failureNotification(input: FailureNotificationInput): SlackMessage {
  const out = input.outcome;
  const head = `${HEADLINE[input.kind]}: ${input.env}`;
  const icon = out?.kind === 'rolled-back' ? ':white_check_mark:' : ':rotating_light:';
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: plainLine(
          `${icon} ${head}${out?.kind === 'rolled-back' ? ' · rolled back' : ''}`,
          150,
        ),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeMrkdwn(input.where)}* · failing release: ${releaseLine(input.failing.sourceRevisions)}`,
          3000,
        ),
      },
    },
  ];
  const context: string[] = [];
  if (input.lastGood) {
    context.push(
      `Last good release ${age(input.lastGood.startTime, input.now)}: ${releaseLine(input.lastGood.sourceRevisions, 80)}`,
    );
  } else {
    context.push('No earlier successful release in this stage: nothing to roll back to.');
  }
  if (input.alarms.length > 0) {
    context.push(
      input.alarms
        .slice(0, 10)
        .map((a) => `${ALARM_ICON[a.state]} ${inertCode(a.name, 80)} ${a.state}`)
        .join('   '),
    );
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(context.join('\n'), 2000) }],
  });
  if (input.awsRollingBack) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: ':arrows_counterclockwise: AWS is already rolling this back on its own; the bot will not roll back a second time.',
      },
    });
  }
  if (out) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${OUTCOME_ICON[out.kind]} ${escapeMrkdwn(out.text)}` },
    });
  }
  const actions: Button[] = [];
  const target = input.lastGood?.sourceRevisions[0];
  if (input.lastGood && !input.awsRollingBack && !out) {
    const label = target
      ? shortRevision(target.revisionId).slice(0, 12)
      : input.lastGood.id.slice(0, 8);
    actions.push({
      type: 'button',
      action_id: ACTION.rollbackOffer,
      text: { type: 'plain_text', text: plainLine(`Roll back to ${label}`, 75) },
      style: 'primary',
      value: input.offerId,
      confirm: {
        title: { type: 'plain_text', text: 'Roll back?' },
        text: {
          type: 'plain_text',
          text: plainLine(
            `Roll ${input.where} in ${input.env} back to ${label}. The rollback is audited.`,
            300,
          ),
        },
        confirm: { type: 'plain_text', text: 'Roll back' },
        deny: { type: 'plain_text', text: 'Not now' },
      },
    });
  }
  actions.push(
    {
      type: 'button',
      action_id: ACTION.openPicker,
      text: { type: 'plain_text', text: 'Choose release…' },
      value: input.offerId,
    },
    {
      type: 'button',
      action_id: ACTION.viewDiff,
      text: { type: 'plain_text', text: 'View diff' },
      value: input.offerId,
    },
  );
  if (!out) {
    actions.push({
      type: 'button',
      action_id: ACTION.dismiss,
      text: { type: 'plain_text', text: 'Dismiss' },
      value: input.offerId,
    });
  }
  blocks.push({ type: 'actions', elements: actions });
  const after =
    out?.kind === 'rolled-back'
      ? ' · rolled back'
      : out?.kind === 'rollback-failed'
        ? ' · rollback failed'
        : '';
  return { text: `${head} (${plainLine(input.where, 200)})${after}`, blocks };
}
