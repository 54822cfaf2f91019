import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSlack, startLocalSlack } from '../../src/sandbox/slack/index.js';
import { launchChromium } from '../support/chromium.js';
import { startTinyBot, type TinyBot } from './tiny-bot.js';

const BOT_TOKEN = 'xoxb-browser-test';
const SECRET = 'browser-test-secret';
let slack: LocalSlack;
let bot: TinyBot;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  slack = await startLocalSlack({ botToken: BOT_TOKEN, signingSecret: SECRET });
  bot = await startTinyBot({
    slackApiUrl: slack.apiUrl,
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
  });
  slack.setBotUrl(bot.url);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
  await slack?.close();
});

describe('workspace page', () => {
  it('sends a slash command, shows the answer, and clicks its button through the confirm dialog', async () => {
    await page.goto(slack.pageUrl);
    await page.locator('body[data-ready="true"][data-live="true"]').waitFor();
    await expect
      .poll(() => page.getByTestId('banner').textContent())
      .toContain('Local stand-in for Slack');
    await page.getByTestId('user-switcher').selectOption('U0ONCALL');
    // Without an AWS control URL the scenario controls stay hidden.
    expect(await page.getByTestId('scenarios').isHidden()).toBe(true);
    expect(await page.getByTestId('aws-panel').isHidden()).toBe(true);

    await page.getByTestId('composer').fill('/rollback prod deploy');
    await page.getByTestId('composer').press('Enter');
    const answer = page.getByTestId('message').filter({ hasText: 'Rollback requested' });
    await answer.waitFor();
    expect(await answer.textContent()).toContain('@olivia asked to roll back prod deploy');

    await answer.getByRole('button', { name: 'Roll back' }).click();
    const confirm = page.getByTestId('confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('This redeploys v41 to prod.');
    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/workspace-confirm.png' });
    await confirm.getByRole('button', { name: 'Roll back' }).click();

    await page.getByTestId('message').filter({ hasText: 'Rolled back by @olivia' }).waitFor();
    expect(slack.client.messages('deploys-prod').map((m) => m.text)).toEqual(['Rolled back']);

    await page.screenshot({ path: 'test-artifacts/workspace.png', fullPage: true });
  });

  it('renders emoji shortcodes as Slack does, in mrkdwn and plain_text alike', async () => {
    const web = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'C0DEPLOYPROD',
        text: 'emoji check',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: ':sos: Emoji check', emoji: true } },
          { type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: Alarm in bake' } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'noop',
                text: { type: 'plain_text', text: ':unlock: Unlock' },
              },
            ],
          },
          { type: 'context', elements: [{ type: 'mrkdwn', text: ':double_vertical_bar: Held' }] },
        ],
      }),
    });
    expect(((await web.json()) as { ok: boolean }).ok).toBe(true);
    const message = page.getByTestId('message').filter({ hasText: 'Emoji check' });
    await message.waitFor();
    const shown = (await message.textContent()) ?? '';
    for (const emoji of ['🆘', '🚨', '🔓', '⏸️']) expect(shown).toContain(emoji);
    expect(shown).not.toMatch(/:[a-z_]+:/);
  });

  it('answers a mistyped command itself, as Slack does', async () => {
    const before = bot.commands.length;
    await page.getByTestId('composer').fill('/rollbak prod');
    await page.getByTestId('composer').press('Enter');
    await page
      .getByTestId('message')
      .filter({ hasText: '/rollbak is not a valid command' })
      .waitFor();
    const answer = page.getByTestId('message').filter({ hasText: 'is not a valid command' });
    expect(await answer.textContent()).toContain('Slackbot');
    expect(bot.commands.slice(before)).toEqual([]);
  });

  it('renders message data inertly', async () => {
    const web = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'C0DEPLOYPROD',
        text: '<img src=x onerror="window.pwned=1"> *bold*',
      }),
    });
    expect(((await web.json()) as { ok: boolean }).ok).toBe(true);
    const message = page.getByTestId('message').filter({ hasText: 'onerror' });
    await message.waitFor();
    expect(await message.locator('img').count()).toBe(0);
    expect(await message.locator('strong').textContent()).toBe('bold');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
  });
});
