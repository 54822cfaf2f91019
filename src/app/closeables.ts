// What a process has opened, in start order, and the one way it is closed: the consumers first
// (every queue worker, the status follower, the poller), all at once, so each finishes its active
// job within its own bound instead of waiting for the others in turn; then everything else in
// reverse, so the queues and connections the consumers used go away after them. Each builder
// adds what it opens; a failure while closing one thing is logged and the rest still close.
import type { Logger } from '../log.js';

export interface CloseableOptions {
  /** Closed in the first round, in parallel with the other consumers (default false). */
  consumer?: boolean;
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
}

export function createCloseables(log: Logger): Closeables {
  const opened: Opened[] = [];
  let closing: Promise<void> | undefined;
  const closeOne = async (c: Opened) => {
    try {
      await c.close();
    } catch (err) {
      log.warn({ err, component: c.name }, 'error while closing');
    }
  };
  return {
    add(name, close, opts = {}) {
      opened.push({ name, close, consumer: opts.consumer ?? false });
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
