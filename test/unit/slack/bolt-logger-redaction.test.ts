// Bolt's text reaches the log without response URLs, WebSocket tickets or tokens, and keeps the
// rest (trigger_id, envelope_id, ids, the command).
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { boltLogger, redactBoltText } from '../../../src/slack/bolt-logger.js';

const RESPONSE = 'https://hooks.slack.com/commands/T0SANDBOX/1234/abcdefSECRET';

it('redacts response_url in JSON, escaped JSON and view submissions, keeping trigger_id', () => {
  const envelope = JSON.stringify({
    envelope_id: 'e-1',
    payload: { token: 'verif-SECRET', response_url: RESPONSE, trigger_id: '1.2.abc' },
  });
  const out = redactBoltText(`Received a message on the WebSocket: ${envelope}`);
  expect(out).toBe(
    'Received a message on the WebSocket: {"envelope_id":"e-1","payload":' +
      '{"token":"[redacted]","response_url":"[redacted]","trigger_id":"1.2.abc"}}',
  );
  // Slack's own JSON escapes slashes; a payload inside a string escapes quotes too.
  const escaped = '{"response_url":"https:\\/\\/hooks.slack.com\\/commands\\/T0\\/1\\/SECRET"}';
  expect(redactBoltText(escaped)).toBe('{"response_url":"[redacted]"}');
  const nested = JSON.stringify({ body: envelope });
  expect(redactBoltText(nested)).not.toMatch(/SECRET/);
  expect(redactBoltText(nested)).toContain('1.2.abc');
  const view = JSON.stringify({
    response_urls: [{ block_id: 'b', action_id: 'a', channel_id: 'C1', response_url: RESPONSE }],
  });
  expect(redactBoltText(view)).toBe(
    '{"response_urls":[{"block_id":"b","action_id":"a","channel_id":"C1","response_url":"[redacted]"}]}',
  );
});

it('redacts form-encoded response_urls, WebSocket tickets and hooks URLs in free text', () => {
  expect(
    redactBoltText('body: command=%2Frollback&response_url=https%3A%2F%2Fh%2FSECRET&x=1'),
  ).toBe('body: command=%2Frollback&response_url=[redacted]&x=1');
  expect(redactBoltText('url: wss://wss-primary.slack.com/link/?ticket=abc-SECRET&app_id=A1')).toBe(
    'url: wss://wss-primary.slack.com/link/?ticket=[redacted]&app_id=A1',
  );
  expect(redactBoltText(`posting to ${RESPONSE} now`)).toBe(
    'posting to [redacted hooks.slack.com URL] now',
  );
});

it('logs through pino without tokens; the socket loop says drops and refusals, Bolt at debug', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = boltLogger(createLogger('info', sink));
  log.info('headers', { Authorization: 'Bearer xapp-1-A1-SECRET', bot: 'xoxb-1-SECRET' });
  log.error(
    'Failed to retrieve a new WSS URL (error: Error: An API error occurred: token_revoked)',
  );
  log.warn('WebSocket error occurred: connect ECONNREFUSED');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/SECRET/);
  expect(lines[0]).toContain('[redacted]');
});
