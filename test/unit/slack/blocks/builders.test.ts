import { describe, expect, it } from 'vitest';
import type { RollbackRequest } from '../../../../src/domain/rollback-request.js';
import { ACTION } from '../../../../src/slack/blocks/action-ids.js';
import { diffBlocks } from '../../../../src/slack/blocks/diff-blocks.js';
import { failureNotification } from '../../../../src/slack/blocks/failure-notification.js';
import { helpMessage } from '../../../../src/slack/blocks/help-message.js';
import {
  escapeMrkdwn,
  inertCode,
  plainLine,
  safeLink,
  truncate,
} from '../../../../src/slack/blocks/inert-text.js';
import { releasePickerModal } from '../../../../src/slack/blocks/release-picker.js';
import { requestStatusMessage } from '../../../../src/slack/blocks/request-status.js';
import { stageRequest } from '../../request-fixture.js';

const now = new Date('2026-11-20T14:05:00Z');
const good = {
  actionName: 'Source',
  revisionId: '3a1f9c2e4b5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f',
  message: 'Add retry to payment client',
  author: 'Ana',
  url: 'https://github.com/acme/web-app/commit/3a1f9c2e4b5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f',
};
const bad = {
  actionName: 'Source',
  revisionId: '8f14e45fceea167a5a36dedd4bea2543e5c1a9b2',
  message: 'Speed up checkout',
  author: 'Bo',
  url: 'https://github.com/acme/web-app/commit/8f14e45fceea167a5a36dedd4bea2543e5c1a9b2',
};

describe('inert text', () => {
  it('escapes mrkdwn control characters and keeps formatting inert', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(inertCode('*bold* `x` <https://evil|click>', 200)).toBe(
      "`*bold* 'x' &lt;https://evil|click&gt;`",
    );
    expect(plainLine('line1\nline2\t\u0007end', 100)).toBe('line1 line2 end');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(safeLink('javascript:alert(1)', 'x')).toBeUndefined();
    expect(safeLink('https://example.com/a|b', 'x')).toBeUndefined();
    expect(safeLink('https://example.com/a', 'label')).toBe('<https://example.com/a|label>');
  });
});

describe('failure notification', () => {
  it('builds the exact message with four buttons carrying only the offer id', () => {
    const msg = failureNotification({
      env: 'prod-us',
      kind: 'stage-failed',
      where: 'web-app / Deploy',
      failing: { id: '9d2b7c4e-6a1f-4e2b-8c3d-5f7a9b1c2d3e', sourceRevisions: [bad] },
      lastGood: {
        id: '3c1e5a7b',
        startTime: new Date('2026-11-20T11:05:00Z'),
        sourceRevisions: [good],
      },
      alarms: [{ name: 'web-prod-5xx', state: 'ALARM' }],
      offerId: 'OFFER1',
      now,
    });
    expect(msg).toEqual({
      text: 'Stage failed: prod-us (web-app / Deploy)',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: ':rotating_light: Stage failed: prod-us', emoji: true },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `*web-app / Deploy* · failing release: <${bad.url}|8f14e45> \`Speed up checkout\` by \`Bo\``,
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: `Last good release 3h ago: <${good.url}|3a1f9c2> \`Add retry to payment client\` by \`Ana\`\n:red_circle: \`web-prod-5xx\` ALARM`,
            },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ACTION.rollbackOffer,
              text: { type: 'plain_text', text: 'Roll back to 3a1f9c2' },
              style: 'primary',
              value: 'OFFER1',
              confirm: {
                title: { type: 'plain_text', text: 'Roll back?' },
                text: {
                  type: 'plain_text',
                  text: 'Roll web-app / Deploy in prod-us back to 3a1f9c2. The rollback is audited.',
                },
                confirm: { type: 'plain_text', text: 'Roll back' },
                deny: { type: 'plain_text', text: 'Not now' },
              },
            },
            {
              type: 'button',
              action_id: ACTION.openPicker,
              text: { type: 'plain_text', text: 'Choose release…' },
              value: 'OFFER1',
            },
            {
              type: 'button',
              action_id: ACTION.viewDiff,
              text: { type: 'plain_text', text: 'View diff' },
              value: 'OFFER1',
            },
            {
              type: 'button',
              action_id: ACTION.dismiss,
              text: { type: 'plain_text', text: 'Dismiss' },
              value: 'OFFER1',
            },
          ],
        },
      ],
    });
  });

  it('renders a hostile commit message inert and within limits', () => {
    const hostile = {
      ...bad,
      message: `<!channel> <@U0BOSS> *urgent* <https://evil.example|https://github.com/acme> ${'x'.repeat(5000)}`,
      author: '<!here>',
    };
    const msg = failureNotification({
      env: 'prod-us',
      kind: 'stage-failed',
      where: 'web-app / Deploy',
      failing: { id: 'f', sourceRevisions: [hostile] },
      alarms: [],
      offerId: 'O',
      now,
    });
    const json = JSON.stringify(msg.blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0BOSS>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil.example');
    for (const block of msg.blocks) {
      if (block.type === 'section' && block.text)
        expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    // No earlier good release: no roll-back button, the others stay.
    const actions = msg.blocks.find((b) => b.type === 'actions');
    expect(
      actions && 'elements' in actions
        ? actions.elements.map((e) => ('action_id' in e ? e.action_id : ''))
        : [],
    ).toEqual([ACTION.openPicker, ACTION.viewDiff, ACTION.dismiss]);
  });
});

