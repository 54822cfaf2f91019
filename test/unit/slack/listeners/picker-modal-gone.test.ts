import { ErrorCode } from '@slack/web-api';
import { expect, it } from 'vitest';
import { modalGone } from '../../../../src/slack/listeners/picker.js';

function platformError(error: string) {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: ErrorCode.PlatformError,
    data: { ok: false, error },
  });
}

it('treats only a view Slack no longer has as closed by the person', () => {
  expect(modalGone(platformError('not_found'))).toBe(true);
  expect(modalGone(platformError('hash_conflict'))).toBe(false);
  expect(modalGone(platformError('invalid_auth'))).toBe(false);
  expect(modalGone(new Error('socket hang up'))).toBe(false);
  expect(modalGone(undefined)).toBe(false);
});
