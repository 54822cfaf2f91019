// Paces the work listeners do after `ack()`. A burst of commands or clicks would otherwise start
// all their work (Redis reads, AWS requests signed and sent, Slack calls) in one turn of the event
// loop, and the acks of the requests still arriving would wait behind it. Work starts in arrival
// order, one piece per turn of the loop, so incoming requests are read and acked in between. Only
// the start is paced: once started, work runs as concurrently as before.
const waiting: Array<() => void> = [];
let draining = false;

function drain(): void {
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(drain);
  else draining = false;
}

/** Resolves when this listener's post-ack work may start (never in the turn that acked). */
export function afterAck(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  });
}