describe('messages end in the truth', () => {
  const base = {
    env: 'prod-us',
    kind: 'stage-failed' as const,
    where: 'web-app / Deploy',
    failing: { id: '9d2b7c4e', sourceRevisions: [bad] },
    lastGood: {
      id: '3c1e5a7b',
      startTime: new Date('2026-11-20T11:05:00Z'),
      sourceRevisions: [good],
    },
    alarms: [],
    offerId: 'OFFER1',
    now,
  };
  const actionIds = (m: ReturnType<typeof failureNotification>) => {
    const a = m.blocks.find((b) => b.type === 'actions');
    return a && 'elements' in a ? a.elements.map((e) => ('action_id' in e ? e.action_id : '')) : [];
  };

  it('a notification whose rollback is under way or done offers no "Roll back" button', () => {
    const live = failureNotification(base);
    expect(actionIds(live)).toContain(ACTION.rollbackOffer);
    const rolling = failureNotification({
      ...base,
      outcome: { kind: 'rolling-back', text: 'Rolling back automatically (request R1).' },
    });
    expect(actionIds(rolling)).toEqual([ACTION.openPicker, ACTION.viewDiff]);
    const done = failureNotification({
      ...base,
      outcome: { kind: 'rolled-back', text: 'Rolled back automatically (request R1).' },
    });
    expect(done.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':white_check_mark: Stage failed: prod-us · rolled back',
        emoji: true,
      },
    });
    expect(JSON.stringify(done.blocks)).toContain(
      ':white_check_mark: Rolled back automatically (request R1).',
    );
    expect(actionIds(done)).not.toContain(ACTION.rollbackOffer);
  });
});

