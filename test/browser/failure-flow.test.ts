// A person in the workspace page: a deploy fails, the bot posts the failure notification with its
// buttons, the person clicks "Roll back to …" and confirms, and the live status in the thread
// reaches "Rolled back".
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';
import { type SandboxPage, startSandboxPage } from '../support/sandbox-page.js';

let h: Harness;

let s: SandboxPage;
beforeAll(async () => {
  // prod-us rolls back only when a person says so, so the notification's button is the way out.
  s = await startSandboxPage({
    config: (c) => c.replace('autoRollback: on-failure-and-alarm', 'autoRollback: off'),
  });
  ({ h } = s);
});

afterAll(async () => {
  await s?.stop();
});

describe('failure notification in the workspace page', () => {
  it('fails a deploy from the scenario controls, then rolls back from the notification', async () => {
    const page = await s.open('U0ONCALL', '# deploys-prod', { width: 1280, height: 1000 });

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
