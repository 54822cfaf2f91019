// The App Home tab (src/slack/home-tab.ts), built once per process, and what tells it that what
// it shows changed. It is built last (it reads through the whole graph), so the parts built
// before it that change what it shows (a freeze added or ended, the stage-lock passes' change
// announcements) tell a `HomeChanges` that is connected once it exists. The request transitions
// of every process, approval cards and group messages reach it from the worker role (the status
// follower, the render jobs: worker-role.ts).
import type { LockAnnouncer } from '../services/guardrails/lock-announcer.js';
import { createHomeTab, type HomeTab, type HomeTabDeps } from '../slack/home-tab.js';
import type { FreezeStore } from '../store/freeze-store.js';
import { createHomeTabStore } from '../store/home-tab-store.js';
import type { Adapters } from './adapters.js';

export interface HomeChanges {
  changed(why: string): void;
  connect(home: Pick<HomeTab, 'changed'>): void;
}

/** Changes said before the Home tab is built are dropped: nobody has opened it yet. */
export function homeChanges(): HomeChanges {
  let home: Pick<HomeTab, 'changed'> | undefined;
  return {
    changed: (why) => home?.changed(why),
    connect(h) {
      home = h;
    },
  };
}

/** The freeze store, saying each freeze added or ended. */
export function notifyingFreezes(store: FreezeStore, changes: HomeChanges): FreezeStore {
  return {
    list: (now) => store.list(now),
    async add(input) {
      const added = await store.add(input);
      changes.changed('freeze');
      return added;
    },
    async remove(envs, now) {
      const removed = await store.remove(envs, now);
      if (removed.length > 0) changes.changed('unfreeze');
      return removed;
    },
  };
}

/** The stage-lock announcer, saying each change of what holds a stage (a lock, a freeze…). */
export function notifyingAnnouncer(announcer: LockAnnouncer, changes: HomeChanges): LockAnnouncer {
  return {
    async changed(view) {
      await announcer.changed(view);
      changes.changed(`stage lock ${view.env.name}`);
    },
    waiting: (env, release) => announcer.waiting(env, release),
    settled: (notice, how) => announcer.settled(notice, how),
  };
}

/** The Home tab over the graph's services; closed with the process. */
export function buildHomeTab(
  a: Adapters,
  s: Omit<HomeTabDeps, 'config' | 'principals' | 'now' | 'store' | 'publish' | 'log'>,
  changes: HomeChanges,
): HomeTab {
  const home = createHomeTab({
    ...s,
    config: a.config,
    principals: a.slack.principals,
    now: a.now,
    store: createHomeTabStore(a.redis, a.prefix),
    publish: (user, view) => a.slack.publishHome(user, view),
    log: a.log,
  });
  changes.connect(home);
  a.closeables.add('home-tab', () => home.close());
  return home;
}
