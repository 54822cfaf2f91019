import { describe, expect, it } from 'vitest';
import { historyPage, repliesPage, tsMicros } from '../../../../src/sandbox/slack/history.js';
import type { Message } from '../../../../src/sandbox/slack/state.js';

const msg = (ts: string, thread_ts?: string): Message => ({
  channel: 'C1',
  ts,
  text: ts,
  blocks: [],
  user: 'U1',
  source: 'api',
  ...(thread_ts ? { thread_ts } : {}),
});

// Oldest first, as the workspace state holds them.
const channel = ['10.000001', '10.000002', '11.000000', '12.000000', '13.000000'].map((ts) =>
  msg(ts),
);
const tsOf = (page: ReturnType<typeof historyPage>) =>
  page.ok ? page.messages.map((m) => m.ts) : page.error;

describe('tsMicros', () => {
  it('reads Slack ts values exactly', () => {
    expect(tsMicros('1700000000.000001')).toBe(1_700_000_000_000_001n);
    expect(tsMicros('1700000000')).toBe(1_700_000_000_000_000n);
    expect(tsMicros('1700000000.5')).toBe(1_700_000_000_500_000n);
    expect(tsMicros('soon')).toBeUndefined();
  });
});

describe('conversations.history pages', () => {
  it('answers the newest messages first, and pages back in time', () => {
    const first = historyPage(channel, { limit: '2' });
    expect(tsOf(first)).toEqual(['13.000000', '12.000000']);
    if (!first.ok) throw new Error(first.error);
    expect(first.hasMore).toBe(true);
    const second = historyPage(channel, { limit: '2', cursor: first.nextCursor });
    expect(tsOf(second)).toEqual(['11.000000', '10.000002']);
  });

  it('with oldest alone, answers the messages just after it and pages forward', () => {
    const first = historyPage(channel, { oldest: '10.000001', limit: 2 });
    expect(tsOf(first)).toEqual(['11.000000', '10.000002']);
    if (!first.ok) throw new Error(first.error);
    const second = historyPage(channel, {
      oldest: '10.000001',
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(tsOf(second)).toEqual(['13.000000', '12.000000']);
    expect(second.ok && second.hasMore).toBe(false);
    expect(second.ok && second.nextCursor).toBe('');
  });

  it('keeps to oldest and latest, inclusive only when asked', () => {
    expect(tsOf(historyPage(channel, { oldest: '11', latest: '13' }))).toEqual(['12.000000']);
    expect(tsOf(historyPage(channel, { oldest: '11', latest: '13', inclusive: 'true' }))).toEqual([
      '13.000000',
      '12.000000',
      '11.000000',
    ]);
  });

  it('refuses a bad cursor or timestamp with Slack’s codes', () => {
    expect(tsOf(historyPage(channel, { cursor: 'bm9wZQ==' }))).toBe('invalid_cursor');
    expect(tsOf(historyPage(channel, { oldest: 'yesterday' }))).toBe('invalid_ts_oldest');
    expect(tsOf(historyPage(channel, { latest: 'soon' }))).toBe('invalid_ts_latest');
  });
});

describe('conversations.replies pages', () => {
  const thread = [msg('10.000000'), msg('11.000000', '10.000000'), msg('12.000000', '10.000000')];

  it('answers the parent first, then the replies in the window, oldest first', () => {
    expect(tsOf(repliesPage(thread, {}))).toEqual(['10.000000', '11.000000', '12.000000']);
    expect(tsOf(repliesPage(thread, { oldest: '11' }))).toEqual(['10.000000', '12.000000']);
    const first = repliesPage(thread, { limit: 1 });
    expect(tsOf(first)).toEqual(['10.000000', '11.000000']);
    if (!first.ok) throw new Error(first.error);
    expect(tsOf(repliesPage(thread, { limit: 1, cursor: first.nextCursor }))).toEqual([
      '10.000000',
      '12.000000',
    ]);
  });
});
