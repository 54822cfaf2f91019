// The deploy feed: one message per release, moved forward only. Events arrive at least once and
// out of order (SUCCEEDED before STARTED); a lower step never overwrites a higher one. Pure.
import type { EnvironmentConfig } from '../../config/config.js';

export type FeedStep =
  | 'started'
  | 'succeeded'
  | 'failed'
  | 'bake-passed'
  | 'bake-alarm'
  | 'aws-rolling-back'
  | 'rolled-back';

const RANK: Record<FeedStep, number> = {
  started: 1,
  succeeded: 2,
  failed: 3,
  'bake-passed': 3,
  'bake-alarm': 3,
  'aws-rolling-back': 4,
  'rolled-back': 5,
};

export function advancesFeed(previous: FeedStep | undefined, next: FeedStep): boolean {
  return previous === undefined || RANK[next] > RANK[previous];
}

/** off: nothing; quiet: one message per release, edited in place; verbose: also a thread reply per step. */
export function feedRepliesInThread(mode: EnvironmentConfig['feed'], step: FeedStep): boolean {
  return mode === 'verbose' && step !== 'started';
}
