// Bolt's logger over ours formats a message only when its level is on: Bolt and the Web API
// client log objects at debug on every request and call.
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { boltLogger } from '../../../src/slack/bolt-logger.js';

it('formats nothing below the level, and logs what is at or above it', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = boltLogger(createLogger('warn', sink));
  let formatted = 0;
  const costly = {
    toJSON() {
      formatted += 1;
      return { big: true };
    },
  };
  log.debug('request body', costly);
  log.info('received', costly);
  expect(formatted).toBe(0);
  log.warn('refused', costly);
  expect(formatted).toBe(1);
  expect(lines.join('')).toContain('refused {\\"big\\":true}');
});
