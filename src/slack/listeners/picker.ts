// "Choose release…": a modal listing the last releases that succeeded in the stage. Opened at once
// (trigger_id lives 3 s), then the permission check (request), then filled in once AWS answers;
// choosing one shows its diff. "Review rollback" shows the review (review-rollback.ts): nothing
// happens before the review's own button.
import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  StaticSelectAction,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Logger } from '../../log.js';
import { nextTurn } from '../../runtime/turns.js';
import { authorize } from '../authorize.js';
import { BLOCK } from '../blocks/action-ids.js';
import type { ModalView, SlackMessage } from '../blocks/block-kit.js';
import { releasePickerModal } from '../blocks/release-picker.js';
import { reviewRollback } from '../review-rollback.js';
import { slackErrorCode } from '../slack-errors.js';
import type { SlackServices } from '../slack-services.js';
import { userFacingError } from '../user-facing-error.js';

function loadingView(title: string, text: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'plain_text', text } }],
  };
}

function noticeView(title: string, mrkdwn: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }],
  };
}

/** Choosing a release is requesting a rollback: the refusal (mrkdwn), or undefined when allowed. */
async function refusedPicker(
  s: SlackServices,
  offerId: string,
  who: { user: string; channel?: string },
): Promise<string | undefined> {
  const offer = await s.offers.get(offerId);
  const env = offer ? s.config.environments[offer.env] : undefined;
  if (!env) return undefined; // pickerFor says the button expired
  const allowed = await authorize(s, { scope: { act: 'request', env }, ...who, event: 'picker' });
  return allowed.ok ? undefined : `:no_entry: ${allowed.message}`;
}

async function pickerFor(s: SlackServices, offerId: string, selected?: string): Promise<ModalView> {
  const offer = await s.offers.get(offerId);
  if (!offer)
    return loadingView('Choose a release', 'This button has expired. Start again with /rollback.');
  const env = s.config.environments[offer.env];
  if (env?.target.kind !== 'stage') {
    return loadingView(
      'Choose a release',
      `${offer.env} is a CodeDeploy group: use /rollback ${offer.env} to <deployment-id>.`,
    );
  }
  const stage = offer.stage ?? Object.keys(env.target.stages)[0]!;
  const choices = await s.service.releases(env.name, { stage, limit: 10 });
  let diff: import('../../domain/release-diff.js').ReleaseDiff | undefined;
  if (selected) {
    const p = await s.service.preview(env.name, { stage, to: selected });
    if (p.ok && p.kind === 'stage') diff = p.diff;
  }
  return releasePickerModal({
    env: env.name,
    where: `${env.target.pipeline} / ${stage}`,
    choices,
    offerId,
    ...(selected ? { selectedExecutionId: selected } : {}),
    ...(diff ? { diff } : {}),
    now: new Date(s.now()),
  });
}

export function onOpenPicker(s: SlackServices, log: Logger) {
  return async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    // Let other requests' acks go out first (well within the trigger_id's 3 s).
    await nextTurn();
    let viewId: string | undefined;
    try {
      const opened = await client.views.open({
        trigger_id: body.trigger_id,
        view: loadingView('Choose a release', 'Loading the releases that succeeded in this stage…'),
      });
      viewId = opened.view?.id;
    } catch (err) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text:
          slackErrorCode(err) === 'expired_trigger_id'
            ? 'Slack timed out opening the picker. Click "Choose release…" again.'
            : `:warning: ${userFacingError(err)}`,
      });
      return;
    }
    if (!viewId) return;
    let view: ModalView;
    try {
      const refusal = await refusedPicker(s, action.value ?? '', {
        user: body.user.id,
        ...(body.channel?.id ? { channel: body.channel.id } : {}),
      });
      if (refusal) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
        view = noticeView('Choose a release', refusal);
      } else view = await pickerFor(s, action.value ?? '');
    } catch (err) {
      log.warn({ err }, 'picker failed');
      view = loadingView('Choose a release', userFacingError(err));
    }
    try {
      await client.views.update({ view_id: viewId, view });
    } catch (err) {
      if (modalGone(err)) log.debug('picker closed before its releases loaded');
      else log.warn({ err }, 'picker update failed');
    }
  };
}

/**
 * views.update found no such view: the person closed the modal, or opened another one, while
 * the releases loaded. Nothing to show and nothing wrong.
 */
export function modalGone(err: unknown): boolean {
  return slackErrorCode(err) === 'not_found';
}

export function onPickRelease(s: SlackServices, log: Logger) {
  return async ({
    ack,
    action,
    body,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs) => {
    await ack();
    const view = body.view;
    if (!view) return;
    await nextTurn();
    try {
      const next = await pickerFor(s, view.private_metadata, action.selected_option.value);
      await client.views.update({ view_id: view.id, hash: view.hash, view: next });
    } catch (err) {
      if (modalGone(err)) log.debug('picker closed before the diff loaded');
      else log.warn({ err }, 'picker update failed');
    }
  };
}

export function onPickerSubmit(s: SlackServices, log: Logger) {
  return async ({
    ack,
    view,
    body,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const values = view.state.values;
    const selected = Object.values(values[BLOCK.pickerRelease] ?? {})[0]?.selected_option?.value;
    if (!selected) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.pickerRelease]: 'Choose the release to roll back to.' },
      });
      return;
    }
    await ack();
    const reason = Object.values(values[BLOCK.pickerReason] ?? {})[0]?.value ?? undefined;
    const user = body.user.id;
    const offer = await s.offers.get(view.private_metadata);
    const env = offer ? s.config.environments[offer.env] : undefined;
    const where = offer?.channel ?? env?.channel;
    const thread = offer?.threadTs ?? offer?.messageTs;
    const say = async (m: SlackMessage | { text: string }) => {
      if (!where) return;
      await s.poster.whisper({ channel: where, user, ...(thread ? { threadTs: thread } : {}) }, m);
    };
    try {
      if (!offer || !env) {
        await say({ text: 'This picker has expired. Start again with `/rollback`.' });
        return;
      }
      // Choosing is requesting: checked again on the server, then the review, never the act.
      const allowed = await authorize(s, {
        scope: { act: 'request', env },
        user,
        ...(offer.channel ? { channel: offer.channel } : {}),
        event: 'picker',
      });
      if (!allowed.ok) {
        await say({ text: `:no_entry: ${allowed.message}` });
        return;
      }
      const review = await reviewRollback(s, {
        env: env.name,
        ...(offer.stage ? { stage: offer.stage } : {}),
        to: selected,
        ...(reason ? { reason } : {}),
        user,
        from: offer,
      });
      await say(review.ok ? review.message : { text: review.message });
    } catch (err) {
      log.warn({ err }, 'picker submit failed');
      await say({ text: `:warning: ${userFacingError(err)}` }).catch(() => undefined);
    }
  };
}
