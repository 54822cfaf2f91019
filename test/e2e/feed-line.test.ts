// The deploy feed's line for a rolled-back release names the release as a person knows it: the
// short sha and the first line of its commit message, never an execution id; and its fallback
// text (what a phone notification shows) names the release too.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { visibleText } from '../../src/sandbox/slack/elements.js';
import { type Harness, startHarness } from '../support/harness.js';

const config = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const STAGING = 'C0DEPLOYSTG';
const ONCALL = 'U0ONCALL';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('the deploy feed', () => {
  it('shows a rolled-back release by its commit, in the line and in its text', async () => {
    h = await startHarness({ config, world, time: { mode: 'realtime', stageDurationMs: 30 } });
    const cmd = await h.slack.client.command('/rollback', 'staging', {
      user: ONCALL,
      channel: STAGING,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    const line = await h.slack.client.waitForMessage(
      STAGING,
      (m) => JSON.stringify(m.blocks).includes(':leftwards_arrow_with_hook: Rolled back ·'),
      { timeoutMs: 20_000 },
    );
    // The release that was live in staging before the rollback (the demo world's latest).
    const shown = visibleText(line);
    expect(shown).toContain('8f14e45');
    expect(shown).toContain('perf(api): cache product lookups in Redis');
    // No execution id where a person looks for a commit: not the bad one, not the rollback's.
    expect(shown).not.toMatch(/`[0-9a-f]{8}-[0-9a-f]{3}/);
    expect(line.text).toBe('Rolled back: staging web-app / Deploy-Staging · 8f14e45');
  });
});
