// A propagation offer leads to where the status really is, end to end through the real bot, the
// local Slack and the local AWS endpoint: a release fails in prod and is rolled back
// automatically; the bot offers, in prod's thread, to roll back staging, which runs the same bad
// commit. An admin's click there starts the rollback whose live status is a new message in
// staging's own channel, and the prod thread gets a link to it; the offer keeps no button for
// what it started.
import { afterEach, describe, expect, it } from 'vitest';
import type { World } from '../../src/sandbox/aws/index.js';
import { type Harness, startHarness } from '../support/harness.js';

const PROD = 'C0DEPLOYPROD';
const STAGING = 'C0DEPLOYSTG';
const ADMIN = 'U0RELEASE';
const BAD = 'ddddddd444444444444444444444444444444444';

const config = `
access:
  admins: [${ADMIN}]
environments:
  staging:
    channel: ${STAGING}
    region: us-east-1
    pipeline: web-app
    stages: { Deploy-Staging: {} }
  prod:
    channel: ${PROD}
    region: us-east-1
    pipeline: web-app
    stages: { Deploy: {} }
    autoRollback: on-failure
`;

const rev = (sha: string, message: string) => ({
  id: sha,
  message,
  author: 'dev',
  url: `https://github.com/acme/web-app/commit/${sha}`,
  actionName: 'Source',
});

function world(): World {
  return {
    now: '2026-03-02T12:00:00Z',
    pipelines: [
      {
        name: 'web-app',
        stageDuration: '60s',
        stages: [
          {
            name: 'Source',
            actions: [{ name: 'Source', category: 'Source', provider: 'CodeStarSourceConnection' }],
          },
          { name: 'Deploy-Staging', actions: [{ name: 'Deploy' }] },
          { name: 'Deploy', actions: [{ name: 'Deploy' }] },
        ],
        executions: [
          {
            id: '11111111-1111-4111-8111-111111111111',
            status: 'Succeeded',
            startTime: '2026-03-01T09:00:00Z',
            revision: rev('aaaaaaa111111111111111111111111111111111', 'Add login'),
          },
          {
            id: '22222222-2222-4222-8222-222222222222',
            status: 'Succeeded',
            startTime: '2026-03-01T10:00:00Z',
            revision: rev('bbbbbbb222222222222222222222222222222222', 'Add search'),
          },
        ],
      },
    ],
  };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('a propagation offer', () => {
  it('starts the rollback in the other environment’s channel and links it from the thread', async () => {
    h = await startHarness({
      config,
      world: world(),
      time: { mode: 'realtime', stageDurationMs: 30 },
    });
    const slack = h.slack.client;
    h.aws.control.startExecution('web-app', {
      revision: { id: BAD, message: 'Break checkout', author: 'dev' },
      outcome: { failStage: 'Deploy' },
    });
    h.aws.control.runUntilIdle();
    const offer = await slack.waitForMessage(PROD, 'also runs in', { timeoutMs: 20_000 });
    expect(offer.thread_ts).toBeDefined();

    await slack.click(offer, 'Roll back staging', { user: ADMIN });
    const answer = await slack.waitForEphemeral(ADMIN, /Rollback of staging/, {
      timeoutMs: 10_000,
    });
    expect(answer.text).toContain('Live status in <#C0DEPLOYSTG>, as a new message there');

    // The status is a message of staging's own channel, not a reply to a thread of prod's.
    const requestId = /request `([^`]+)`/.exec(answer.text)?.[1] ?? 'none';
    const status = await slack.waitForMessage(
      STAGING,
      (m) => JSON.stringify(m.blocks).includes(`Request ${requestId}`),
      { timeoutMs: 10_000 },
    );
    expect(status.thread_ts).toBeUndefined();
    expect(JSON.stringify(status.blocks)).toContain('staging');

    // Prod's thread says where it is, with Slack's own link to that message.
    const link = await slack.waitForMessage(
      PROD,
      (m) => m.thread_ts === offer.thread_ts && m.ts !== offer.ts && /requested/.test(m.text),
      { timeoutMs: 10_000 },
    );
    const permalink = /<(http[^|>]+)\|live status>/.exec(JSON.stringify(link.blocks))?.[1];
    expect(permalink).toContain(STAGING);
    expect(permalink).toContain(status.ts.replace('.', ''));

    // The offer no longer offers what it started, and says where it went.
    const updated = slack.thread(PROD, offer.thread_ts ?? '').find((m) => m.ts === offer.ts);
    const blocks = JSON.stringify(updated?.blocks);
    expect(blocks).not.toContain('Roll back staging');
    expect(blocks).toContain('live status in <#C0DEPLOYSTG>, linked in the thread');
  });
});
