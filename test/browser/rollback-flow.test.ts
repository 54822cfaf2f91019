// The real bot in the workspace page, driven in Chromium like a person would: type the command,
// review, click Roll back, watch the live status reach "Rolled back".

import { mkdir } from 'node:fs/promises';
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

describe('the real bot in the workspace page', () => {
  it('rolls back prod from a slash command typed in the page', async () => {
    const page = await s.open('U0ONCALL', '# deploys-prod', { width: 1280, height: 900 });

    await page.getByTestId('composer').fill('/rollback prod-us');
    await page.getByTestId('composer').press('Enter');
    const review = page.getByTestId('message').filter({ hasText: 'Review this rollback' });
    await review.waitFor({ timeout: 15_000 });
    expect(await review.textContent()).toContain('web-app / Deploy');

    await review.getByRole('button', { name: /^Roll back to / }).click();
    // Regex: case-sensitive, unlike a string (the diff says "commits being rolled back").
    await page
      .getByTestId('message')
      .filter({ hasText: /Rolled back · prod-us/ })
      .waitFor({ timeout: 20_000 });
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);

    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/rollback-flow.png', fullPage: true });
    await page.close();
  });
});
