import { describe, expect, it } from 'vitest';
import { checkBlocks, checkModalView } from '../../../../src/sandbox/slack/block-kit-limits.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const button = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain(text),
  action_id: 'a',
  ...extra,
});

describe('Block Kit limits', () => {
  it('accepts a typical notification', () => {
    const blocks = [
      { type: 'header', text: plain('Deploy failed in prod') },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*checkout* failed' },
        fields: [{ type: 'mrkdwn', text: '*Stage*\nDeploy' }],
      },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'by olivia' }] },
      {
        type: 'actions',
        elements: [
          button('Roll back', {
            style: 'danger',
            value: 'x',
            confirm: {
              title: plain('Roll back?'),
              text: plain('Sure?'),
              confirm: plain('Roll back'),
              deny: plain('Cancel'),
            },
          }),
        ],
      },
    ];
    expect(checkBlocks(blocks, 'message')).toEqual([]);
  });

  it.each([
    [
      'button text over 75',
      [{ type: 'actions', elements: [button('x'.repeat(76))] }],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'header over 150',
      [{ type: 'header', text: plain('h'.repeat(151)) }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'header in mrkdwn',
      [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }],
      'must be plain_text [json-pointer:/blocks/0/text/type]',
    ],
    [
      'section text over 3000',
      [{ type: 'section', text: plain('s'.repeat(3001)) }],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      '11 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => plain('f')) }],
      'must provide at most 10 items [json-pointer:/blocks/0/fields]',
    ],
    [
      'field over 2000',
      [{ type: 'section', fields: [plain('f'.repeat(2001))] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ],
    [
      'action_id over 255',
      [{ type: 'actions', elements: [button('b', { action_id: 'a'.repeat(256) })] }],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'value over 2000',
      [{ type: 'actions', elements: [button('b', { value: 'v'.repeat(2001) })] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ],
    [
      '26 elements',
      [
        {
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => button('b', { action_id: `a${i}` })),
        },
      ],
      'must provide at most 25 items [json-pointer:/blocks/0/elements]',
    ],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => plain('c')) }],
      'must provide at most 10 items [json-pointer:/blocks/0/elements]',
    ],
    [
      'empty text',
      [{ type: 'section', text: plain('') }],
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'bad style',
      [{ type: 'actions', elements: [button('b', { style: 'green' })] }],
      'must be one of: primary, danger [json-pointer:/blocks/0/elements/0/style]',
    ],
    [
      'confirm title over 100',
      [
        {
          type: 'actions',
          elements: [
            button('b', {
              confirm: {
                title: plain('t'.repeat(101)),
                text: plain('x'),
                confirm: plain('y'),
                deny: plain('n'),
              },
            }),
          ],
        },
      ],
      'must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]',
    ],
    [
      'confirm button over 30',
      [
        {
          type: 'actions',
          elements: [
            button('b', {
              confirm: {
                title: plain('t'),
                text: plain('x'),
                confirm: plain('y'.repeat(31)),
                deny: plain('n'),
              },
            }),
          ],
        },
      ],
      'must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]',
    ],
    [
      'option text over 75',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'static_select',
              action_id: 's',
              options: [{ text: plain('o'.repeat(76)), value: 'v' }],
            },
          ],
        },
      ],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]',
    ],
    ['unknown block', [{ type: 'table' }], 'unsupported type: table [json-pointer:/blocks/0/type]'],
    [
      'duplicate action_id',
      [{ type: 'actions', elements: [button('a'), button('b')] }],
      'duplicate action_id: a [json-pointer:/blocks/0/elements/1/action_id]',
    ],
    [
      'duplicate block_id',
      [
        { type: 'divider', block_id: 'x' },
        { type: 'divider', block_id: 'x' },
      ],
      'duplicate block_id: x [json-pointer:/blocks/1/block_id]',
    ],
  ])('reports %s', (_name, blocks, problem) => {
    expect(checkBlocks(blocks, 'message')).toContain(problem);
  });

  it('allows 50 blocks in a message and 100 in a modal, not more', () => {
    const divider = { type: 'divider' };
    expect(checkBlocks(Array(50).fill(divider), 'message')).toEqual([]);
    expect(checkBlocks(Array(51).fill(divider), 'message')).toEqual([
      'must provide at most 50 items [json-pointer:/blocks]',
    ]);
    expect(checkBlocks(Array(100).fill(divider), 'modal')).toEqual([]);
    expect(checkBlocks(Array(101).fill(divider), 'modal')).toHaveLength(1);
  });

  it('checks modal title, submit and the need for submit with inputs', () => {
    const input = {
      type: 'input',
      label: plain('Reason'),
      element: { type: 'plain_text_input', action_id: 'r' },
    };
    expect(
      checkModalView({
        type: 'modal',
        title: plain('Roll back prod'),
        submit: plain('Roll back'),
        blocks: [input],
      }),
    ).toEqual([]);
    expect(
      checkModalView({ type: 'modal', title: plain('t'.repeat(25)), blocks: [input] }),
    ).toEqual([
      'must be less than 25 characters [json-pointer:/view/title/text]',
      'is required when the view contains input blocks [json-pointer:/view/submit]',
    ]);
    expect(
      checkModalView({
        type: 'modal',
        title: plain('t'),
        close: plain('c'.repeat(25)),
        blocks: [],
      }),
    ).toEqual(['must be less than 25 characters [json-pointer:/view/close/text]']);
  });
});
