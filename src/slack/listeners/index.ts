// Maps ids to listeners; nothing else.
import type { App } from '@slack/bolt';
import type { SlackServices } from '../../../commands/context.js';
import type { Logger } from '../../log.js';
import { ACTION, VIEW } from '../blocks/action-ids.js';
import { onGroupApprove, onGroupCancel, onGroupConfirm, onGroupReject } from '../group-actions.js';
import { onApprove, onReject, onRejectSubmit } from './approval-actions.js';
import { onCancelAutomatic } from './cancel-automatic.js';
import {
  onCancelDraft,
  onCancelRequest,
  onDismiss,
  onStartRollback,
  onViewDiff,
} from './offer-actions.js';
import { onOpenPicker, onPickerSubmit, onPickRelease } from './picker.js';
import { rollbackCommand } from './rollback-command.js';

export function registerListeners(app: App, s: SlackServices, log: Logger): void {
  app.command('/rollback', rollbackCommand(s, log));
  app.action(ACTION.rollbackOffer, onStartRollback(s, log, false));
  app.action(ACTION.confirmRequest, onStartRollback(s, log, true));
  app.action(ACTION.cancelDraft, onCancelDraft(s, log));
  app.action(ACTION.viewDiff, onViewDiff(s, log));
  app.action(ACTION.dismiss, onDismiss(s, log));
  app.action(ACTION.cancelRequest, onCancelRequest(s, log));
  app.action(ACTION.cancelAutomatic, onCancelAutomatic(s, log));
  app.action(ACTION.openPicker, onOpenPicker(s, log));
  app.action(ACTION.pickRelease, onPickRelease(s, log));
  app.view(VIEW.picker, onPickerSubmit(s, log));
  if (s.groups) {
    app.action(ACTION.groupConfirm, onGroupConfirm(s, log));
    app.action(ACTION.groupCancel, onGroupCancel(s, log));
    app.action(ACTION.groupApprove, onGroupApprove(s, log));
    app.action(ACTION.groupReject, onGroupReject(s, log));
  }
  if (s.guardrails) {
    app.action(ACTION.approve, onApprove(s.guardrails.approvals, log));
    app.action(ACTION.reject, onReject(s.guardrails.approvals, log));
    app.view(VIEW.reject, onRejectSubmit(s.guardrails.approvals, log));
  }
}
