// The health probe's report in the thread (Block Kit, pure). The URL is the config's, still
// shown inert.
import type { HealthReportInput } from '../../services/reactions/reaction-notices.js';
import type { SlackMessage } from './block-kit.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';

const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;
const tries = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);

export function healthReport(r: HealthReportInput): SlackMessage {
  const where = inertCode(r.url, 200);
  const line =
    r.outcome === 'healthy'
      ? `:large_green_circle: Health check passed: ${where} answered 200 after ${tries(r.attempts)} (${seconds(r.afterMs)}).`
      : `:red_circle: Health check failed: ${where} did not answer 200 in ${tries(r.attempts)} (${seconds(r.afterMs)}; last: ${escapeMrkdwn(r.said)}). A person has to look; no further automatic action.`;
  return {
    text: `${plainLine(r.env, 60)} health check ${r.outcome === 'healthy' ? 'passed' : 'failed'}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(r.env)}*: ${line}` } },
    ],
  };
}
