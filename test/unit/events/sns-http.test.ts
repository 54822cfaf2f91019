import { describe, expect, it } from 'vitest';
import {
  createSnsCertificateFetcher,
  createSnsSubscriptionConfirmer,
} from '../../../src/events/sns-http.js';

describe('production SNS fetchers', () => {
  it('refuse a non-https URL before any request', async () => {
    const url = new URL('http://127.0.0.1:9/SimpleNotificationService-x.pem');
    await expect(createSnsCertificateFetcher()(url)).rejects.toThrow('non-https');
    await expect(createSnsSubscriptionConfirmer()(url)).rejects.toThrow('non-https');
  });
});
