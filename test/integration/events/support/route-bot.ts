// The real bot (the reactions harness: sandbox AWS, local Slack, real Redis) with an SNS topic
// it accepts, and the certificates it is handed for SNS deliveries: the sandbox's own (its
// SigningCertURL ends in -sandbox.pem) or the test kit's, for messages a test signs itself.
// A second environment, `partner`, lives in another account (a role there), so alarm actions
// can be checked by account too.
import type { Config } from '../../../../src/config/config.js';
import {
  type HarnessOptions,
  type ReactionsHarness,
  reactionsConfig,
  SECRET,
  startReactions,
} from '../../services/reactions/harness.js';
import {
  makeSigningMaterial,
  type SigningMaterial,
  signEnvelope,
  snsHeaders,
} from './sns-test-kit.js';

export const TOPIC = 'arn:aws:sns:us-east-1:111122223333:rollback-bot-events';
export const PARTNER_ACCOUNT = '444455556666';
export const PARTNER_ALARM = 'partner-5xx';
export const PIPELINE_TYPES = [
  'CodePipeline Pipeline Execution State Change',
  'CodePipeline Stage Execution State Change',
  'CodePipeline Action Execution State Change',
];
export const [PIPELINE_LEVEL, STAGE_LEVEL, ACTION_LEVEL] = PIPELINE_TYPES as [
  string,
  string,
  string,
];
export const ALARM_TYPE = 'CloudWatch Alarm State Change';

export function routeConfig(): Config {
  const c = reactionsConfig();
  const prod = c.environments.prod!;
  c.environments.partner = {
    ...prod,
    name: 'partner',
    channel: 'C0PARTNER',
    roleArn: `arn:aws:iam::${PARTNER_ACCOUNT}:role/rollback-bot`,
    target: {
      kind: 'stage',
      pipeline: 'partner-app',
      stages: { Deploy: { lockAfterRollback: false } },
    },
    alarms: [PARTNER_ALARM],
    autoRollback: 'off',
  };
  c.events.snsTopics = [TOPIC];
  return c;
}

export interface RouteBot extends ReactionsHarness {
  material: SigningMaterial;
  /** POSTs to /aws/events as an EventBridge API destination would. */
  postDirect(body: unknown): Promise<{ status: number; outcome: string }>;
  /** POSTs `message` in a Notification envelope from TOPIC, signed with the test kit's key. */
  postSns(message: string, subject?: string): Promise<{ status: number; outcome: string }>;
  /** Log lines (parsed) matching `msg`. */
  logLines(match: (line: Record<string, unknown>) => boolean): Array<Record<string, unknown>>;
}

let material: SigningMaterial | undefined;

export async function startRouteBot(o: HarnessOptions = {}): Promise<RouteBot> {
  material ??= makeSigningMaterial();
  const kit = material;
  let sandboxCert: () => string = () => {
    throw new Error('the sandbox is not up yet');
  };
  const h = await startReactions({
    config: routeConfig(),
    ...o,
    overrides: {
      fetchSnsCertificate: async (url) =>
        url.pathname.endsWith('-sandbox.pem') ? sandboxCert() : kit.certPem,
      ...o.overrides,
    },
  });
  sandboxCert = () => h.sandbox.control.snsSigningCertPem();
  const answer = async (res: Response) => ({
    status: res.status,
    outcome: ((await res.json()) as { outcome: string }).outcome,
  });
  return {
    ...h,
    material: kit,
    async postDirect(body) {
      const res = await fetch(h.eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-rollback-bot-secret': SECRET },
        body: JSON.stringify(body),
      });
      return answer(res);
    },
    async postSns(message, subject) {
      const m = signEnvelope(
        {
          Type: 'Notification',
          MessageId: crypto.randomUUID(),
          TopicArn: TOPIC,
          ...(subject ? { Subject: subject } : {}),
          Message: message,
          Timestamp: new Date().toISOString(),
          SigningCertURL:
            'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
        },
        kit.keyPem,
      );
      const res = await fetch(h.eventsUrl, {
        method: 'POST',
        headers: snsHeaders(m),
        body: JSON.stringify(m),
      });
      return answer(res);
    },
    logLines(match) {
      return h.logs
        .flatMap((chunk) => chunk.split('\n'))
        .filter((l) => l.trim().length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter(match);
    },
  };
}
