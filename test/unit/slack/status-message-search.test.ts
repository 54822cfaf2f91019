import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  type ConversationPage,
  type ConversationReader,
  compareTs,
  createStatusMessageSearch,
  mayHavePosted,
  slackTs,
  statusMessagesByRequest,
  statusMetadata,
  watchRedisOutages,
} from '../../../src/slack/status-message-search.js';

const status = (ts: string, requestId: string, extra: Record<string, unknown> = {}) => ({
  ts,
  bot_id: 'B0ROLLBOT',
  metadata: statusMetadata(requestId),
  ...extra,
});

describe('status message metadata', () => {
  it('names the request under one event type', () => {
    expect(statusMetadata('01J0REQ')).toEqual({
      event_type: 'rollback_request_status',
      event_payload: { request_id: '01J0REQ' },
    });
  });

  it('finds each request’s messages, oldest first, ignoring people and other metadata', () => {
    const found = statusMessagesByRequest([
      status('1700000002.000200', 'A'),
      status('1700000001.000100', 'A'),
      status('1700000003.000000', 'B'),
      { ts: '1700000004.000000', metadata: statusMetadata('C') }, // not from an app
      {
        ts: '1700000005.000000',
        bot_id: 'B1',
        metadata: { event_type: 'other', event_payload: {} },
      },
      { ts: '1700000006.000000', bot_id: 'B1' },
    ]);
    expect(Object.fromEntries(found)).toEqual({
      A: ['1700000001.000100', '1700000002.000200'],
      B: ['1700000003.000000'],
    });
  });
});

describe('Slack timestamps', () => {
  it('writes a time in ms as seconds.micros', () => {
    expect(slackTs(1_700_000_000_123)).toBe('1700000000.123000');
    expect(slackTs(1_700_000_000_000)).toBe('1700000000.000000');
  });

  it('orders ts values exactly, beyond what a double holds', () => {
    expect(compareTs('1700000000.000001', '1700000000.000002')).toBe(-1);
    expect(compareTs('1700000001.000000', '1700000000.999999')).toBe(1);
    expect(compareTs('1700000000.5', '1700000000.500000')).toBe(0);
    expect(['3.000000', '1.000002', '1.000001'].sort(compareTs)).toEqual([
      '1.000001',
      '1.000002',
      '3.000000',
    ]);
  });
});

describe('mayHavePosted', () => {
  it('is false in normal times: the request is newer than any possible loss', () => {
    expect(mayHavePosted({ createdAt: 10_000, lossEpoch: 1_000 })).toBe(false);
  });

  it('is true for a request older than the last outage or this process’s start', () => {
    expect(mayHavePosted({ createdAt: 1_000, lossEpoch: 2_000 })).toBe(true);
    // Made by a host whose clock runs a little ahead.
    expect(mayHavePosted({ createdAt: 4_000, lossEpoch: 2_000 })).toBe(false);
    expect(mayHavePosted({ createdAt: 4_000, lossEpoch: 2_000, skewMs: 5_000 })).toBe(true);
  });

  it('is false once Slack was searched after that moment, true again after a newer one', () => {
    expect(mayHavePosted({ createdAt: 1_000, searchedAt: 2_500, lossEpoch: 2_000 })).toBe(false);
    expect(mayHavePosted({ createdAt: 1_000, searchedAt: 2_500, lossEpoch: 3_000 })).toBe(true);
  });

  it('is true whenever a post began and stored no ts', () => {
    expect(mayHavePosted({ createdAt: 9_000, postingSince: 9_100, lossEpoch: 1_000 })).toBe(true);
  });
});

describe('watchRedisOutages', () => {
  it('moves to when the connection dropped, then to when it came back', () => {
    const connection = new EventEmitter();
    let now = 100;
    const lastOutageAt = watchRedisOutages(connection, () => now);
    connection.emit('ready');
    expect(lastOutageAt()).toBeUndefined();
    now = 200;
    connection.emit('close');
    expect(lastOutageAt()).toBe(200);
    now = 300;
    connection.emit('ready');
    expect(lastOutageAt()).toBe(300);
    now = 400;
    connection.emit('ready');
    expect(lastOutageAt()).toBe(300);
  });
});

