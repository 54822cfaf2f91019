// The services graph, built ONCE per process from the adapters and handed to both roles (and to
// the tests): the stores and queue producers, the rollback service with the guardrails decide,
// approvals, group rollbacks, the guardrails' control and held deploys, the reactions, status.
//
// Construction order breaks what would be a cycle: the approval notices need only the queue and
// the cases, so the decide (which opens approvals) is built before the service, and the approval
// flow (which acts through the service) after it.
import type { DomainEvent } from '../events/domain-event.js';
import { createEventQueue, type EventQueue } from '../jobs/event-queue.js';
import { createGroupQueue, type GroupQueue } from '../jobs/group-queue.js';
import { createGuardrailsQueue, type GuardrailsQueue } from '../jobs/guardrails-queue.js';
import { createReactionTimers } from '../jobs/reaction-timers.js';
import { createStatusScheduler, type StatusScheduler } from '../jobs/status-queue.js';
import { createApprovals, type SubjectApprovals } from '../services/approvals.js';
import {
  type ApprovalNotices,
  createApprovalNotices,
  createRequestApprovals,
} from '../services/approvals-requests.js';
import {
  approvedGroupMember,
  createGroupRollbacks,
  type GroupRollbacks,
} from '../services/groups/group-rollbacks.js';
import { reconcileOnBlockingAlarm } from '../services/guardrails/blocking-alarm-hook.js';
import {
  createGuardrailsControl,
  type GuardrailsControl,
  type StageLockDeps,
} from '../services/guardrails/guardrails-control.js';
import { createGuardrailsDecide } from '../services/guardrails/guardrails-decide.js';
import { createHeldDeploys, type HeldDeploys } from '../services/guardrails/held-deploys.js';
import { reconcileOnReleaseArrival } from '../services/guardrails/release-arrival-hook.js';
import {
  createReactionProcessors,
  type ReactionProcessors,
  type ReactionProcessorsDeps,
} from '../services/reactions/reaction-processors.js';
import { createRollbackService, type RollbackService } from '../services/rollback-service.js';
import { type ApprovalFlow, createApprovalFlow } from '../slack/approval-flow.js';
import { createHeldDeployAnnouncer } from '../slack/held-deploy-announcer.js';
import type { HomeTab } from '../slack/home-tab.js';
import { createReactionPoster } from '../slack/reaction-poster.js';
import { createStageLockAnnouncer } from '../slack/stage-lock-announcer.js';
import { type ApprovalStore, createApprovalStore } from '../store/approval-store.js';
import { type AttemptAudit, createAttemptAudit } from '../store/audit-stream.js';
import { createRedisDedupe, type DedupeStore } from '../store/event-dedupe-store.js';
import { createFreezeStore, type FreezeStore } from '../store/freeze-store.js';
import { createGroupStore, type GroupStore } from '../store/group-store.js';
import { createHeldDeployStore } from '../store/held-deploy-store.js';
import { createLockLiftStore } from '../store/lock-lift-store.js';
import { createOfferStore, type OfferStore } from '../store/offer-store.js';
import { createReconcileStore } from '../store/reconcile-store.js';
import { createStageLockStore } from '../store/stage-lock-store.js';
import { createStatusMessages, type StatusMessages } from '../store/status-message-store.js';
import { createWaitingReleaseStore } from '../store/waiting-release-store.js';
import type { Adapters } from './adapters.js';
import { buildHomeTab, homeChanges, notifyingAnnouncer, notifyingFreezes } from './home.js';

/** Timings a test may shorten; the wiring stays production's. */
export interface ServiceOverrides {
  /** How long an intermediate status update waits to coalesce. Default 250 ms (status-queue.ts). */
  statusDelayMs?: number;
  /** The reactions' waits and probes (reaction-processors.ts documents each default). */
  reactions?: Pick<
    ReactionProcessorsDeps,
    'bakeCheckDelayMs' | 'followEveryMs' | 'recoveryEveryMs' | 'recoveryLimitMs' | 'healthProbe'
  >;
}

/** The records the services and roles share, one object per kind. */
export interface Stores {
  statusMessages: StatusMessages;
  freezes: FreezeStore;
  cases: ApprovalStore;
  audit: AttemptAudit;
  groups: GroupStore;
  offers: OfferStore;
  /** The intake's and the poller's shared dedupe, so a pushed and a polled event meet. */
  dedupe: DedupeStore;
}

/** The queues the services produce to (the worker role runs their consumers). */
export interface Producers {
  status: StatusScheduler;
  guardrails: GuardrailsQueue;
  groups: GroupQueue;
  /** The events queue: the intake's and the poller's durable hand-off to the reactions. */
  events: EventQueue<DomainEvent>;
}

export interface Services {
  stores: Stores;
  queues: Producers;
  rollback: RollbackService;
  /** Stage locks: every cause holding a guarded stage, enforced in AWS and said in its channel. */
  locking: StageLockDeps;
  control: GuardrailsControl;
  notices: ApprovalNotices;
  /** A single request's approval (the approvals service bound to its case): the expiry job's. */
  requestApprovals: SubjectApprovals;
  approvals: ApprovalFlow;
  groups: GroupRollbacks;
  /** Forward deploys into CodeDeploy groups while blocked: announced with Stop, or stopped. */
  holds: HeldDeploys;
  reactions: ReactionProcessors;
  /** The App Home tab: published on app_home_opened, republished when what it shows changes. */
  home: HomeTab;
}

