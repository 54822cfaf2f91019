// Background work in slices, with the event loop's I/O in between. A burst of work started
// together (the post-ack work of many commands; the AWS calls of many previews, or their answers
// coming back together) would otherwise run as one long stretch of JavaScript, and every Slack
// request arriving meanwhile would wait for its ack behind it. Work that awaits `nextTurn()` is
// let through in arrival order, never in the turn that asked, and only for about SLICE_MS of
// each turn of the loop: then the loop reads (and acks) what arrived, and the next slice goes on.
// Not one waiter per turn: under a burst of events every AWS call of every reaction would wait
// behind all the others, a turn each (bench/README.md, third round).
const SLICE_MS = 2;
const waiting: Array<() => void> = [];
let draining = false;

function drain(): void {
  const sliceEnds = performance.now() + SLICE_MS;
  // Each release runs as a microtask after the work released before it has taken its first
  // steps, so the clock is read between pieces of work, not before any of them ran.
  const release = (): void => {
    const next = waiting.shift();
    if (!next) {
      draining = false;
      return;
    }
    next();
    if (waiting.length === 0) draining = false;
    else if (performance.now() < sliceEnds) queueMicrotask(release);
    else setImmediate(drain);
  };
  release();
}

/** Resolves in a later turn of the event loop, after those who asked before. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  });
}

/** How many pieces of work wait for their turn (for tests and metrics). */
export function turnsWaiting(): number {
  return waiting.length;
}
