// How every adapter sends: one SDK call with its failure wrapped once as a coded error
// (aws-errors.ts), and the pages of an SDK paginator (never a hand-written token loop), asked of
// a caller's call budget page by page.
import { toAwsCallError } from './aws-errors.js';
import type { AwsResource } from './aws-permissions.js';

/**
 * A caller's hook into a read (the poller's per-tick budget): asked before each AWS call. A read
 * given one answers `T | undefined`; a read without one answers `T` (see `NoBudget`).
 */
export interface CallBudget {
  /** False stops the read, which then answers undefined: all or nothing, never a part. */
  mayCall: () => boolean;
}

/** The options of a read given no budget, so it always answers. */
export interface NoBudget {
  mayCall?: never;
}

/** `run` (one SDK call), its failure as an AwsCallError naming the operation and resource. */
export async function awsCall<T>(
  operation: string,
  on: AwsResource,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toAwsCallError(err, operation, on);
  }
}

export interface PagesOptions<P> {
  /** Whether AWS named a next page (the page's next token). */
  hasNext: (page: P) => boolean;
  /** Whether the pages read so far are enough: no further page is asked for. */
  enough?: (pages: readonly P[]) => boolean;
}

/**
 * The pages of an SDK paginator (`paginateX({ client }, input)`), read until AWS names no next
 * page or `enough` says so. The paginator sends through the client it was given, so a read
 * scope's client (read-scope.ts) shares its pages too. Undefined when `mayCall` refused a call.
 */
export async function readPages<P>(
  operation: string,
  on: AwsResource,
  pages: AsyncIterable<P>,
  opts: PagesOptions<P> & NoBudget,
): Promise<P[]>;
export async function readPages<P>(
  operation: string,
  on: AwsResource,
  pages: AsyncIterable<P>,
  opts: PagesOptions<P> & Partial<CallBudget>,
): Promise<P[] | undefined>;
export async function readPages<P>(
  operation: string,
  on: AwsResource,
  pages: AsyncIterable<P>,
  opts: PagesOptions<P> & Partial<CallBudget>,
): Promise<P[] | undefined> {
  const read: P[] = [];
  const mayCall = opts.mayCall ?? (() => true);
  if (!mayCall()) return undefined;
  try {
    for await (const page of pages) {
      read.push(page);
      if (!opts.hasNext(page) || opts.enough?.(read)) break;
      if (!mayCall()) return undefined;
    }
  } catch (err) {
    throw toAwsCallError(err, operation, on);
  }
  return read;
}
