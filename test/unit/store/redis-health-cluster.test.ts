// The health watching a cluster client, fed the events an ioredis Cluster emits: a lost node is
// one outage however often its connections come and go, and ends when the slot map drops it (a
// replica took over) or a connection to it is ready again; a failover's answers (UNBLOCKED…) to
// every blocked worker are one "failing over" line, not an error per worker.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { type Cluster, ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createRedisHealth, reportRedisErrors } from '../../../src/store/redis-health.js';

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

/** Stands in for an ioredis Cluster: its events, and the slot map as "host:port" per slot. */
function fakeCluster(slots: string[][]) {
  return Object.assign(new EventEmitter(), { isCluster: true, slots }) as unknown as Cluster & {
    slots: string[][];
  };
}

/** A node connection as '+node' hands it over. */
const fakeNode = (host: string, port: number) =>
  Object.assign(new EventEmitter(), { options: { host, port } });

const refused = (address: string) =>
  Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });

describe('createRedisHealth on a cluster client', () => {
  it('one outage per lost node, ended when the slot map no longer names it', () => {
    let t = 1_000;
    const { log, lines } = memoryLog();
    const health = createRedisHealth({ log, target: 'redis://a:1', now: () => t });
    const cluster = fakeCluster([['a:1', 'b:2']]);
    health.watch(cluster, 'request');
    for (let i = 0; i < 10; i++) {
      t += 100;
      // Each attempt is a fresh node connection: added, failing, dropped.
      cluster.emit('+node', fakeNode('a', 1));
      cluster.emit('node error', refused('a:1'), 'a:1');
      cluster.emit('-node', fakeNode('a', 1));
    }
    // Still in the slot map: still down.
    cluster.emit('refresh');
    expect(lines.map((l) => l.msg)).toEqual(['Redis is unreachable']);
    // The replica took over: the map names b:2 only.
    cluster.slots[0] = ['b:2'];
    t += 100;
    cluster.emit('refresh');
    expect(lines.map((l) => l.msg)).toEqual(['Redis is unreachable', 'Redis is reachable again']);
    expect(lines[1]).toMatchObject({ downForMs: 1_000, failures: 10 });
  });

  it('ends a node outage when a connection to that node is ready again', () => {
    const { log, lines } = memoryLog();
    const health = createRedisHealth({ log, target: 'redis://a:1' });
    const cluster = fakeCluster([['a:1']]);
    health.watch(cluster, 'worker');
    const node = fakeNode('a', 1);
    cluster.emit('+node', node);
    cluster.emit('node error', refused('a:1'), 'a:1');
    node.emit('ready');
    expect(lines.map((l) => l.msg)).toEqual(['Redis is unreachable', 'Redis is reachable again']);
  });

  it('folds the failover answers of every worker into one line every few seconds', () => {
    let t = 0;
    const { log, lines } = memoryLog();
    const health = createRedisHealth({ log, target: 'redis://a:1', now: () => t, everyMs: 5_000 });
    const cluster = fakeCluster([['a:1']]);
    health.watch(cluster, 'worker');
    const other: Error[] = [];
    const workers = Array.from({ length: 7 }, () => new EventEmitter());
    for (const w of workers) reportRedisErrors(w, cluster, 'worker', (err) => other.push(err));
    const unblocked = () =>
      new ReplyError(
        'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)',
      );
    for (const w of workers) w.emit('error', unblocked());
    t += 6_000;
    workers[0]!.emit('error', unblocked());
    expect(other).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual([
      'Redis Cluster is failing over: commands are retried',
      'Redis Cluster is failing over: commands are retried',
    ]);
    // Any other error is still the worker's own.
    workers[0]!.emit('error', new Error('Missing lock for job 1'));
    expect(other.map((e) => e.message)).toEqual(['Missing lock for job 1']);
  });
});
