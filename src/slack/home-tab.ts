// The App Home tab: published with views.publish when someone opens it (app_home_opened), again
// with the answer when they click Approve or Reject on it (a Home tab has no thread and takes no
// ephemeral message: the answer is shown at the top of their tab until their next visit, for 10
// minutes at most), and again for the
// people who opened it lately whenever what it shows changes: an approval asked for or decided,
// a rollback moving or ending, a freeze or a stage lock. Those refreshes are cheap and bounded:
// coalesced into one pass at a time (a burst of changes is one pass, a change during a pass is
// one more after it, passes at least `spacingMs` apart), the shared facts read once per pass, and
// only for the people the store names (opened within its TTL, at most its cap). Nobody looking:
// no read at all. Errors are logged, never thrown at the caller: a Home tab is never in the way.
import type { Logger } from '../log.js';
import { sharedWhileRunning } from '../runtime/in-flight.js';
import type { HomeTabStore } from '../store/home-tab-store.js';
import { type HomeView, homeView } from './blocks/home-view.js';
import { type HomeFacts, type HomeFactsDeps, homeViewFor, readHomeFacts } from './home-facts.js';
import type { HomeTabPort } from './slack-services.js';

export interface HomeTabDeps extends HomeFactsDeps {
  store: HomeTabStore;
  /** views.publish (slack-web.ts). */
  publish(user: string, view: HomeView): Promise<void>;
  log: Logger;
  /** How long a change waits for the next one to join its pass. Default 250 ms. */
  gatherMs?: number;
  /** The least time between the starts of two passes. Default 2000 ms. */
  spacingMs?: number;
}

export interface HomeTab extends HomeTabPort {
  /** Something the Home tab shows changed: republish for the recent viewers, soon. */
  changed(why: string): void;
  close(): Promise<void>;
}

export function createHomeTab(deps: HomeTabDeps): HomeTab {
  const { store, log } = deps;
  const gatherMs = deps.gatherMs ?? 250;
  const spacingMs = deps.spacingMs ?? 2_000;
  // An open and a pass at the same moment read the facts once.
  const shared = sharedWhileRunning<HomeFacts>();
  const facts = () => shared('facts', () => readHomeFacts(deps));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let lastStart = 0;
  let closed = false;

  async function publishFor(user: string, f: HomeFacts): Promise<void> {
    const input = await homeViewFor(deps, f, user, await store.answer(user));
    await deps.publish(user, homeView(input));
  }

  async function pass(): Promise<void> {
    const users = await store.recent(deps.now());
    if (users.length === 0) return;
    const f = await facts();
    for (const user of users) {
      await publishFor(user, f).catch((err: unknown) =>
        log.warn({ err, user }, 'home tab: could not republish'),
      );
    }
  }

  function schedule(): void {
    if (closed || timer || running) return;
    const wait = Math.max(gatherMs, lastStart + spacingMs - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      lastStart = Date.now();
      running = pass()
        .catch((err: unknown) => log.warn({ err }, 'home tab: refresh failed'))
        .finally(() => {
          running = undefined;
          if (again) {
            again = false;
            schedule();
          }
        });
    }, wait);
    timer.unref();
  }

  return {
    async opened(user) {
      // An answer is for the visit it was given in: a new visit starts without it.
      await Promise.all([store.opened(user, deps.now()), store.clearAnswer(user)]);
      await publishFor(user, await facts());
    },
    async answer(user, text, opts = {}) {
      if (opts.ifOpen && !(await store.isViewer(user, deps.now()))) return;
      await store.setAnswer(user, { text, at: deps.now() });
      await publishFor(user, await facts());
    },
    changed(why) {
      if (closed) return;
      log.debug({ why }, 'home tab: republish soon');
      if (running) again = true;
      else schedule();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
