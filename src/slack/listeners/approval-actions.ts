// Approve and Reject on a single request's approval card, and the Reject reason modal. Each: ack
// first, then the approval flow (the approvals service) checks everything again on the server;
// answers are private to the clicker.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from '../../log.js';
import type { ApprovalFlow } from '../approval-flow.js';
import { BLOCK } from '../blocks/action-ids.js';
import { rejectNoticeModal, rejectOutcomeMessage } from '../blocks/approval-answers.js';
import { rejectReasonModal } from '../blocks/approval-request.js';
import { escapeMrkdwn } from '../blocks/inert-text.js';
import type { SlackPoster } from '../poster.js';
import type { HomeTabPort } from '../slack-services.js';
import { userFacingError } from '../user-facing-error.js';
import { type ButtonArgs, say } from './button.js';

export function onApprove(flow: ApprovalFlow, log: Logger) {
  return async ({ ack, action, body, respond }: ButtonArgs) => {
    await ack();
    try {
      await respond(say(await flow.approve(action.value ?? '', body.user.id)));
    } catch (err) {
      log.warn({ err, user: body.user.id }, 'approve failed');
      await respond(say(`:warning: ${userFacingError(err)}`)).catch(() => undefined);
    }
  };
}

export function onReject(flow: ApprovalFlow, log: Logger) {
  return async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    const id = action.value ?? '';
    let viewId: string | undefined;
    try {
      // Open at once (the trigger lasts 3 s); the checks below may need AWS and Slack.
      const opened = await client.views.open({
        trigger_id: body.trigger_id,
        view: rejectReasonModal(id, 'this environment'),
      });
      viewId = opened.view?.id;
      const may = await flow.mayReject(id, body.user.id);
      if (!may.ok) {
        if (viewId)
          await client.views.update({ view_id: viewId, view: rejectNoticeModal(may.answer) });
        await respond(say(may.answer));
        return;
      }
      if (viewId)
        await client.views.update({ view_id: viewId, view: rejectReasonModal(id, may.env) });
    } catch (err) {
      log.warn({ err, user: body.user.id }, 'reject failed');
      if (viewId)
        await client.views
          .update({
            view_id: viewId,
            view: rejectNoticeModal(`:warning: ${escapeMrkdwn(userFacingError(err))}`),
          })
          .catch(() => undefined);
      else await respond(say(`:warning: ${userFacingError(err)}`)).catch(() => undefined);
    }
  };
}

export function onRejectSubmit(
  flow: ApprovalFlow,
  poster: SlackPoster,
  log: Logger,
  home?: Pick<HomeTabPort, 'answer'>,
) {
  return async ({
    ack,
    view,
    body,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const reason = Object.values(view.state.values[BLOCK.rejectReason] ?? {})[0]?.value?.trim();
    if (!reason || reason.length < 3) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.rejectReason]: 'Say why, so the requester knows what to do next.' },
      });
      return;
    }
    await ack();
    const user = body.user.id;
    let answer: string;
    try {
      answer = await flow.reject(view.private_metadata, user, reason);
    } catch (err) {
      log.warn({ err, user }, 'reject submit failed');
      answer = `:warning: ${userFacingError(err)}`;
    }
    // The modal is gone; tell the approver privately, by DM (always reachable).
    const slot = `reject|${view.private_metadata}|${user}`;
    await poster
      .post({ channel: user, slot }, rejectOutcomeMessage(answer))
      .catch((err: unknown) =>
        log.warn({ err, user }, 'could not tell the approver the reject outcome'),
      );
    // Rejected from their App Home tab (or with it open): it says so there too.
    await home
      ?.answer(user, answer, { ifOpen: true })
      .catch((err: unknown) =>
        log.warn({ err, user }, 'could not show the reject on the Home tab'),
      );
  };
}
