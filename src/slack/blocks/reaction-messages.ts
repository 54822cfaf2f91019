// Block Kit for what the reactions post (src/services/reactions/reaction-notices.ts): automatic
// rollback announcements, escalations, the deploy feed, recovery reports and propagation offers;
// and `reactionMessage`, which words any notice. Pure; outside text rendered inert.
import type { FeedStep } from '../../domain/reactions/feed-state.js';
import { type SourceRevision, shortRevision } from '../../domain/releases.js';
import type {
  AnnouncementInput,
  EscalationInput,
  FeedInput,
  PropagationOfferView,
  ReactionNotice,
  RecoveryInput,
} from '../../services/reactions/reaction-notices.js';
import { ACTION } from './action-ids.js';
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { failureNotification } from './failure-notification.js';
import { elapsed, mention, slackDate } from './format.js';
import { healthReport } from './health-report.js';
import { escapeMrkdwn, inertCode, plainLine, truncate } from './inert-text.js';
import { commitRef, releaseLine } from './release-line.js';

/** Any reaction's notice, worded. */
export function reactionMessage(n: ReactionNotice): SlackMessage {
  switch (n.notice) {
    case 'failure':
      return failureNotification(n);
    case 'auto-rollback':
      return autoRollbackAnnouncement(n);
    case 'auto-rollback-not-started':
      return autoRollbackNotStarted(n.env, n.why);
    case 'escalation':
      return escalation(n);
    case 'feed':
      return feedMessage(n);
    case 'feed-step':
      return feedStepReply(n.step);
    case 'recovery':
      return recoveryReport(n);
    case 'propagation':
      return propagationOffer(n.bad, n.offers);
    case 'health':
      return healthReport(n);
  }
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, 3000) },
});
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, 2000) }],
});

/**
 * Who (rollback-bot), what (roll back where, to what), why. Posted in the notification's thread.
 * With a grace period: when it starts, and a Cancel button (value: the request id).
 */
export function autoRollbackAnnouncement(a: AnnouncementInput): SlackMessage {
  const to = a.target ? ` to ${releaseLine(a.target.sourceRevisions, 80)}` : '';
  const text = `:robot_face: *rollback-bot* is rolling back *${escapeMrkdwn(a.env)}* (${escapeMrkdwn(a.where)})${to} automatically.`;
  const blocks: KnownBlock[] = [section(text)];
  if (a.grace) {
    const seconds = Math.max(1, Math.round(a.grace.graceMs / 1000));
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:hourglass_flowing_sand: Rolling back in ${seconds} s (at ${slackDate(a.grace.runAfter)}) — Cancel to stop it.`,
      },
      accessory: {
        type: 'button',
        action_id: ACTION.cancelAutomatic,
        text: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
        value: a.requestId,
      },
    });
  }
  blocks.push(
    context(
      `Why: ${escapeMrkdwn(a.why)} Policy: on-${a.trigger}. Request \`${escapeMrkdwn(a.requestId)}\`; live status below.`,
    ),
  );
  return {
    text: a.grace
      ? `rollback-bot is rolling back ${plainLine(a.env, 60)} automatically in ${Math.max(1, Math.round(a.grace.graceMs / 1000))} s unless cancelled`
      : `rollback-bot is rolling back ${plainLine(a.env, 60)} automatically`,
    blocks,
  };
}

/** The announcement once its Cancel button has done its job (or come too late): no button, who. */
export function announcementAfterGrace(blocks: readonly KnownBlock[], note: string): KnownBlock[] {
  const kept = blocks.filter((b) => !(b.type === 'section' && b.accessory?.type === 'button'));
  kept.splice(1, 0, context(note));
  return kept;
}

/** The policy asked for an automatic rollback, but none started (the thread says why). */
export function autoRollbackNotStarted(env: string, why: string): SlackMessage {
  return {
    text: `No automatic rollback of ${plainLine(env, 60)}`,
    blocks: [
      section(
        `:warning: rollback-bot did not roll *${escapeMrkdwn(env)}* back automatically: ${escapeMrkdwn(why)}`,
      ),
    ],
  };
}

export function escalation(e: EscalationInput): SlackMessage {
  const who = (e.mention ?? [])
    .filter((id) => /^[UWS][A-Z0-9]{2,}$/.test(id))
    .map(mention)
    .join(' ');
  return {
    text: `${plainLine(e.headline, 150)}: ${plainLine(e.env, 60)}`,
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: plainLine(`:sos: ${e.headline}: ${e.env}`, 150),
          emoji: true,
        },
      },
      section(`*${escapeMrkdwn(e.where)}* · ${escapeMrkdwn(e.detail)}`),
      context(
        `No further automatic action will be taken.${who ? ` ${who}, please take a look.` : ''}`,
      ),
    ],
  };
}

