// One decision: the private review says exactly what its button does. For every approval rule
// and every freeze policy, the promise read off the review equals what the click did, end to end
// (the local Slack, the real bot, real Redis, the local AWS endpoint with the demo world).
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/sandbox/slack/state.js';
import {
  deployUnsafeRelease,
  type GuardHarness,
  guardConfig,
  ONCALL,
  PROD,
  RELEASE,
  startGuardHarness,
  stopHarnessesAfterEach,
  waitFor,
} from './guard-harness.js';

// The demo world's releases in prod-us Deploy: the failing one is live, c4ca423 the last good.
const LAST_GOOD = 'c4ca423';
const OLDER = '7b52009';

let h: GuardHarness | undefined;
stopHarnessesAfterEach();

type Promise_ = 'allow' | 'approval' | 'block';

function promiseOf(review: Message): Promise_ {
  const shown = JSON.stringify(review.blocks);
  if (shown.includes('No approval needed')) return 'allow';
  if (shown.includes('Needs approval')) return 'approval';
  if (shown.includes('Blocked')) return 'block';
  throw new Error(`the review promises nothing recognisable: ${shown.slice(0, 500)}`);
}

const hasConfirm = (m: Message) => JSON.stringify(m.blocks).includes('rollback.confirm');

/** /rollback prod-us [to X], read the promise, click when there is a button: what happened. */
async function reviewThenClick(g: GuardHarness, args = 'prod-us') {
  const cmd = await g.slack.client.command('/rollback', args, { user: ONCALL, channel: PROD });
  const review = await cmd.waitForResponse(/Review this rollback|Can't roll back/, {
    timeoutMs: 10_000,
  });
  const promised = promiseOf(review);
  if (!hasConfirm(review)) return { promised, did: 'no-button' as const };
  await g.slack.client.click(review, 'rollback.confirm', { user: ONCALL });
  const answer = await g.slack.client.waitForEphemeral(ONCALL, /request `[0-9A-Z]{26}`/, {
    timeoutMs: 10_000,
  });
  const id = /request `([0-9A-Z]{26})`/.exec(answer.text ?? JSON.stringify(answer.blocks))?.[1];
  const state = await waitFor(async () => {
    const audit = await g.audit();
    const moved = audit.filter((e) => e.request === id && e.from === 'requested');
    return moved[0]?.to;
  }, `request ${id} leaves requested`);
  return { promised, did: state };
}

/** What each promise means the click must have done. */
const KEPT: Record<Promise_, readonly string[]> = {
  allow: ['queued'],
  approval: ['awaiting_approval'],
  block: ['no-button'],
};

async function freeze(g: GuardHarness) {
  const cmd = await g.slack.client.command('/rollback', 'freeze prod-us 4h Holiday freeze', {
    user: RELEASE,
    channel: PROD,
  });
  await cmd.waitForResponse(/Froze|[Ff]reez/, { timeoutMs: 10_000 });
}

const cases: Array<{
  name: string;
  approval?: string;
  windows?: string;
  setup?: (g: GuardHarness) => Promise<void>;
  args?: string;
  expect: Promise_;
}> = [
  { name: 'no rule applies', expect: 'allow' },
  { name: 'always', approval: 'when: [always]', expect: 'approval' },
  {
    name: 'older-than-previous, default target',
    approval: 'when: [older-than-previous]',
    expect: 'allow',
  },
  {
    name: 'older-than-previous, an older target',
    approval: 'when: [older-than-previous]',
    args: `prod-us to ${OLDER}`,
    expect: 'approval',
  },
  {
    name: 'during-freeze listed, frozen',
    approval: 'when: [during-freeze]',
    windows: 'rollbacksDuringFreeze: allow',
    setup: freeze,
    expect: 'approval',
  },
  {
    name: 'rollbacksDuringFreeze: require-approval, frozen',
    windows: 'rollbacksDuringFreeze: require-approval',
    setup: freeze,
    expect: 'approval',
  },
  {
    name: 'rollbacksDuringFreeze: allow, frozen',
    windows: 'rollbacksDuringFreeze: allow',
    setup: freeze,
    expect: 'allow',
  },
  {
    name: 'rollbacksDuringFreeze: deny, frozen',
    windows: 'rollbacksDuringFreeze: deny',
    setup: freeze,
    expect: 'block',
  },
  {
    name: 'crosses-unsafe-release: rolling back from a release marked unsafe',
    setup: async (g) => void (await deployUnsafeRelease(g, 20_000)),
    expect: 'approval',
  },
  {
    name: 'target-is-bad: a release a person marked bad, chosen by name',
    setup: async (g) => {
      const cmd = await g.slack.client.command(
        '/rollback',
        `mark-bad prod-us ${LAST_GOOD} because breaks search`,
        { user: ONCALL, channel: PROD },
      );
      await cmd.waitForResponse(/Marked/, { timeoutMs: 10_000 });
    },
    args: `prod-us to ${LAST_GOOD}`,
    expect: 'approval',
  },
];

describe('the review promises what the click does', () => {
  for (const c of cases) {
    it(c.name, async () => {
      h = await startGuardHarness({
        config: guardConfig({
          ...(c.approval ? { approval: c.approval } : {}),
          ...(c.windows ? { windows: c.windows } : {}),
        }),
      });
      await c.setup?.(h);
      const { promised, did } = await reviewThenClick(h, c.args);
      expect(promised).toBe(c.expect);
      expect(KEPT[promised]).toContain(did);
    });
  }

  it('a release marked bad is skipped by the default target', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    const mark = await h.slack.client.command('/rollback', `mark-bad prod-us ${LAST_GOOD}`, {
      user: ONCALL,
      channel: PROD,
    });
    await mark.waitForResponse(/Marked/, { timeoutMs: 10_000 });
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    const shown = JSON.stringify(review.blocks);
    expect(shown).toContain(`*After:* <https://github.com/acme/web-app/commit/${OLDER}`);
    expect(shown).toContain('the last good release');
  });
});
