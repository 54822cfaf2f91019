// The web role (ROLE=web|all): the Bolt app and its listeners (the root registers /rollback's
// subcommands, commands/dispatch.ts, so slack/ never imports commands/), /slack/events in HTTP
// mode, and the AWS event intake at /aws/events. It takes the one services graph and runs no
// queue consumer: the worker role does.
import { dispatchCommand } from '../../commands/dispatch.js';
import { createFailedStageReader } from '../events/failed-stage.js';
import { createAwsEventsHandler, createSnsCertificateFetcher } from '../events/index.js';
import { enqueueUnlessOccurred } from '../events/occurrence-dedupe.js';
import type { RunningHttpServer } from '../http/server.js';
import { createSlackApp, type SlackTransport, type SocketModeTimings } from '../slack/app.js';
import { registerListeners } from '../slack/listeners/index.js';
import type { SlackServices } from '../slack/slack-services.js';
import { createSlackDeliveries } from '../store/slack-delivery-store.js';
import type { Adapters } from './adapters.js';
import type { Services } from './services.js';

/** What the listeners work with, from the graph (src/slack/slack-services.ts). */
function slackServices(a: Adapters, s: Services): SlackServices {
  return {
    config: a.config,
    service: s.rollback,
    offers: s.stores.offers,
    principals: a.slack.principals,
    poster: a.slack.poster,
    statusMessages: s.stores.statusMessages,
    scheduleStatus: (r) => s.queues.status.schedule(r),
    audit: s.stores.audit,
    now: a.now,
    guardrails: { control: s.control, approvals: s.approvals, holds: s.holds },
    groups: s.groups,
    home: s.home,
  };
}

/** What a test may time differently in the web role. */
export interface WebRoleOverrides {
  /** Socket Mode's ping timeouts and reconnect step; default Bolt's (src/slack/app.ts). */
  socketMode?: SocketModeTimings;
  /** Fetches an SNS SigningCertURL for /aws/events; default the https fetcher (src/events/sns-http.ts). */
  fetchSnsCertificate?: (url: URL) => Promise<string>;
}

/** The running web role: in Socket Mode, its connection's readiness and a refused token. */
export interface WebRole {
  socket?: SlackTransport['socket'];
}

export async function startWebRole(
  a: Adapters,
  s: Services,
  http: RunningHttpServer,
  o: WebRoleOverrides = {},
): Promise<WebRole> {
  const { env, config, log, metrics } = a;
  // A request moved in this process: its approval post follows at once (the worker role's status
  // follower sees every process's transitions, this one's too, a moment later).
  s.rollback.onTransition((r) => {
    s.notices
      .changed(r)
      .catch((err: unknown) => log.warn({ err, requestId: r.id }, 'approval post refresh failed'));
  });
  const bolt = createSlackApp(env, log, {
    metrics,
    now: a.now,
    ...(o.socketMode ? { socketMode: o.socketMode } : {}),
    // A command or click Slack redelivers (its ack came late) is acted on once.
    deliveries: createSlackDeliveries(a.redis, a.prefix),
  });
  registerListeners(bolt.app, slackServices(a, s), dispatchCommand, log);
  if (bolt.httpHandler) http.mount('/slack/events', bolt.httpHandler);
  const { dedupe } = s.stores;
  http.mount(
    '/aws/events',
    createAwsEventsHandler({
      log,
      metrics,
      ...(env.EVENTS_SHARED_SECRET ? { sharedSecret: env.EVENTS_SHARED_SECRET } : {}),
      snsTopics: config.events.snsTopics,
      config,
      // A pipeline- or action-level FAILED of a guarded pipeline is read as its stage's FAILED.
      failedStage: createFailedStageReader({ config, aws: a.aws, log }),
      // An occurrence the poller already enqueued is not enqueued again.
      enqueue: enqueueUnlessOccurred(dedupe, s.queues.events.enqueue),
      dedupe,
      fetchCertificate: o.fetchSnsCertificate ?? createSnsCertificateFetcher(),
      now: a.now,
    }),
  );
  await bolt.start();
  a.closeables.add('slack', () => bolt.stop());
  return bolt.socket ? { socket: bolt.socket } : {};
}
