// Every action_id and callback_id the bot uses. Buttons carry only an opaque id in `value`;
// the server loads the state behind it and checks permission again on every click.
export const ACTION = {
  rollbackOffer: 'rollback.offer', // value: offer id (a failure notification's proposal)
  openPicker: 'rollback.open_picker', // value: offer id
  viewDiff: 'rollback.view_diff', // value: offer id
  dismiss: 'rollback.dismiss', // value: offer id
  confirmRequest: 'rollback.confirm', // value: offer id (confirmation before a manual rollback)
  cancelOffer: 'rollback.cancel_offer', // value: offer id (the confirmation's Cancel)
  approve: 'rollback.approve', // value: request id
  reject: 'rollback.reject', // value: request id
  cancelRequest: 'rollback.cancel', // value: request id
  cancelAutomatic: 'rollback.cancel_automatic', // value: request id (an automatic rollback's grace period)
  rollbackOther: 'rollback.propagate', // value: offer id for another environment
  markBad: 'release.mark_bad', // value: offer id (kind 'release': a release on the deploy feed)
  pickRelease: 'picker.release', // static_select in the picker modal
  groupConfirm: 'group.confirm', // value: group id (the "Roll back all N" confirmation)
  groupCancel: 'group.cancel', // value: group id
  groupApprove: 'group.approve', // value: group id (the group's one approval post)
  groupReject: 'group.reject', // value: group id
  unlockStage: 'guard.unlock', // value: waiting-release notice id (a release waiting at a locked stage)
  stopHeldDeploy: 'guard.stop_deploy', // value: held-deploy id (a CodeDeploy deploy started while blocked)
} as const;

/**
 * Ids the bot no longer puts on a button but still answers: an id is part of the wire contract
 * with messages already posted in a workspace, so a confirmation posted before a rename keeps
 * working. Each maps to the id that replaced it; the listener map registers both.
 */
export const RETIRED_ACTION = {
  'rollback.cancel_draft': ACTION.cancelOffer, // the Cancel button before "draft" became "offer"
} as const;

export const VIEW = {
  picker: 'picker.modal', // private_metadata: offer id
  reject: 'reject.modal', // private_metadata: request id
} as const;

export const BLOCK = {
  pickerRelease: 'picker_release',
  pickerReason: 'picker_reason',
  pickerDiff: 'picker_diff',
  rejectReason: 'reject_reason',
} as const;
