// Paces the work listeners do after `ack()`: it starts in arrival order, one listener per turn of
// the event loop (src/runtime/turns.ts), never in the turn that acked, so incoming requests are
// read and acked in between.
import { nextTurn } from '../../runtime/turns.js';

/** Resolves when this listener's post-ack work may start (never in the turn that acked). */
export function afterAck(): Promise<void> {
  return nextTurn();
}
