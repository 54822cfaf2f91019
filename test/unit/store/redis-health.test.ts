// The outage log with a hand-turned clock: one line when Redis goes, at most one every `everyMs`
// while it stays away (with the failures each stands for), one when every connection is back.
// Then the health around it, fed the events an ioredis connection emits, logging through pino.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { isConnectionError } from '../../../src/store/redis-errors.js';
import {
  createOutageLog,
  createRedisHealth,
  lastRedisOutageAt,
  reportRedisErrors,
} from '../../../src/store/redis-health.js';

function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

describe('createOutageLog', () => {
  it('says down once, still down at most every everyMs with counts, and back once', () => {
    const c = clock();
    const log = createOutageLog({ now: c.now, everyMs: 5_000 });
    expect(log.failed('request#1', 'connection lost', false)).toEqual({
      kind: 'down',
      error: 'connection lost',
      connections: 1,
    });
    const notes = [];
    // Two connections failing every 100 ms for 12 s.
    for (let i = 0; i < 120; i++) {
      c.advance(100);
      notes.push(log.failed('request#1', 'ECONNREFUSED'), log.failed('worker#2', 'ECONNREFUSED'));
    }
    const said = notes.filter((n) => n !== undefined);
    expect(said).toEqual([
      {
        kind: 'still-down',
        error: 'ECONNREFUSED',
        downForMs: 5_000,
        failures: 99,
        suppressed: 98,
        connections: 2,
      },
      {
        kind: 'still-down',
        error: 'ECONNREFUSED',
        downForMs: 10_000,
        failures: 199,
        suppressed: 99,
        connections: 2,
      },
    ]);
    c.advance(300);
    // Not back while one connection is still down.
    expect(log.ready('request#1')).toBeUndefined();
    c.advance(200);
    expect(log.ready('worker#2')).toEqual({
      kind: 'back',
      downForMs: 12_500,
      failures: 240,
      // The 41 failures after the last "still" line.
      suppressed: 41,
    });
    expect(log.isDown()).toBe(false);
  });

  it('a ready connection that was never down says nothing', () => {
    const log = createOutageLog({ now: clock().now });
    expect(log.ready('request#1')).toBeUndefined();
  });

  it('opens no outage for a failure with no connection (BullMQ) while all are up', () => {
    const log = createOutageLog({ now: clock().now });
    expect(log.failed(undefined, 'Connection is closed.')).toBeUndefined();
    expect(log.isDown()).toBe(false);
  });

  it('counts failures with no connection into an open outage', () => {
    const c = clock();
    const log = createOutageLog({ now: c.now, everyMs: 1_000 });
    log.failed('worker#1', 'ECONNREFUSED');
    expect(log.failed(undefined, 'Connection is closed.')).toBeUndefined();
    c.advance(1_000);
    expect(log.failed(undefined, 'Connection is closed.')).toMatchObject({
      kind: 'still-down',
      failures: 3,
      suppressed: 1,
    });
  });

  it('ends quietly when the connections down are closed on purpose', () => {
    const c = clock();
    const log = createOutageLog({ now: c.now });
    log.failed('worker#1', 'ECONNREFUSED');
    log.ended('worker#1');
    expect(log.isDown()).toBe(false);
    // The next failure is a new outage, with its own "down" line.
    c.advance(60_000);
    expect(log.failed('worker#1', 'ECONNREFUSED')).toMatchObject({ kind: 'down' });
  });
});

describe('isConnectionError', () => {
  it('knows lost, refused and not-yet-ready connections from other errors', () => {
    expect(isConnectionError(refused())).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(
      isConnectionError(
        new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      ),
    ).toBe(true);
    expect(isConnectionError(new Error('LOADING Redis is loading the dataset in memory'))).toBe(
      true,
    );
    expect(isConnectionError(new Error('ERR unknown command'))).toBe(false);
    expect(isConnectionError(new Error('Missing lock for job 1. moveToFinished'))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });
});

/** A pino logger writing into an array of parsed lines. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

/** Stands in for an ioredis connection: the health only listens to its events. */
const fakeConnection = () => new EventEmitter() as unknown as Redis;

describe('createRedisHealth', () => {
  it('turns connection events into outage lines and keeps the time of the loss', () => {
    const c = clock(5_000_000);
    const { log, lines } = memoryLog();
    const health = createRedisHealth({ log, target: 'redis://:redacted@h:6379', now: c.now });
    const conn = fakeConnection();
    health.watch(conn, 'request');
    c.advance(10);
    conn.emit('reconnecting', 50);
    expect(lastRedisOutageAt()).toBe(5_000_010);
    for (let i = 0; i < 30; i++) {
      c.advance(200);
      conn.emit('error', refused());
    }
    expect(lastRedisOutageAt()).toBe(5_006_010);
    c.advance(100);
    conn.emit('ready');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'Redis is unreachable'],
      ['warn', 'Redis is still unreachable'],
      ['info', 'Redis is reachable again'],
    ]);
    expect(lines[0]).toMatchObject({ redis: 'redis://:redacted@h:6379', connections: 1 });
    expect(lines[2]).toMatchObject({ downForMs: 6_100, failures: 30, suppressed: 5 });
  });

  it('folds BullMQ connection errors into the outage; logs any other error once', () => {
    const { log, lines } = memoryLog();
    const health = createRedisHealth({ log, target: 'redis://h:6379' });
    const conn = fakeConnection();
    health.watch(conn, 'worker');
    const worker = new EventEmitter();
    const other: Error[] = [];
    reportRedisErrors(worker, conn, 'rollback-worker', (err) => other.push(err));
    conn.emit('error', refused());
    for (let i = 0; i < 20; i++) worker.emit('error', refused());
    worker.emit('error', new Error('Missing lock for job 1'));
    expect(lines.map((l) => l.msg)).toEqual(['Redis is unreachable']);
    expect(other.map((e) => e.message)).toEqual(['Missing lock for job 1']);
    conn.emit('ready');
    // With every connection up, a connection error from BullMQ is its own line again.
    worker.emit('error', new Error('Connection is closed.'));
    expect(other.map((e) => e.message)).toEqual([
      'Missing lock for job 1',
      'Connection is closed.',
    ]);
  });

  it('without `other`, logs the error once as the component', () => {
    const { log, lines } = memoryLog();
    const health = createRedisHealth({ log, target: 'redis://h:6379' });
    const conn = fakeConnection();
    health.watch(conn, 'request');
    const queue = new EventEmitter();
    reportRedisErrors(queue, conn, 'events-queue');
    queue.emit('error', new Error('ERR something odd'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        component: 'events-queue',
        msg: 'events-queue error',
        err: expect.objectContaining({ message: 'ERR something odd' }),
      }),
    ]);
  });
});