describe('live status', () => {
  const req: RollbackRequest = stageRequest({
    state: 'running',
    requestedBy: { kind: 'user', id: 'U0ONCALL1' },
    reason: '5xx <!channel>',
    createdAt: now.getTime() - 90_000,
    updatedAt: now.getTime(),
    queuedAt: now.getTime() - 80_000,
    startedAt: now.getTime() - 65_000,
    awsExecutionId: 'aaaa1111-2222-4333-8444-555566667777',
    retries: 2,
  });

  it('shows state, the steps with the AWS execution linked, elapsed time, and the request id', () => {
    const msg = requestStatusMessage(req, now);
    expect(msg.text).toBe('Rolling back: prod-us web-app / Deploy');
    expect(msg.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*:arrows_counterclockwise: Rolling back* · prod-us' },
    });
    // A record from before step times were kept: the steps it shows have no time.
    expect(msg.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          ':white_check_mark: Requested by <@U0ONCALL1> · <!date^1795183410^{date_short_pretty} {time_secs}|2026-11-20 14:03:30 UTC>',
          ':white_check_mark: AWS accepted: execution <https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/web-app/executions/aaaa1111-2222-4333-8444-555566667777/timeline?region=us-east-1|aaaa1111>',
          ':arrows_counterclockwise: Deploying in stage Deploy',
          ':white_circle: Alarms watched',
          ':white_circle: Recovered',
        ].join('\n'),
      },
    });
    const fields =
      msg.blocks[2] && 'fields' in msg.blocks[2] ? msg.blocks[2].fields?.map((f) => f.text) : [];
    expect(fields).toEqual([
      '*Target*\nweb-app / Deploy',
      '*Change*\n`9d2b7c4e` → `3c1e5a7b`',
      '*Elapsed*\n1m 05s',
    ]);
    expect(JSON.stringify(msg.blocks)).toContain('Reason: `5xx &lt;!channel&gt;`');
    expect(JSON.stringify(msg.blocks)).toContain('AWS calls retried 2×');
    expect(msg.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'plain_text', text: `Request ${req.id}` }],
    });
  });

  it('names the policy reason by state, not as an error', () => {
    const waiting = requestStatusMessage(
      {
        ...req,
        state: 'awaiting_approval',
        lastError: 'target is older than the previous release',
      },
      now,
    );
    expect(JSON.stringify(waiting.blocks)).toContain(
      'Needs approval: `target is older than the previous release`',
    );
    expect(JSON.stringify(waiting.blocks)).not.toContain('retrying');
    const blocked = requestStatusMessage(
      { ...req, state: 'blocked', lastError: 'freeze denies rollbacks' },
      now,
    );
    expect(JSON.stringify(blocked.blocks)).toContain('Blocked: `freeze denies rollbacks`');
  });

  it('a request AWS refused says, at the step that failed, what happened and what to do', () => {
    const { awsExecutionId: _never, ...notStarted } = req;
    const failed = requestStatusMessage(
      {
        ...notStarted,
        state: 'failed',
        endedAt: now.getTime() - 63_000,
        lastError: 'AWS_ACCESS_DENIED',
        summary:
          'AWS denied codepipeline:RollbackStage on pipeline web-app. AWS said: User: <@U1> is not authorized',
        nextStep:
          'Allow codepipeline:RollbackStage on arn:aws:codepipeline:us-east-1:<account>:web-app',
      },
      now,
    );
    expect(failed.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          ':white_check_mark: Requested by <@U0ONCALL1> · <!date^1795183410^{date_short_pretty} {time_secs}|2026-11-20 14:03:30 UTC>',
          ':x: AWS did not start the rollback · <!date^1795183437^{time_secs}|2026-11-20 14:03:57 UTC>',
          '*What happened:* `AWS denied codepipeline:RollbackStage on pipeline web-app. AWS said: User: &lt;@U1&gt; is not authorized`',
          '*What to do:* Allow codepipeline:RollbackStage on arn:aws:codepipeline:us-east-1:&lt;account&gt;:web-app',
        ].join('\n'),
      },
    });
    const text = JSON.stringify(failed.blocks);
    expect(text).toContain('Error code: `AWS_ACCESS_DENIED`');
    expect(text).not.toContain('AWS: `');
    // A failure with no next step on the record still says what to do.
    const plain = requestStatusMessage({ ...req, state: 'failed', summary: 'Failed in AWS' }, now);
    expect(plain.blocks[1]).toMatchObject({
      text: {
        text: expect.stringContaining(
          [
            ':x: Rollback failed in stage Deploy',
            '*What happened:* `Failed in AWS`',
            '*What to do:* Open the AWS link above to see what failed, then request the rollback again or fix forward.',
          ].join('\n'),
        ),
      },
    });
    expect(JSON.stringify(plain.blocks)).not.toContain('AWS: `');
  });

  it('offers Cancel only while awaiting approval', () => {
    const waiting = requestStatusMessage({ ...req, state: 'awaiting_approval' }, now);
    expect(JSON.stringify(waiting.blocks)).toContain(ACTION.cancelRequest);
    expect(JSON.stringify(requestStatusMessage(req, now).blocks)).not.toContain(
      ACTION.cancelRequest,
    );
  });
});

