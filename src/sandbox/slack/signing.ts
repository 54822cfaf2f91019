// Slack's v0 request signing, as Slack computes it for requests it sends to an app.
import { createHmac } from 'node:crypto';

/** `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`). */
export function signSlackRequest(secret: string, body: string, timestampSeconds: number): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestampSeconds}:${body}`);
  return `v0=${hmac.digest('hex')}`;
}

/** The two headers Slack adds to every request towards an app. */
export function slackSignatureHeaders(
  secret: string,
  body: string,
  timestampSeconds: number,
): Record<'x-slack-signature' | 'x-slack-request-timestamp', string> {
  return {
    'x-slack-signature': signSlackRequest(secret, body, timestampSeconds),
    'x-slack-request-timestamp': String(timestampSeconds),
  };
}
