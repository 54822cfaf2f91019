// What a process has opened, in start order, and the one way it is closed: the consumers first
// (every queue worker, the status follower, the poller), all at once, so each finishes its active
// job within its own bound instead of waiting for the others in turn; then everything else in
// reverse, so the queues and connections the consumers used go away after them. Each builder
// adds what it opens; a failure while closing one thing is logged and the rest still close, and
// one given a bound is waited for no longer than that.
import type { Logger } from '../log.js';
import { settledWithin } from '../runtime/deadline.js';

export interface CloseableOptions {
  /** Closed in the first round, in parallel with the other consumers (default false). */
  consumer?: boolean;
  /**
   * The longest the stop waits for it (ms); past that it is left to finish on its own, with a
   * warning. Default: no bound.
   */
  waitAtMostMs?: number;
}

export interface Closeables {
  add(name: string, close: () => Promise<void> | void, opts?: CloseableOptions): void;
  /** Closes the consumers together, then the rest newest first; once (later calls wait). */
  closeAll(): Promise<void>;
}

interface Opened {
  name: string;
  close: () => Promise<void> | void;
  consumer: boolean;
  waitAtMostMs?: number;
}

export function createCloseables(log: Logger): Closeables {
  const opened: Opened[] = [];
  let closing: Promise<void> | undefined;
  const closeOne = async (c: Opened) => {
    try {
      const closing = Promise.resolve(c.close());
      if (c.waitAtMostMs === undefined) await closing;
      else if (!(await settledWithin(closing, c.waitAtMostMs))) {
        closing.catch((err: unknown) =>
          log.warn({ err, component: c.name }, 'error while closing'),
        );
        log.warn(
          { component: c.name, waitedMs: c.waitAtMostMs },
          'still closing: stop goes on without it',
        );
      }
    } catch (err) {
      log.warn({ err, component: c.name }, 'error while closing');
    }
  };
  return {
    add(name, close, opts = {}) {
      opened.push({
        name,
        close,
        consumer: opts.consumer ?? false,
        waitAtMostMs: opts.waitAtMostMs,
      });
    },
    closeAll() {
      closing ??= (async () => {
        await Promise.all(opened.filter((c) => c.consumer).map(closeOne));
        for (const c of [...opened].reverse()) if (!c.consumer) await closeOne(c);
      })();
      return closing;
    },
  };
}
