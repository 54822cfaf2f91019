import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../../src/domain/reactions');
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('reaction decisions stay pure', () => {
  it('has sources to check', () => {
    expect(sources.length).toBeGreaterThanOrEqual(7);
  });

  it.each(sources)('%s reads no clock and does no I/O', (file) => {
    const code = readFileSync(join(dir, file), 'utf8');
    expect(code).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now\(/);
    expect(code).not.toMatch(
      /from 'node:|from '(fs|net|http|https|ioredis|bullmq|@aws-sdk|@slack)/,
    );
    expect(code).not.toMatch(
      /from '\.\.\/\.\.\/(aws|store|slack|jobs|services|events|reactions)\//,
    );
  });
});
