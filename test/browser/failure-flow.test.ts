// A person in the workspace page: a deploy fails, the bot posts the failure notification with its
// buttons, the person clicks "Roll back to …" and confirms, and the live status in the thread
// reaches "Rolled back".
import { mkdir, readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type Harness, startHarness } from '../support/harness.js';

const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
let h: Harness;
let browser: Browser;

beforeAll(async () => {
  const sandboxConfig = await readFile(
    new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
    'utf8',
  );
  // prod-us rolls back only when a person says so, so the notification's button is the way out.
  const config = sandboxConfig.replace('autoRollback: on-failure-and-alarm', 'autoRollback: off');
  expect(config).not.toBe(sandboxConfig);
  h = await startHarness({ config, world, time: { mode: 'realtime', stageDurationMs: 30 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('failure notification in the workspace page', () => {
  it('fails a deploy from the scenario controls, then rolls back from the notification', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(h.slack.pageUrl);
    await page.locator('body[data-ready="true"][data-live="true"]').waitFor();
    await page.getByTestId('user-switcher').selectOption('U0ONCALL');
    await page.getByRole('button', { name: '# deploys-prod' }).click();

    await page.getByTestId('scenarios').getByRole('button', { name: 'Deploy that fails' }).click();
    const notification = page.getByTestId('message').filter({ hasText: /Stage failed: prod-us/ });
    await notification.waitFor({ timeout: 20_000 });
    expect(await notification.textContent()).toContain('Last good release');

    await notification.getByRole('button', { name: /^Roll back to / }).click();
    const confirm = page.getByTestId('confirm');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Roll back' }).click();

    // The notification now says who acted, and its buttons are gone.
    await notification.getByText(/Rollback requested by @olivia/).waitFor({ timeout: 10_000 });
    expect(await notification.getByRole('button', { name: /^Roll back to / }).count()).toBe(0);
    await notification.getByText(/\d+ repl(y|ies)/).click();
    await page
      .getByTestId('thread')
      .getByTestId('message')
      .filter({ hasText: /Rolled back · prod-us/ })
      .waitFor({ timeout: 20_000 })
      .catch(async (e) => {
        await page.screenshot({ path: 'test-artifacts/failure-flow-debug.png', fullPage: true });
        throw e;
      });
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/failure-flow.png', fullPage: true });
    await page.close();
  });
});
