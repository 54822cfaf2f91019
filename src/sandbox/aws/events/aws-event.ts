// An EventBridge event as the local endpoint emits it (and AWS sends it): the one shape the
// emitter, the notification reshaper and the bench's events share.
export interface AwsEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}
