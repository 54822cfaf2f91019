// What a process has opened, in start order, and the one way it is closed: in reverse, so workers
// finish their active job before the queues and connections they use go away. Each builder adds
// what it opens; a failure while closing one thing is logged and the rest still close.
import type { Logger } from '../log.js';

export interface Closeables {
  add(name: string, close: () => Promise<void> | void): void;
  /** Closes everything added, newest first; once (later calls wait for the first). */
  closeAll(): Promise<void>;
}

export function createCloseables(log: Logger): Closeables {
  const opened: Array<{ name: string; close: () => Promise<void> | void }> = [];
  let closing: Promise<void> | undefined;
  return {
    add(name, close) {
      opened.push({ name, close });
    },
    closeAll() {
      closing ??= (async () => {
        for (const c of [...opened].reverse()) {
          try {
            await c.close();
          } catch (err) {
            log.warn({ err, component: c.name }, 'error while closing');
          }
        }
      })();
      return closing;
    },
  };
}
