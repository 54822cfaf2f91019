// The stores' Lua files (src/store/lua) against their contract: each has a header saying what its
// KEYS and ARGV are and what it returns, takes the number of KEYS its name says, is registered in
// scripts.ts, and compiles on a real Redis.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

const dir = new URL('../../../src/store/lua/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.lua'));
const registry = readFileSync(new URL('../../../src/store/scripts.ts', import.meta.url), 'utf8');

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

describe.each(files)('%s', (file) => {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const lines = text.split('\n');
  const header = lines.filter((l) => l.startsWith('--')).join('\n');
  const body = lines.filter((l) => !l.startsWith('--')).join('\n');

  it('says what its KEYS and ARGV are and what it returns', () => {
    expect(header).toMatch(/^-- KEYS\[1(\.\.n)?\]/m);
    expect(header).toMatch(/^-- ARGV\[1\]/m);
    expect(header).toMatch(/^-- Returns /m);
  });

  it('uses the KEYS its name says (a name without a count takes any number)', () => {
    const count = /-(\d+)\.lua$/.exec(file)?.[1];
    const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
    if (count) expect(Math.max(...used)).toBe(Number(count));
    else expect(body).toMatch(/ipairs\(KEYS\)/);
  });

  it('is registered once in scripts.ts', () => {
    expect(registry.split(`'${file.replace(/\.lua$/, '')}'`)).toHaveLength(2);
  });

  it('compiles', async () => {
    await expect(redis.script('LOAD', text)).resolves.toMatch(/^[0-9a-f]{40}$/);
  });
});
