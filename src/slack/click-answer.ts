// Where a click is answered. Bolt's respond() posts to the click's response_url, and Slack
// puts a new message from a response_url in the channel pane even when the click was in a
// thread (it ignores thread_ts there). A private answer to a click in a thread is therefore sent
// with chat.postEphemeral and the thread's ts, through the poster; replacing or deleting the
// clicked message, and anything outside a thread, stays with the response_url. A click on the App
// Home tab is answered on the tab (homeRespond).
import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { KnownBlock } from './blocks/block-kit.js';
import type { SlackPoster } from './poster.js';
import type { HomeTabPort } from './slack-services.js';

/** respond(), as the listeners call it. */
export type Respond = (message: string | RespondArguments) => Promise<unknown>;

/** What a block_actions payload says about where the click happened. */
export interface ClickPlace {
  user?: { id?: string };
  channel?: { id?: string } | null;
  container?: { message_ts?: string; thread_ts?: string };
  message?: { ts?: string; thread_ts?: string };
}

/** The thread the clicked message is a reply in; a thread's parent is in the channel. */
export function clickThread(body: ClickPlace): string | undefined {
  const thread = body.container?.thread_ts ?? body.message?.thread_ts;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return thread && thread !== ts ? thread : undefined;
}

/** A respond() that answers privately in the thread when the click was in one. */
export function threadAwareRespond(
  respond: RespondFn,
  body: ClickPlace,
  poster: SlackPoster,
  log: Logger,
): Respond {
  const threadTs = clickThread(body);
  const channel = body.channel?.id;
  const user = body.user?.id;
  if (!threadTs || !channel || !user) return respond;
  return async (message) => {
    const m: RespondArguments = typeof message === 'string' ? { text: message } : message;
    const inPlace = m.replace_original === true || m.delete_original === true;
    if (inPlace || m.response_type === 'in_channel' || m.text === undefined) return respond(m);
    try {
      await poster.whisper(
        { channel, user, threadTs },
        'blocks' in m && m.blocks
          ? { text: m.text, blocks: m.blocks as KnownBlock[] }
          : { text: m.text },
      );
      return undefined;
    } catch (err) {
      // Answered in the channel pane is better than not answered.
      log.warn({ err, user }, 'could not answer in the thread; answering through response_url');
      return respond(m);
    }
  };
}

/** What a block_actions payload says when the click was on someone's App Home tab. */
export interface HomeClickPlace {
  user?: { id?: string };
  container?: { type?: string };
  view?: { type?: string } | null;
}

/** True when the click was on the App Home tab (no channel, no thread, no response_url). */
export function clickedOnHome(body: HomeClickPlace): boolean {
  return body.container?.type === 'view' && body.view?.type === 'home';
}

/**
 * A respond() for a click on the App Home tab. Slack gives such a click no response_url and a
 * Home tab takes no ephemeral message, so the answer is shown on the tab itself: republished
 * with the answer at the top (home-tab.ts).
 */
export function homeRespond(home: Pick<HomeTabPort, 'answer'>, user: string, log: Logger): Respond {
  return async (message) => {
    const text = typeof message === 'string' ? message : message.text;
    if (text === undefined) return undefined;
    try {
      await home.answer(user, text);
    } catch (err) {
      log.warn({ err, user }, 'could not answer a click on the Home tab');
    }
    return undefined;
  };
}
