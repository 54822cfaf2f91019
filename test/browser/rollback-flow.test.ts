// The real bot in the workspace page, driven in Chromium like a person would: type the command,
// review, click Roll back, watch the live status reach "Rolled back".

import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type Harness, startHarness } from '../support/harness.js';

const config = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness({ config, world, time: { mode: 'realtime', stageDurationMs: 30 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the real bot in the workspace page', () => {
  it('rolls back prod from a slash command typed in the page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(h.slack.pageUrl);
    await page.locator('body[data-ready="true"][data-live="true"]').waitFor();
    await page.getByTestId('user-switcher').selectOption('U0ONCALL');
    await page.getByRole('button', { name: '# deploys-prod' }).click();

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