const FEED_LABEL: Record<FeedStep, string> = {
  started: ':large_blue_circle: Deploying',
  succeeded: ':hourglass_flowing_sand: Deployed, baking',
  failed: ':red_circle: Failed',
  'bake-passed': ':white_check_mark: Deployed, bake passed',
  'bake-alarm': ':rotating_light: Alarm during bake',
  'aws-rolling-back': ':arrows_counterclockwise: Failed, AWS rolling back',
  'rolled-back': ':leftwards_arrow_with_hook: Rolled back',
};

/** A person may know better than the bake: live, healthy-looking releases can be marked bad. */
const MARKABLE: ReadonlySet<FeedStep> = new Set(['succeeded', 'bake-passed']);

/** One line per release, edited in place as it moves. */
export function feedMessage(f: FeedInput): SlackMessage {
  const label = FEED_LABEL[f.step];
  const release =
    f.sourceRevisions.length > 0
      ? releaseLine(f.sourceRevisions, 80)
      : inertCode(f.releaseId.slice(0, 12), 20);
  // Every release's line reads alike but for this: a notification names the release.
  const main = f.sourceRevisions[0];
  const named = main ? shortRevision(main.revisionId) : f.releaseId.slice(0, 12);
  return {
    text: `${label.replace(/^:[a-z_]+: /, '')}: ${plainLine(f.env, 60)} ${plainLine(f.where, 120)} · ${plainLine(named, 20)}`,
    blocks: [
      context(`${label} · *${escapeMrkdwn(f.env)}* · ${escapeMrkdwn(f.where)} · ${release}`),
      ...(f.offerId && MARKABLE.has(f.step)
        ? [
            {
              type: 'actions' as const,
              elements: [
                {
                  type: 'button' as const,
                  action_id: ACTION.markBad,
                  text: { type: 'plain_text' as const, text: 'Mark bad' },
                  value: f.offerId,
                  confirm: {
                    title: { type: 'plain_text' as const, text: 'Mark this release bad?' },
                    text: {
                      type: 'plain_text' as const,
                      text: plainLine(
                        `The bot will not offer it as the last good release in ${f.env} (${f.where}); choosing it will need approval. /rollback mark-good undoes it.`,
                        300,
                      ),
                    },
                    confirm: { type: 'plain_text' as const, text: 'Mark bad' },
                    deny: { type: 'plain_text' as const, text: 'Cancel' },
                  },
                },
              ],
            },
          ]
        : []),
    ],
  };
}

export function feedStepReply(step: FeedStep): SlackMessage {
  return { text: FEED_LABEL[step].replace(/^:[a-z_]+: /, ''), blocks: [context(FEED_LABEL[step])] };
}

export function recoveryReport(r: RecoveryInput): SlackMessage {
  const names = (xs: string[]) => xs.map((n) => inertCode(n, 80)).join(', ');
  if (r.outcome === 'recovered') {
    const head =
      r.alarms.length === 0
        ? `:white_check_mark: Rollback of *${escapeMrkdwn(r.env)}* finished; no alarms are configured to confirm recovery.`
        : `:white_check_mark: *${escapeMrkdwn(r.env)}* recovered: ${names(r.alarms)} OK ${elapsed(r.afterMs)} after the rollback finished.`;
    const blocks = [section(head)];
    if (r.missing && r.missing.length > 0)
      blocks.push(context(`CloudWatch does not know ${names(r.missing)}; check the config.`));
    return { text: `${plainLine(r.env, 60)} recovered after the rollback`, blocks };
  }
  return {
    text: `${plainLine(r.env, 60)} has not recovered after the rollback`,
    blocks: [
      section(
        `:sos: *${escapeMrkdwn(r.env)}* has not recovered ${elapsed(r.afterMs)} after the rollback: ${names(r.notOk ?? [])} not OK. No further automatic rollback; a person has to look.`,
      ),
    ],
  };
}

export function propagationOffer(
  bad: SourceRevision[],
  offers: PropagationOfferView[],
): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      `:mag: The bad release ${commitRef(bad[0])} also runs in ${offers.length === 1 ? 'another environment' : `${offers.length} other environments`}:`,
    ),
  ];
  for (const o of offers.slice(0, 15)) {
    blocks.push(
      section(
        `*${escapeMrkdwn(o.env)}* · ${escapeMrkdwn(o.where)} (${escapeMrkdwn(o.why)}) · ${releaseLine(o.current, 60)}`,
      ),
    );
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION.rollbackOffer,
          text: { type: 'plain_text', text: plainLine(`Roll back ${o.env}`, 75) },
          value: o.offerId,
          confirm: {
            title: { type: 'plain_text', text: 'Roll back?' },
            text: {
              type: 'plain_text',
              text: plainLine(
                `Roll ${o.where} in ${o.env} back to its previous release. The rollback is audited.`,
                300,
              ),
            },
            confirm: { type: 'plain_text', text: 'Roll back' },
            deny: { type: 'plain_text', text: 'Not now' },
          },
        },
      ],
    });
  }
  return {
    text: `The bad release also runs in ${offers.map((o) => plainLine(o.env, 40)).join(', ')}`,
    blocks,
  };
}
