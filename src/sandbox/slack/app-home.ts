// The App Home as Slack drives it: a person opens the app's Home tab, and Slack sends the app
// `app_home_opened` (tab "home", the DM channel, and the view last published, if any) when the
// manifest subscribes to it, over HTTP or Socket Mode like any event. What the app publishes
// (views.publish) is web-api.ts's; clicks on the tab are block_actions with a view container.
import { manifestAppHome } from './manifest-scopes.js';
import type { HomeView } from './state.js';
import { type AckResult, type BotLink, sendEvent } from './towards-bot.js';
import { resolveChannel } from './web-api.js';

export interface HomeOpened {
  /** False when the manifest does not subscribe to app_home_opened: nothing was sent. */
  sent: boolean;
  result?: AckResult & { eventId: string };
}

/** `user` opens the app's Home tab (or its Messages tab). */
export async function openAppHome(
  link: BotLink,
  user: string,
  tab: 'home' | 'messages' = 'home',
): Promise<HomeOpened> {
  const { ctx } = link;
  if (!ctx.workspace.users.some((u) => u.id === user)) {
    throw new Error(`Unknown user ${user} in the local workspace`);
  }
  const { botEvents } = ctx.workspace.appHome ?? manifestAppHome();
  if (!botEvents.includes('app_home_opened')) return { sent: false };
  // The app's DM with the person: Slack names it in the event.
  const dm = resolveChannel(ctx, user);
  const view: HomeView | undefined = ctx.state.homes.get(user);
  const result = await sendEvent(link, {
    type: 'app_home_opened',
    user,
    channel: dm?.id ?? '',
    tab,
    event_ts: ctx.state.nextTs(),
    ...(tab === 'home' && view ? { view } : {}),
  });
  if (result.error || result.status !== 200) {
    ctx.state.notice(
      `The app did not take app_home_opened ("${result.error ?? `HTTP ${result.status}`}")`,
      'error',
      user,
    );
  }
  return { sent: true, result };
}
