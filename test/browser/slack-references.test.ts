// The local Slack's page shows Slack's references as Slack does: a user group by its @handle, a
// channel by its #name, and <!date^…> in the viewer's own time zone (the browser's).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSlack, startLocalSlack } from '../../src/sandbox/slack/index.js';
import { slackDate } from '../../src/slack/blocks/format.js';
import { launchChromium } from '../support/chromium.js';

const BOT_TOKEN = 'xoxb-browser-refs';
let slack: LocalSlack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  slack = await startLocalSlack({ botToken: BOT_TOKEN, signingSecret: 'browser-refs-secret' });
  browser = await launchChromium();
  // A reader in Tokyo (UTC+9, no daylight saving time): 18:16 UTC is 03:16 the next day there.
  const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-US' });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await slack?.close();
});

async function post(text: string): Promise<void> {
  const web = await fetch(`${slack.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      channel: 'C0DEPLOYPROD',
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    }),
  });
  expect(((await web.json()) as { ok: boolean }).ok).toBe(true);
}

describe('Slack references on the page', () => {
  it('shows the group handle, the channel name and a time in the reader’s zone', async () => {
    await page.goto(slack.pageUrl);
    await page.locator('body[data-ready="true"][data-live="true"]').waitFor();
    const at = Date.UTC(2025, 2, 4, 18, 16, 40);
    await post(
      `Needs 1 approval from <!subteam^S0APPROVERS> in <#C0DEPLOYPROD>. Expires ${slackDate(at)}.`,
    );
    const message = page.getByTestId('message').filter({ hasText: 'Needs 1 approval' });
    await message.waitFor();
    const shown = (await message.textContent()) ?? '';
    expect(shown).toContain('Needs 1 approval from @prod-approvers in #deploys-prod.');
    expect(shown).toContain('Expires Mar 5, 2025 3:16 AM.');
    expect(shown).not.toContain('S0APPROVERS');
    expect(shown).not.toContain('UTC');
  });

  it('shows the fallback for a token it does not know', async () => {
    await post('Unknown token <!date^1741112200^{no_such_token}|2025-03-04 18:16 UTC> here');
    const message = page.getByTestId('message').filter({ hasText: 'Unknown token' });
    await message.waitFor();
    expect(await message.textContent()).toContain('Unknown token 2025-03-04 18:16 UTC here');
  });
});