describe('help, diff and picker', () => {
  it('puts the error on top of help', () => {
    const msg = helpMessage(
      { environments: ['prod-us', 'staging'] },
      "no environment 'prdo': did you mean prod?",
    );
    expect(msg.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ":warning: no environment 'prdo': did you mean prod?" },
    });
    expect(msg.text).toBe("no environment 'prdo': did you mean prod? — see /rollback help");
  });

  it('lists the groups beside the environments', () => {
    const msg = helpMessage({
      environments: ['staging', 'prod-us', 'prod-eu'],
      groups: [{ name: 'prod', members: ['prod-us', 'prod-eu'] }],
    });
    expect(msg.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'plain_text',
          text: 'Environments: staging, prod-us, prod-eu · Groups: prod (prod-us, prod-eu)',
        },
      ],
    });
  });

  it('shows source changes with a compare link, and changed variables', () => {
    const blocks = diffBlocks({
      sources: [
        {
          actionName: 'Source',
          current: bad,
          target: good,
          compareUrl: 'https://github.com/acme/web-app/compare/3a1f9c2...8f14e45',
        },
      ],
      artifacts: [],
      variables: [{ name: 'LIB_express', current: '4.19.2', target: '4.18.0' }],
      same: false,
    });
    expect(blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Source*: <${bad.url}|8f14e45> → <${good.url}|3a1f9c2> · <https://github.com/acme/web-app/compare/3a1f9c2...8f14e45|commits being rolled back>\nnow: 8f14e45: \`Speed up checkout\`\nafter rollback: 3a1f9c2: \`Add retry to payment client\``,
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Variables*\n• `LIB_express`: `4.19.2` → `4.18.0`' },
      },
    ]);
  });

  it('lists releases with validity, offers only valid ones, and keeps options within 75 chars', () => {
    const view = releasePickerModal({
      env: 'prod-us',
      where: 'web-app / Deploy',
      offerId: 'OFFER1',
      now,
      choices: [
        {
          executionId: 'cur',
          startTime: new Date('2026-11-20T13:00:00Z'),
          sourceRevisions: [bad],
          isCurrent: true,
          valid: false,
          reason: 'it is the current release',
        },
        {
          executionId: 'ok1',
          startTime: new Date('2026-11-20T11:05:00Z'),
          sourceRevisions: [{ ...good, message: 'm'.repeat(300) }],
          isCurrent: false,
          valid: true,
        },
        {
          executionId: 'old',
          startTime: new Date('2026-11-10T11:05:00Z'),
          sourceRevisions: [good],
          isCurrent: false,
          valid: false,
          reason: 'ran on pipeline version 6; the pipeline is now version 7',
        },
      ],
    });
    expect(view.private_metadata).toBe('OFFER1');
    const input = view.blocks.find((b) => b.type === 'input' && b.block_id === 'picker_release');
    const options =
      input && 'element' in input && 'options' in input.element
        ? (input.element.options ?? [])
        : [];
    expect(options.map((o) => o.value)).toEqual(['ok1']);
    expect(options[0]!.text.text.length).toBeLessThanOrEqual(75);
    expect(JSON.stringify(view.blocks[0])).toContain('ran on pipeline version 6');
  });
});
