// The bot's App Home tab in the workspace page, with the sandbox's own config: a release manager
// freezes prod-us, on-call asks to roll it back (a rollback during a freeze needs approval), and
// the manager opens the bot's Home from the sidebar, sees what waits for their approval, and
// approves it there. Screenshots land in test-artifacts/ (home-*.png).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';
import { type SandboxPage, startSandboxPage } from '../support/sandbox-page.js';

let h: Harness;

let s: SandboxPage;
beforeAll(async () => {
  s = await startSandboxPage();
  ({ h } = s);
});

afterAll(async () => {
  await s?.stop();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-artifacts/home-${name}.png`, fullPage: true });

describe('the App Home tab in the workspace page', () => {
  it('shows the manager the approval waiting for them, and approves it from there', async () => {
    const { client } = h.slack;
    const freeze = await client.command('/rollback', 'freeze prod-us 1h release train', {
      user: 'U0RELEASE',
      channel: 'C0DEPLOYPROD',
    });
    await freeze.waitForResponse(/Froze|frozen/i, { timeoutMs: 15_000 });
    const cmd = await client.command('/rollback', 'prod-us because checkout errors', {
      user: 'U0ONCALL',
      channel: 'C0DEPLOYPROD',
    });
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 15_000 });
    await client.click(review, 'rollback.confirm', { user: 'U0ONCALL' });
    await client.waitForMessage('C0DEPLOYPROD', 'Approval needed', { timeoutMs: 15_000 });

    const page = await s.open('U0MANAGER', undefined, { width: 1280, height: 1100 });
    await page.getByTestId('home-link').click();

    const home = page.getByTestId('home');
    await home.getByText('Waiting for my approval').waitFor({ timeout: 15_000 });
    await home.getByText(/checkout errors/).waitFor({ timeout: 15_000 });
    expect(await home.textContent()).toMatch(/Frozen until/);
    expect(await page.getByTestId('messages').isHidden()).toBe(true);
    await shot(page, '1-waiting');

    await home.getByRole('button', { name: 'Approve' }).click();
    await home.getByText(/Approved \(1 of 1\)/).waitFor({ timeout: 15_000 });
    await shot(page, '2-approved');
    await client.waitForMessage('C0DEPLOYPROD', 'Rolled back', { timeoutMs: 30_000 });
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    // The tab follows by itself: nothing waits any more, and the rollback is in the history.
    await home.getByText('Nothing waits for your approval.').waitFor({ timeout: 20_000 });
    await home
      .getByText(/Rolled back/)
      .first()
      .waitFor({ timeout: 20_000 });
    await shot(page, '3-after');

    // Back to a channel: the messages are there again.
    await page.getByRole('button', { name: '# deploys-prod' }).click();
    expect(await home.isHidden()).toBe(true);
    await page.close();
  });
});
