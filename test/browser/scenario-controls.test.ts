// The sidebar's local AWS part on a fresh page: the scenario controls are select boxes with the
// demo world's pipeline and its environment's alarm already chosen, so "Deploy that fails" works
// without typing anything (it once answered "'pipelineName' is required"); the choice survives a
// reload; and the "Local AWS" panel shows a release held at a frozen stage, with the reason of
// the disabled transition.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';
import { type SandboxPage, startSandboxPage } from '../support/sandbox-page.js';

let h: Harness;
let browser: Browser;

let s: SandboxPage;
beforeAll(async () => {
  // No automatic rollback (and so no post-rollback lock): the freeze is the one cause at Deploy.
  s = await startSandboxPage({
    config: (c) => c.replace('autoRollback: on-failure-and-alarm', 'autoRollback: off'),
  });
  ({ h, browser } = s);
});

afterAll(async () => {
  await s?.stop();
});

async function open(page: Page, user: string): Promise<void> {
  await page.goto(h.slack.pageUrl);
  await page.locator('body[data-ready="true"][data-live="true"]').waitFor();
  await page.getByTestId('user-switcher').selectOption(user);
  await page.getByRole('button', { name: '# deploys-prod' }).click();
}

/** What a <select> shows (the tests compile without the DOM's types). */
interface SelectLike {
  value: string;
  selectedIndex: number;
  options: ArrayLike<{ value: string }>;
  querySelectorAll(selector: string): ArrayLike<{ label: string }>;
}

const selected = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((node) => {
    const s = node as unknown as SelectLike;
    return {
      value: s.value,
      index: s.selectedIndex,
      options: Array.from(s.options, (o) => o.value),
      groups: Array.from(s.querySelectorAll('optgroup'), (g) => g.label),
    };
  });

describe('scenario controls and the Local AWS panel', () => {
  it('start with a pipeline and an alarm chosen, so "Deploy that fails" works untouched', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await open(page, 'U0ONCALL');
    expect(await selected(page, 'sc-pipeline')).toMatchObject({
      value: 'web-app',
      index: 0,
      options: ['web-app'],
    });
    // web-app's environment (prod-us) first, its first alarm chosen; the rest after.
    expect(await selected(page, 'sc-alarm')).toEqual({
      value: 'web-prod-5xx',
      index: 0,
      options: ['web-prod-5xx', 'web-prod-latency-p99', 'prod-sev1', 'billing-eu-5xx'],
      groups: ["web-app's environments", 'Other alarms'],
    });

    await page.getByTestId('scenarios').getByRole('button', { name: 'Deploy that fails' }).click();
    await page
      .locator('#scenario-result')
      .filter({ hasText: /^(Started|Failed)/ })
      .waitFor();
    expect(await page.locator('#scenario-result').textContent()).toMatch(
      /^Started web-app execution [0-9a-f]{8}, failing in Deploy\.$/,
    );
    await page
      .getByTestId('message')
      .filter({ hasText: /Stage failed: prod-us/ })
      .waitFor({ timeout: 20_000 });
    await page
      .getByTestId('aws-stage')
      .filter({ hasText: /^Deploy✗ failed/ })
      .waitFor({ timeout: 10_000 });

    // The choice is kept across a reload; a stored name the world no longer has falls back.
    await page.getByTestId('sc-alarm').selectOption('web-prod-latency-p99');
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    expect((await selected(page, 'sc-alarm')).value).toBe('web-prod-latency-p99');
    expect((await selected(page, 'sc-pipeline')).value).toBe('web-app');
    await page.evaluate(() =>
      (
        globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
      ).localStorage.setItem('sandbox.scenario.alarm', 'gone-alarm'),
    );
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    expect((await selected(page, 'sc-alarm')).value).toBe('web-prod-5xx');
    await context.close();
  });

  it('shows a release held at a frozen stage as held, with why', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await open(page, 'U0RELEASE');
    await page.getByTestId('composer').fill('/rollback freeze prod 1h test');
    await page.getByTestId('composer').press('Enter');
    await page
      .getByTestId('message')
      .filter({ hasText: /Froze prod-us/ })
      .waitFor({ timeout: 15_000 });
    const deploy = page.getByTestId('aws-stage').filter({ hasText: /^Deploy/ });
    await deploy.getByTestId('aws-lock').waitFor({ timeout: 10_000 });

    await page
      .getByTestId('scenarios')
      .getByRole('button', { name: 'Deploy a new release' })
      .click();
    const held = deploy.getByTestId('aws-held');
    await held.waitFor({ timeout: 20_000 });
    const shown = (await held.textContent()) ?? '';
    expect(shown).toContain('Held before this stage');
    expect(shown).toMatch(/Why: rollback-bot .*freeze by U0RELEASE until .* test/);
    // It is the release just started, and AWS holds it there indeed.
    const started = {
      pipelineExecutionId:
        (await page.locator('#scenario-result').getAttribute('data-execution-id')) ?? '',
    };
    const inAws = h.aws.control
      .pipelines()
      .find((p) => p.name === 'web-app')
      ?.stages.find((s) => s.name === 'Deploy');
    expect(inAws?.waiting).toEqual([
      expect.objectContaining({
        pipelineExecutionId: started.pipelineExecutionId,
        heldBy: 'transition',
      }),
    ]);
    expect(shown).toContain(inAws!.waiting[0]!.revisionId.slice(0, 7));
    await held.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-artifacts/scenario-held.png', fullPage: true });
    await page.getByTestId('aws-panel').screenshot({ path: 'test-artifacts/aws-panel-held.png' });
    await page.close();
  });
});