function buildStores({ redis, prefix }: Adapters): Stores {
  return {
    statusMessages: createStatusMessages(redis, prefix),
    freezes: createFreezeStore(redis, prefix),
    cases: createApprovalStore(redis, prefix),
    audit: createAttemptAudit(redis, prefix),
    groups: createGroupStore(redis, prefix),
    offers: createOfferStore(redis, prefix),
    dedupe: createRedisDedupe(redis, { prefix }),
  };
}

function buildProducers(a: Adapters, o: ServiceOverrides): Producers {
  const { redis, prefix, closeables } = a;
  const queues: Producers = {
    status: createStatusScheduler(redis, prefix, o.statusDelayMs),
    guardrails: createGuardrailsQueue(redis, prefix),
    groups: createGroupQueue(redis, prefix),
    events: createEventQueue<DomainEvent>({ connection: redis, prefix }),
  };
  closeables.add('status-scheduler', () => queues.status.close());
  closeables.add('guardrails-queue', () => queues.guardrails.close());
  closeables.add('group-queue', () => queues.groups.close());
  closeables.add('events-queue', () => queues.events.close());
  return queues;
}

/** The rollback service, deciding through the guardrails; approvals open through `notices`. */
function buildRollback(
  a: Adapters,
  stores: Stores,
  notices: ApprovalNotices,
  control: GuardrailsControl,
): RollbackService {
  const { config, aws, log, now, redis, prefix } = a;
  const rollback = createRollbackService({
    config,
    connection: redis,
    aws,
    queue: { prefix },
    store: { prefix },
    decide: createGuardrailsDecide({
      config,
      aws,
      freezes: stores.freezes,
      cases: stores.cases,
      log,
      onNeedsApproval: (c) => notices.opened(c),
      approvedGroupMember: approvedGroupMember(stores.groups),
      now,
    }),
    unlockStage: (input) => control.unlock(input),
    now,
  });
  a.closeables.add('rollback-service', () => rollback.close());
  return rollback;
}

/** The reactions to AWS events (automatic rollbacks), through the same service as manual ones. */
function buildReactions(
  a: Adapters,
  s: Pick<Services, 'stores' | 'queues' | 'rollback' | 'holds'>,
  o: ServiceOverrides,
): ReactionProcessors {
  const { config, aws, log, now, redis, prefix } = a;
  const timers = createReactionTimers({ connection: redis, prefix }, now);
  a.closeables.add('reaction-timers', () => timers.close());
  const onBlockingAlarm = reconcileOnBlockingAlarm(config, s.queues.guardrails);
  const onReleaseArrival = reconcileOnReleaseArrival(config, s.queues.guardrails);
  return createReactionProcessors({
    connection: redis,
    prefix,
    config,
    service: s.rollback,
    aws,
    slack: createReactionPoster(a.slack.poster),
    offers: s.stores.offers,
    statusMessages: s.stores.statusMessages,
    statusScheduler: s.queues.status,
    timers,
    log,
    now,
    ...o.reactions,
    onEvent: async (event) => {
      await onBlockingAlarm(event);
      await onReleaseArrival(event);
      await s.holds.onEvent(event);
    },
  });
}

export function buildServices(a: Adapters, o: ServiceOverrides = {}): Services {
  const { config, aws, log, now, redis, prefix } = a;
  const { poster, principals } = a.slack;
  // What changes the App Home tab, told to it once it is built (last: app/home.ts).
  const changes = homeChanges();
  const stores = buildStores(a);
  stores.freezes = notifyingFreezes(stores.freezes, changes);
  const queues = buildProducers(a, o);
  const locking: StageLockDeps = {
    config,
    aws,
    freezes: stores.freezes,
    locks: createStageLockStore(redis, prefix),
    waiting: createWaitingReleaseStore(redis, prefix),
    passes: createReconcileStore(redis, prefix),
    lifts: createLockLiftStore(redis, prefix),
    log,
    announcer: notifyingAnnouncer(createStageLockAnnouncer(poster), changes),
    now,
  };
  const control = createGuardrailsControl({ locking, queue: queues.guardrails });
  const notices = createApprovalNotices({ cases: stores.cases, queue: queues.guardrails });
  const rollback = buildRollback(a, stores, notices, control);
  const shared = { config, aws, log, now, audit: stores.audit, principals };
  // The one approvals service, for single requests and group rollbacks alike.
  const approvalService = createApprovals({ principals, audit: stores.audit, now });
  const requestApprovals = createRequestApprovals({
    approvals: approvalService,
    config,
    service: rollback,
    cases: stores.cases,
    aws,
    queue: queues.guardrails,
  });
  const approvals = createApprovalFlow({
    approvals: requestApprovals,
    config,
    service: rollback,
    cases: stores.cases,
    aws,
    statusMessages: stores.statusMessages,
    poster,
    now,
  });
  const groups = createGroupRollbacks({
    ...shared,
    approvals: approvalService,
    service: rollback,
    store: stores.groups,
    queue: queues.groups,
    freezes: stores.freezes,
    statusMessages: stores.statusMessages,
    scheduleStatus: (r) => queues.status.schedule(r),
  });
  const holds = createHeldDeploys({
    config,
    aws,
    freezes: stores.freezes,
    store: createHeldDeployStore(redis, prefix),
    announcer: createHeldDeployAnnouncer(poster),
    audit: stores.audit,
    log,
    now,
  });
  const reactions = buildReactions(a, { stores, queues, rollback, holds }, o);
  const guardrails = { control, approvals, holds };
  const { statusMessages } = stores;
  const home = buildHomeTab(a, { service: rollback, guardrails, groups, statusMessages }, changes);
  return {
    stores,
    queues,
    rollback,
    locking,
    control,
    notices,
    requestApprovals,
    approvals,
    groups,
    holds,
    reactions,
    home,
  };
}
