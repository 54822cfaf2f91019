// The local Slack's App Home, as Slack does it: views.publish checked like a message (a Home
// view's own limits, not_enabled without the manifest's Home tab, hash_conflict), app_home_opened
// signed JSON to the bot (only when the manifest subscribes to it), and clicks on the tab as
// block_actions with a view container and nothing of a channel.
import { verifySlackRequest } from '@slack/bolt';
import { type WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';
import { manifestAppHome } from '../../../../src/sandbox/slack/manifest-scopes.js';
import { type RecordingBot, startRecordingBot } from './recording-bot.js';

const BOT_TOKEN = 'xoxb-local-test';
const SECRET = 'signing-secret-for-tests';
const MANAGER = 'U0MANAGER';
let slack: LocalSlack;
let bot: RecordingBot;
let web: WebClient;

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const approve = {
  type: 'actions',
  elements: [
    {
      type: 'button',
      action_id: 'rollback.approve',
      text: { type: 'plain_text', text: 'Approve' },
      value: 'req-1',
    },
  ],
};

/** What Slack answered a failed call: its error code and, for Block Kit, the problems. */
async function failure(promise: Promise<unknown>): Promise<{ error: string; errors?: string[] }> {
  try {
    await promise;
  } catch (error) {
    return (error as WebAPIPlatformError).data as { error: string; errors?: string[] };
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  bot = await startRecordingBot();
  slack = await startLocalSlack({
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    botUrl: bot.url,
    rateLimits: false,
  });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(async () => {
  await slack.close();
  await bot.close();
});

describe('the App Home in the local Slack', () => {
  it('manifest.yml turns the Home tab on and subscribes to app_home_opened', () => {
    expect(manifestAppHome()).toEqual({ homeTabEnabled: true, botEvents: ['app_home_opened'] });
  });

  it('sends app_home_opened as a signed event_callback, with the view once one was published', async () => {
    const first = await slack.client.openHome({ user: MANAGER });
    expect(first).toMatchObject({ sent: true, result: { status: 200 } });
    const [request] = bot.requests;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: request!.body,
        headers: {
          'x-slack-signature': String(request?.headers['x-slack-signature']),
          'x-slack-request-timestamp': Number(request?.headers['x-slack-request-timestamp']),
        },
      }),
    ).not.toThrow();
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0SANDBOX',
      api_app_id: 'A0ROLLBACK',
      event: { type: 'app_home_opened', user: MANAGER, channel: 'D0MANAGER', tab: 'home' },
    });
    expect(body.event_id).toMatch(/^Ev[0-9A-F]+$/);
    expect((body.event as Record<string, unknown>).view).toBeUndefined();

    const published = await web.views.publish({
      user_id: MANAGER,
      view: { type: 'home', blocks: [section('Hello <@U0MANAGER>')] },
    });
    expect(published.view).toMatchObject({ type: 'home', team_id: 'T0SANDBOX' });
    await slack.client.openHome({ user: MANAGER });
    const again = JSON.parse(bot.requests[1]!.body) as { event: { view?: { id?: string } } };
    expect(again.event.view?.id).toBe(published.view?.id);
  });

  it('publishes a Home view, keeping its id and changing its hash; a stale hash conflicts', async () => {
    const one = await web.views.publish({
      user_id: MANAGER,
      view: { type: 'home', blocks: [section('one')] },
    });
    const two = await web.views.publish({
      user_id: MANAGER,
      view: { type: 'home', blocks: [section('two')] },
      hash: one.view?.hash,
    });
    expect(two.view?.id).toBe(one.view?.id);
    expect(two.view?.hash).not.toBe(one.view?.hash);
    expect(slack.client.homeView(MANAGER)?.blocks[0]).toMatchObject(section('two'));
    const stale = await failure(
      web.views.publish({
        user_id: MANAGER,
        view: { type: 'home', blocks: [section('three')] },
        hash: one.view?.hash,
      }),
    );
    expect(stale.error).toBe('hash_conflict');
  });

  it('checks a Home view as Slack does', async () => {
    const blocks = Array.from({ length: 101 }, (_, i) => section(`line ${i}`));
    const tooMany = await failure(
      web.views.publish({ user_id: MANAGER, view: { type: 'home', blocks } }),
    );
    expect(tooMany.error).toBe('invalid_arguments');
    expect(tooMany.errors).toEqual(['must provide at most 100 items [json-pointer:/view/blocks]']);
    const longText = await failure(
      web.views.publish({
        user_id: MANAGER,
        view: { type: 'home', blocks: [section('x'.repeat(3001))] },
      }),
    );
    expect(longText.errors?.[0]).toMatch(/json-pointer:\/view\/blocks\/0\/text\/text/);
    const notHome = await failure(
      web.views.publish({
        user_id: MANAGER,
        view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] },
      }),
    );
    expect(notHome.errors).toContain('must be home [json-pointer:/view/type]');
    const nobody = await failure(
      web.views.publish({ user_id: 'U0NOBODY', view: { type: 'home', blocks: [] } }),
    );
    expect(nobody.error).toBe('invalid_arguments');
    const huge = await failure(
      web.views.publish({
        user_id: MANAGER,
        view: { type: 'home', blocks: [], private_metadata: 'x'.repeat(260_000) },
      }),
    );
    expect(huge.error).toBe('view_too_large');
    expect(slack.client.homeView(MANAGER)).toBeUndefined();
  });

  it('answers not_enabled, and sends no app_home_opened, when the manifest has no Home tab', async () => {
    slack.workspace.appHome = { homeTabEnabled: false, botEvents: [] };
    const error = await failure(
      web.views.publish({ user_id: MANAGER, view: { type: 'home', blocks: [section('x')] } }),
    );
    expect(error.error).toBe('not_enabled');
    expect(await slack.client.openHome({ user: MANAGER })).toEqual({ sent: false });
    expect(bot.requests).toHaveLength(0);
  });

  it('sends a click on the Home tab as block_actions with the view and no channel', async () => {
    await web.views.publish({ user_id: MANAGER, view: { type: 'home', blocks: [approve] } });
    const home = await slack.client.waitForHome(MANAGER, 'Approve');
    await slack.client.click(home, 'Approve', { user: MANAGER });
    const payload = bot.requests.at(-1)?.payload;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: MANAGER },
      container: { type: 'view', view_id: home.id },
      view: { id: home.id, type: 'home' },
      actions: [{ action_id: 'rollback.approve', value: 'req-1' }],
    });
    expect(payload?.channel).toBeUndefined();
    expect(payload?.response_url).toBeUndefined();
    expect(payload?.trigger_id).toBeTruthy();
  });
});
