// One piece of background work per turn of the event loop. A burst of work started together
// (the post-ack work of many commands; the AWS calls of many previews, or their answers coming
// back together) would otherwise run as one long stretch of JavaScript, and every Slack request
// arriving meanwhile would wait for its ack behind it. Work that awaits `nextTurn()` is let
// through one waiter per turn, in arrival order, so the loop reads and acks incoming requests
// between pieces. Only the start of each piece is paced; nothing waits for a timer, and an idle
// process loses a few microseconds per piece.
const waiting: Array<() => void> = [];
let draining = false;

function drain(): void {
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(drain);
  else draining = false;
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

/**
 * `fetch` that sends in a turn of its own and hands the answer back in another: for the Slack
 * clients (WebClient's and Bolt's `fetch` option), like the AWS clients' middleware.
 */
export const turnTakingFetch: typeof fetch = async (input, init) => {
  await nextTurn();
  const answer = await fetch(input, init);
  await nextTurn();
  return answer;
};