/** A channel of pages; each call answers the next page. */
function reader(pages: ConversationPage[]) {
  const calls: Array<{ method: string; args: Record<string, unknown> }> = [];
  let i = 0;
  const next = async (method: string, args: Record<string, unknown>) => {
    calls.push({ method, args });
    return pages[i++] ?? { messages: [], has_more: false };
  };
  const client: ConversationReader = {
    conversations: {
      history: (args) => next('history', args as never),
      replies: (args) => next('replies', args as never),
    },
  };
  return { client, calls };
}

describe('createStatusMessageSearch', () => {
  it('reads the channel from before the request, with metadata, following the cursor', async () => {
    const { client, calls } = reader([
      {
        messages: [status('1700000100.000000', 'OTHER')],
        has_more: true,
        response_metadata: { next_cursor: 'bmV4dA==' },
      },
      { messages: [status('1700000200.000000', 'R1')], has_more: false },
    ]);
    const search = createStatusMessageSearch({ client, now: () => 5_000, pageSize: 1 });
    const found = await search.find({
      requestId: 'R1',
      channel: 'C1',
      since: 1_700_000_000_000,
      notBefore: 0,
    });
    expect(found).toEqual({ ts: ['1700000200.000000'], complete: true });
    expect(calls).toEqual([
      {
        method: 'history',
        args: { channel: 'C1', oldest: '1700000000.000000', limit: 1, include_all_metadata: true },
      },
      {
        method: 'history',
        args: {
          channel: 'C1',
          oldest: '1700000000.000000',
          limit: 1,
          include_all_metadata: true,
          cursor: 'bmV4dA==',
        },
      },
    ]);
  });

  it('reads a thread with conversations.replies', async () => {
    const { client, calls } = reader([{ messages: [status('1.000002', 'R1')], has_more: false }]);
    const search = createStatusMessageSearch({ client, now: () => 5_000 });
    const found = await search.find({
      requestId: 'R1',
      channel: 'C1',
      threadTs: '1.000001',
      since: 0,
      notBefore: 0,
    });
    expect(found.ts).toEqual(['1.000002']);
    expect(calls.map((c) => [c.method, c.args.ts])).toEqual([['replies', '1.000001']]);
  });

  it('says when it stopped at its page bound', async () => {
    const more = { messages: [], has_more: true, response_metadata: { next_cursor: 'x' } };
    const { client, calls } = reader([more, more, more]);
    const search = createStatusMessageSearch({ client, now: () => 5_000, maxPages: 2 });
    const found = await search.find({ requestId: 'R1', channel: 'C1', since: 0, notBefore: 0 });
    expect(found).toEqual({ ts: [], complete: false });
    expect(calls).toHaveLength(2);
  });

  it('serves one scan to every request of the channel it covers, not to a later loss', async () => {
    const { client, calls } = reader([
      { messages: [status('1.1', 'R1'), status('1.2', 'R2')], has_more: false },
      { messages: [], has_more: false },
      { messages: [], has_more: false },
    ]);
    let now = 5_000;
    const search = createStatusMessageSearch({ client, now: () => now });
    const one = { channel: 'C1', since: 1_000, notBefore: 4_000 };
    expect((await search.find({ ...one, requestId: 'R1' })).ts).toEqual(['1.1']);
    expect((await search.find({ ...one, requestId: 'R2', since: 2_000 })).ts).toEqual(['1.2']);
    expect((await search.find({ ...one, requestId: 'R3', since: 3_000 })).ts).toEqual([]);
    expect(calls).toHaveLength(1);
    // Older than the scan's window, or after a newer loss: read again.
    await search.find({ ...one, requestId: 'R4', since: 500 });
    now = 7_000;
    await search.find({ ...one, requestId: 'R5', since: 2_000, notBefore: 6_000 });
    expect(calls).toHaveLength(3);
  });

  it('shares a failure with the requests that waited on the scan, then reads again', async () => {
    let fail = true;
    const client: ConversationReader = {
      conversations: {
        history: async () => {
          if (fail) throw Object.assign(new Error('missing_scope'), { code: 'x' });
          return { messages: [], has_more: false };
        },
        replies: async () => ({ messages: [] }),
      },
    };
    const search = createStatusMessageSearch({ client, now: () => 5_000 });
    const p = { channel: 'C1', since: 0, notBefore: 0 };
    await expect(search.find({ ...p, requestId: 'R1' })).rejects.toThrow('missing_scope');
    fail = false;
    await expect(search.find({ ...p, requestId: 'R1' })).resolves.toEqual({
      ts: [],
      complete: true,
    });
  });
});
