// Under `npm run test:node26` (scripts/test-node26.mjs sets EXPECT_NODE_VERSION), the tests run on
// that Node: vitest's workers, and the processes tests start with process.execPath (the bot in
// bot-process.ts) or by the name `node`. Skipped under plain `npm test`, which runs the
// machine's Node.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const expected = process.env.EXPECT_NODE_VERSION;

describe.runIf(expected)('the Node the suite was asked to run on', () => {
  it('runs the workers and their child processes', () => {
    expect(process.version).toBe(expected);
    const child = (cmd: string) =>
      execFileSync(cmd, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    expect(child(process.execPath)).toBe(expected);
    expect(child('node')).toBe(expected);
  });
});
