// Identical work running at the same time, done once: callers with the same key while one runs
// get its promise. Only while it runs: once settled, the next call starts afresh, so nothing
// finished is ever reused.
export function sharedWhileRunning<T>(): (key: string, start: () => Promise<T>) => Promise<T> {
  const running = new Map<string, Promise<T>>();
  return (key, start) => {
    const current = running.get(key);
    if (current) return current;
    const work = start().finally(() => running.delete(key));
    running.set(key, work);
    return work;
  };
}
