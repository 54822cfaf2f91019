// The incident as on-call lives it in the workspace page, with the sandbox's own config: a deploy
// fails, the bot rolls back on its own, the notification ends saying so (no live "Roll back"
// button), and `/rollback prod-us` then proposes a release that is not bad, saying what the click
// will do; the bot's Home tab then shows the environment and that rollback. A screenshot of
// every step lands in test-artifacts/ (story-*.png).
import { mkdir } from 'node:fs/promises';
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

/**
 * A screenshot of a step in test-artifacts/. With SCREENSHOTS=update, the README's own copies in
 * docs/screenshots/ are made again too (on purpose only: they are kept in the repository).
 */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-artifacts/story-${name}.png`, fullPage: true });
  const readme = README_SHOTS[name];
  if (process.env.SCREENSHOTS === 'update' && readme) {
    await mkdir('docs/screenshots', { recursive: true });
    await page.screenshot({ path: `docs/screenshots/${readme}.png` });
  }
}

/** The steps the README shows, and the names of their pictures there. */
const README_SHOTS: Record<string, string> = {
  '2-rolled-back': 'failure-and-thread',
  '3-review': 'review',
  '4-home': 'home-tab',
};

describe('an incident in the workspace page', () => {
  it('failure → automatic rollback → /rollback prod-us', async () => {
    const page = await s.open('U0ONCALL', '# deploys-prod', { width: 1280, height: 1100 });

    // 1. A deploy fails in prod-us; the bot rolls back on its own.
    await page.getByTestId('scenarios').getByRole('button', { name: 'Deploy that fails' }).click();
    const notification = page
      .getByTestId('message')
      .filter({ hasText: /Stage failed: prod-us/ })
      .first();
    await notification.waitFor({ timeout: 20_000 });
    await shot(page, '1-failure');

    // 2. The notification ends in the truth: rolled back, no live "Roll back to …".
    await notification.getByText(/Rolled back automatically/).waitFor({ timeout: 30_000 });
    expect(await notification.getByRole('button', { name: /^Roll back to / }).count()).toBe(0);
    await notification.getByText(/\d+ repl(y|ies)/).click();
    await page
      .getByTestId('thread')
      .getByTestId('message')
      .filter({ hasText: /Rolled back · prod-us/ })
      .waitFor({ timeout: 20_000 });
    await shot(page, '2-rolled-back');
    const failing = (await notification.textContent()) ?? '';

    // 3. /rollback prod-us: the review proposes a release that is not bad, and says what the
    // click will do.
    await page.getByTestId('composer').fill('/rollback prod-us');
    await page.getByTestId('composer').press('Enter');
    const review = page.getByTestId('message').filter({ hasText: 'Review this rollback' }).last();
    await review.waitFor({ timeout: 15_000 });
    const shown = (await review.textContent()) ?? '';
    expect(shown).toMatch(/No approval needed|Needs approval|Blocked/);
    expect(shown).toMatch(/Now:/);
    await shot(page, '3-review');
    // The release that just failed is live no more and is not what the review proposes.
    const failingSha = /failing release: ([0-9a-f]{7})/.exec(failing)?.[1];
    if (failingSha) expect(shown.split('After:')[1] ?? '').not.toContain(failingSha);
    expect(
      h.aws.control.calls({ operation: 'RollbackStage' }).filter((c) => !c.error),
    ).toHaveLength(1);

    // 4. The bot's Home tab: prod-us with its live release, and the automatic rollback among
    // the last ones, with what it went from and to.
    await page.getByTestId('home-link').click();
    const home = page.getByTestId('home');
    await home.getByText('My environments').waitFor({ timeout: 15_000 });
    await home
      .getByText(/Automatic/)
      .first()
      .waitFor({ timeout: 20_000 });
    const homeText = (await home.textContent()) ?? '';
    expect(homeText).toMatch(/prod-us/);
    expect(homeText).toMatch(/Rolled back/);
    if (failingSha) expect(homeText).toContain(failingSha);
    await shot(page, '4-home');
    await page.close();
  });
});
