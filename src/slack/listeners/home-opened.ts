// Someone opened the bot's App Home: publish their Home tab (home-tab.ts), and keep it up to
// date for a while. Bolt acks events before the listener runs. The Messages tab is not ours.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../log.js';
import type { HomeTabPort } from '../slack-services.js';

export function onHomeOpened(home: Pick<HomeTabPort, 'opened'>, log: Logger) {
  return async ({ event }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    try {
      await home.opened(event.user);
    } catch (err) {
      log.warn({ err, user: event.user }, 'could not publish the Home tab');
    }
  };
}
