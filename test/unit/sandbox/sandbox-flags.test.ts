import { describe, expect, it } from 'vitest';
import { parseSandboxFlags, SandboxFlagError } from '../../../src/sandbox/sandbox-flags.js';

const fails = (argv: string[]) => {
  try {
    parseSandboxFlags(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(SandboxFlagError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('npm run sandbox flags', () => {
  it('defaults to one in-process bot over HTTP', () => {
    expect(parseSandboxFlags([])).toEqual({ socketMode: false, redisCluster: false, help: false });
  });

  it('takes a local Redis Cluster, with no value', () => {
    expect(parseSandboxFlags(['--redis-cluster', '--socket-mode'])).toMatchObject({
      redisCluster: true,
      socketMode: true,
    });
    expect(fails(['--redis-cluster=yes'])).toMatch(/--redis-cluster takes no value/);
  });

  it('takes replicas and socket mode together, in either spelling', () => {
    expect(parseSandboxFlags(['--replicas', 'web=2,worker=3', '--socket-mode'])).toEqual({
      replicas: { web: 2, worker: 3 },
      socketMode: true,
      redisCluster: false,
      help: false,
    });
    expect(parseSandboxFlags(['--replicas=worker=1,web=1']).replicas).toEqual({
      web: 1,
      worker: 1,
    });
  });

  it('says what is wrong with --replicas and the accepted form', () => {
    const form = /accepted form is --replicas web=<n>,worker=<n>/;
    expect(fails(['--replicas', 'web=2,worker=x'])).toMatch(/worker=x: "x" is not a whole number/);
    expect(fails(['--replicas', 'web=2,worker=x'])).toMatch(form);
    expect(fails(['--replicas', 'web=2'])).toMatch(/missing worker=<n>/);
    expect(fails(['--replicas', 'web=0,worker=1'])).toMatch(/web=0 is out of range \(1 to 8\)/);
    expect(fails(['--replicas', 'web=1,worker=1,db=1'])).toMatch(/"db" is not a role/);
    expect(fails(['--replicas', 'web=1,web=2,worker=1'])).toMatch(/web is given twice/);
    expect(fails(['--replicas'])).toMatch(/--replicas needs a value/);
    expect(fails(['--replicas', '--socket-mode'])).toMatch(/--replicas needs a value/);
  });

  it('refuses an unknown argument with the usage', () => {
    const message = fails(['--replica', 'web=2,worker=2']);
    expect(message).toMatch(/unknown argument "--replica"/);
    expect(message).toMatch(/usage: npm run sandbox --/);
  });
});
