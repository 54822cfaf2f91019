// How the Redis door recognises a lost connection: by code, by ioredis's own words, and by a Node
// network code standing as a word of its own, never by a code hidden inside another word (the
// #19 bug: "epipe" inside "codepipeline").
import { describe, expect, it } from 'vitest';
import { isConnectionError } from '../../../src/store/redis-errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
  it('knows a lost connection by its Node code or by ioredis words', () => {
    expect(isConnectionError(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'))).toBe(
      true,
    );
    expect(isConnectionError(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error('Command timed out'))).toBe(true);
  });

  it('does not take a code inside another word for a lost connection', () => {
    expect(isConnectionError(new Error('User is not authorized on arn:aws:CODEPIPELINE:x'))).toBe(
      false,
    );
    expect(isConnectionError(new Error('THEPIPE broke: EPIPELINE'))).toBe(false);
    expect(isConnectionError(new Error('AccessDenied'))).toBe(false);
    expect(isConnectionError('ECONNRESET')).toBe(false);
  });
});
