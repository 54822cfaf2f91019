// The release picker modal: the last releases that succeeded in the stage, which are valid
// targets and why not, the chosen one's diff, and a reason field.
import type { ReleaseDiff } from '../../domain/release-diff.js';
import type { ReleaseChoice } from '../../domain/release-list.js';
import { shortRevision } from '../../domain/releases.js';
import { ACTION, BLOCK, VIEW } from './action-ids.js';
import type { KnownBlock, ModalView, PlainTextOption } from './block-kit.js';
import { diffBlocks } from './diff-blocks.js';
import { age } from './format.js';
import { escapeMrkdwn, inertCode, plainLine, truncate } from './inert-text.js';

export interface PickerInput {
  env: string;
  where: string;
  choices: ReleaseChoice[];
  /** Opaque id of the stored offer this picker acts on (private_metadata). */
  offerId: string;
  selectedExecutionId?: string;
  diff?: ReleaseDiff;
  now: Date;
}

function label(c: ReleaseChoice): string {
  const rev = c.sourceRevisions[0];
  return rev ? shortRevision(rev.revisionId).slice(0, 12) : c.executionId.slice(0, 8);
}

function option(c: ReleaseChoice, now: Date): PlainTextOption {
  const msg = c.sourceRevisions[0]?.message?.split('\n')[0];
  return {
    text: {
      type: 'plain_text',
      text: plainLine(`${c.bad ? '⚠ bad · ' : ''}${label(c)} · ${msg ?? 'no message'}`, 75),
    },
    description: {
      type: 'plain_text',
      text: plainLine(
        c.bad
          ? `${c.bad.join('; ')} · needs approval`
          : `${age(c.startTime, now)} · ${c.executionId}`,
        75,
      ),
    },
    value: c.executionId,
  };
}

export function releasePickerModal(input: PickerInput): ModalView {
  const valid = input.choices.filter((c) => c.valid);
  const list = input.choices.map((c) => {
    const rev = c.sourceRevisions[0];
    const status = c.isCurrent
      ? `:round_pushpin: live now${c.bad ? ` (bad: ${escapeMrkdwn(plainLine(c.bad.join('; '), 120))})` : ''}`
      : !c.valid
        ? `:no_entry_sign: ${escapeMrkdwn(plainLine(c.reason, 120))}${c.bad ? ` · bad: ${escapeMrkdwn(plainLine(c.bad.join('; '), 120))}` : ''}`
        : c.bad
          ? `:warning: bad: ${escapeMrkdwn(plainLine(c.bad.join('; '), 160))} (needs approval)`
          : c.isDefault
            ? ':white_check_mark: last good release (the default)'
            : ':white_check_mark: valid target';
    const msg = rev?.message ? ` ${inertCode(rev.message.split('\n')[0], 60)}` : '';
    return `\`${escapeMrkdwn(label(c))}\`${msg} · ${age(c.startTime, input.now)} · ${status}`;
  });
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeMrkdwn(input.env)} · ${escapeMrkdwn(input.where)}* — releases that succeeded here:\n${list.join('\n') || '_none_'}`,
          3000,
        ),
      },
    },
  ];
  if (valid.length === 0) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: ':warning: None of these is a valid rollback target.' },
    });
  } else {
    const initial = valid.find((c) => c.executionId === input.selectedExecutionId);
    blocks.push({
      type: 'input',
      block_id: BLOCK.pickerRelease,
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Roll back to' },
      element: {
        type: 'static_select',
        action_id: ACTION.pickRelease,
        placeholder: { type: 'plain_text', text: 'Choose a release' },
        options: valid.slice(0, 100).map((c) => option(c, input.now)),
        ...(initial ? { initial_option: option(initial, input.now) } : {}),
      },
    });
  }
  if (input.diff) {
    blocks.push({ type: 'divider' }, ...diffBlocks(input.diff).slice(0, 20));
  }
  blocks.push({
    type: 'input',
    block_id: BLOCK.pickerReason,
    optional: true,
    label: { type: 'plain_text', text: 'Why roll back?' },
    element: { type: 'plain_text_input', action_id: 'reason', max_length: 500, multiline: false },
  });
  return {
    type: 'modal',
    callback_id: VIEW.picker,
    private_metadata: input.offerId,
    title: { type: 'plain_text', text: 'Choose a release' },
    ...(valid.length > 0 ? { submit: { type: 'plain_text', text: 'Review rollback' } } : {}),
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}
