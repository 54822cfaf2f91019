// Acting on a failure comes before reporting on it. Work that leads to a rollback (reacting to
// an event, starting a rollback job) runs `urgently`; follow-up work (status messages, following
// a running rollback, timers) waits at its start with `afterUrgent()` until no urgent work runs
// in this process, or at most `maxWaitMs`, so that a burst of failures is acted on at once and
// reported a moment later instead of every step of both sharing the CPU. The wait is bounded:
// under a long burst follow-up work still runs, just later.
let running = 0;
const waiting = new Set<() => void>();

/** Runs `fn` as urgent work: follow-up work starting meanwhile waits for it. */
export async function urgently<T>(fn: () => Promise<T>): Promise<T> {
  running += 1;
  try {
    return await fn();
  } finally {
    running -= 1;
    if (running === 0) for (const wake of [...waiting]) wake();
  }
}

/** Resolves once no urgent work runs, or after `maxWaitMs`, whichever is first. */
export function afterUrgent(maxWaitMs = 2_000): Promise<void> {
  if (running === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      waiting.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, maxWaitMs);
    waiting.add(wake);
  });
}

/** How much urgent work runs now (for tests and metrics). */
export function urgentRunning(): number {
  return running;
}
