// Simulated time. Nothing in the model reads the wall clock: work is scheduled at a simulated
// instant and runs, in order, when time is advanced (manually, or by the real-time ticker).

interface Task {
  at: number;
  seq: number;
  run: () => void;
}

export class SimClock {
  private current: number;
  private seq = 0;
  private tasks: Task[] = [];

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  date(): Date {
    return new Date(this.current);
  }

  /** Sets the clock (used when a world is loaded); pending work is dropped. */
  reset(startMs: number): void {
    this.current = startMs;
    this.tasks = [];
  }

  schedule(delayMs: number, run: () => void): void {
    this.tasks.push({ at: this.current + Math.max(0, delayMs), seq: this.seq++, run });
  }

  pending(): number {
    return this.tasks.length;
  }

  /** Runs every task due within `ms`, each at its own instant, then lands on now + ms. */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.run();
    }
    this.current = target;
  }

  /** Advances to each next task until none is left (bounded, so a loop cannot hang a test). */
  runUntilIdle(maxTasks = 10_000): void {
    for (let i = 0; i < maxTasks; i++) {
      const next = this.nextDue(Number.POSITIVE_INFINITY);
      if (!next) return;
      this.current = Math.max(this.current, next.at);
      next.run();
    }
    throw new Error(`runUntilIdle: still busy after ${maxTasks} tasks`);
  }

  private nextDue(limit: number): Task | undefined {
    let best = -1;
    for (let i = 0; i < this.tasks.length; i++) {
      const t = this.tasks[i]!;
      if (t.at > limit) continue;
      const b = best >= 0 ? this.tasks[best]! : undefined;
      if (!b || t.at < b.at || (t.at === b.at && t.seq < b.seq)) best = i;
    }
    if (best < 0) return undefined;
    return this.tasks.splice(best, 1)[0];
  }
}
