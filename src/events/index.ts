// The public face of events/: what the composition root and the reactions import.
export * from './domain-event.js';
export { type AwsEventsHandlerDeps, createAwsEventsHandler } from './handler.js';
export { domainEventId, type NormaliseResult, normaliseEvent } from './normalise.js';
export { routeEvent } from './route-event.js';
export { createSnsCertificateFetcher, createSnsSubscriptionConfirmer } from './sns-http.js';
