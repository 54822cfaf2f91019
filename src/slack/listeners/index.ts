// Maps ids to listeners; nothing else.
import type { App } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { ACTION, RETIRED_ACTION, VIEW } from '../blocks/action-ids.js';
import { clickedOnHome, homeRespond, threadAwareRespond } from '../click-answer.js';
import { onGroupApprove, onGroupCancel, onGroupConfirm, onGroupReject } from '../group-actions.js';
import type { CommandRunner, SlackServices } from '../slack-services.js';
import { onApprove, onReject, onRejectSubmit } from './approval-actions.js';
import { onCancelAutomatic } from './cancel-automatic.js';
import { onHomeOpened } from './home-opened.js';
import { onMarkBad } from './mark-bad.js';
import {
  onCancelOffer,
  onCancelRequest,
  onDismiss,
  onStartRollback,
  onViewDiff,
} from './offer-actions.js';
import { onOpenPicker, onPickerSubmit, onPickRelease } from './picker.js';
import { rollbackCommand } from './rollback-command.js';
import { onStopHeldDeploy } from './stop-held-deploy.js';
import { onUnlockStage } from './unlock-stage.js';

/** A listener for one action or view id; the id decides the payload's shape. */
// biome-ignore lint/suspicious/noExplicitAny: each listener is typed for its own payload
type Listener = (args: any) => Promise<void>;

/**
 * One Bolt listener per kind (command, block action, view submission), dispatching by id from a
 * map. Bolt runs every registered listener's matchers on every request before the one that acks;
 * with nineteen listeners that was a quarter of the CPU spent on a burst of clicks. An action
 * nobody listens for (a link button) is acked and otherwise ignored. `/rollback`'s subcommands
 * are the root's to hand in (`runCommand`: commands/dispatch.ts): slack/ never imports commands/.
 */
export function registerListeners(
  app: App,
  s: SlackServices,
  runCommand: CommandRunner,
  log: Logger,
): void {
  const actions = new Map<string, Listener>([
    [ACTION.rollbackOffer, onStartRollback(s, log, false)],
    [ACTION.confirmRequest, onStartRollback(s, log, true)],
    [ACTION.cancelOffer, onCancelOffer(s, log)],
    [ACTION.viewDiff, onViewDiff(s, log)],
    [ACTION.dismiss, onDismiss(s, log)],
    [ACTION.cancelRequest, onCancelRequest(s, log)],
    [ACTION.cancelAutomatic, onCancelAutomatic(s, log)],
    [ACTION.openPicker, onOpenPicker(s, log)],
    [ACTION.pickRelease, onPickRelease(s, log)],
    [ACTION.markBad, onMarkBad(s, log)],
  ]);
  const views = new Map<string, Listener>([[VIEW.picker, onPickerSubmit(s, log)]]);
  if (s.groups) {
    actions.set(ACTION.groupConfirm, onGroupConfirm(s, log));
    actions.set(ACTION.groupCancel, onGroupCancel(s, log));
    actions.set(ACTION.groupApprove, onGroupApprove(s, log));
    actions.set(ACTION.groupReject, onGroupReject(s, log));
  }
  if (s.guardrails) {
    actions.set(ACTION.approve, onApprove(s.guardrails.approvals, log));
    actions.set(ACTION.reject, onReject(s.guardrails.approvals, log));
    views.set(VIEW.reject, onRejectSubmit(s.guardrails.approvals, s.poster, log, s.home));
    actions.set(ACTION.unlockStage, onUnlockStage(s, log));
    actions.set(ACTION.stopHeldDeploy, onStopHeldDeploy(s, log));
  }
  // Buttons posted before an id was renamed still carry the old id: answer it like the new one.
  for (const [retired, current] of Object.entries(RETIRED_ACTION)) {
    const listener = actions.get(current);
    if (listener) actions.set(retired, listener);
  }

  app.command('/rollback', rollbackCommand(s, runCommand, log));
  if (s.home) app.event('app_home_opened', onHomeOpened(s.home, log));
  app.action({ type: 'block_actions' }, async (args) => {
    const id = 'action_id' in args.action ? args.action.action_id : undefined;
    const listener = id === undefined ? undefined : actions.get(id);
    // A private answer to a click in a thread goes in that thread; to a click on the App Home
    // tab, on that tab (click-answer.ts).
    const respond =
      s.home && clickedOnHome(args.body)
        ? homeRespond(s.home, args.body.user.id, log)
        : threadAwareRespond(args.respond, args.body, s.poster, log);
    if (listener) return listener({ ...args, respond });
    await args.ack();
  });
  app.view({ type: 'view_submission' }, async (args) => {
    const listener = views.get(args.view.callback_id);
    if (listener) return listener(args);
    await args.ack();
  });
}
