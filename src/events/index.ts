// The public face of events/: what the composition root and the reactions import.
export { createRedisDedupe, type DedupeStore } from './dedupe.js';
export * from './domain-event.js';
export { type AwsEventsHandlerDeps, createAwsEventsHandler } from './handler.js';
export { domainEventId, type NormaliseResult, normaliseEvent } from './normalise.js';
export { createEventQueue, EVENTS_QUEUE, type EventQueue } from './queue.js';
export { routeEvent } from './route-event.js';
export { createSnsCertificateFetcher, createSnsSubscriptionConfirmer } from './sns-http.js';
