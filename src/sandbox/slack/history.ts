// conversations.history and conversations.replies as Slack pages them: `oldest` / `latest` /
// `inclusive` bounds, `limit`, and an opaque `cursor`.
import type { Message } from './state.js';

type Args = Record<string, unknown>;

export type Page =
  | { ok: true; messages: Message[]; hasMore: boolean; nextCursor: string }
  | { ok: false; error: string };

/** conversations.history: 100 by default, at most 999 (Slack's documented limits). */
export const HISTORY_LIMITS = { byDefault: 100, max: 999 };
/** conversations.replies: 1000 by default and at most. */
export const REPLIES_LIMITS = { byDefault: 1000, max: 1000 };

/** A Slack ts ("1700000000.000100", or "1700000000") as integer microseconds, compared exactly. */
export function tsMicros(ts: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(ts.trim());
  if (!m) return undefined;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

const encodeCursor = (micros: bigint) => Buffer.from(`next_ts:${micros}`).toString('base64');

function decodeCursor(cursor: string): bigint | undefined {
  const m = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? BigInt(m[1]!) : undefined;
}

interface Window {
  oldest?: bigint;
  latest?: bigint;
  inclusive: boolean;
  limit: number;
  cursor?: bigint;
}

function windowOf(args: Args, limits: { byDefault: number; max: number }): Window | string {
  const oldestText = text(args.oldest);
  const latestText = text(args.latest);
  const oldest = oldestText === undefined ? undefined : tsMicros(oldestText);
  const latest = latestText === undefined ? undefined : tsMicros(latestText);
  if (oldestText !== undefined && oldest === undefined) return 'invalid_ts_oldest';
  if (latestText !== undefined && latest === undefined) return 'invalid_ts_latest';
  const cursorText = text(args.cursor);
  const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursorText !== undefined && cursor === undefined) return 'invalid_cursor';
  const asked = Number(text(args.limit) ?? limits.byDefault);
  const limit =
    Number.isInteger(asked) && asked > 0 ? Math.min(asked, limits.max) : limits.byDefault;
  const inclusive = ['true', '1'].includes(String(args.inclusive));
  return {
    ...(oldest !== undefined ? { oldest } : {}),
    ...(latest !== undefined ? { latest } : {}),
    inclusive,
    limit,
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

function within(w: Window, micros: bigint): boolean {
  if (w.oldest !== undefined && (w.inclusive ? micros < w.oldest : micros <= w.oldest)) {
    return false;
  }
  if (w.latest !== undefined && (w.inclusive ? micros > w.latest : micros >= w.latest)) {
    return false;
  }
  return true;
}

function micros(m: Message): bigint {
  return tsMicros(m.ts) ?? 0n;
}

/**
 * One page of `all` (oldest first) as conversations.history answers it, newest first. With
 * `oldest` alone Slack answers the messages just after it and the cursor moves forward in time;
 * otherwise the newest ones before `latest` (default: now), and the cursor moves back.
 */
export function historyPage(all: readonly Message[], args: Args): Page {
  const w = windowOf(args, HISTORY_LIMITS);
  if (typeof w === 'string') return { ok: false, error: w };
  const forward = w.oldest !== undefined && w.latest === undefined;
  const inWindow = all.filter((m) => within(w, micros(m)));
  const ordered = forward ? inWindow : [...inWindow].reverse();
  const after =
    w.cursor === undefined
      ? ordered
      : ordered.filter((m) => (forward ? micros(m) > w.cursor! : micros(m) < w.cursor!));
  const page = after.slice(0, w.limit);
  const hasMore = after.length > page.length;
  const last = page[page.length - 1];
  return {
    ok: true,
    messages: forward ? page.reverse() : page,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(micros(last)) : '',
  };
}

/**
 * One page of a thread as conversations.replies answers it, oldest first: the parent always
 * first, then the replies inside the bounds; the cursor moves forward in time.
 */
export function repliesPage(thread: readonly Message[], args: Args): Page {
  const w = windowOf(args, REPLIES_LIMITS);
  if (typeof w === 'string') return { ok: false, error: w };
  const [parent, ...replies] = thread;
  if (!parent) return { ok: false, error: 'thread_not_found' };
  const after = replies.filter(
    (m) => within(w, micros(m)) && (w.cursor === undefined || micros(m) > w.cursor),
  );
  const page = after.slice(0, w.limit);
  const hasMore = after.length > page.length;
  const last = page[page.length - 1];
  return {
    ok: true,
    messages: [parent, ...page],
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(micros(last)) : '',
  };
}
