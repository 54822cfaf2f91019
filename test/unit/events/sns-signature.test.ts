import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type SnsMessage, snsStringToSign } from '../../../src/events/sns-message.js';
import { verifySnsSignature } from '../../../src/events/sns-signature.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const base = {
  Type: 'Notification' as const,
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
  Subject: 'My First Message',
  Message: 'Hello world!',
  Timestamp: '2012-05-02T00:54:06.655Z',
  SigningCertURL:
    'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
};

function signed(
  version: '1' | '2',
  m: Omit<SnsMessage, 'Signature' | 'SignatureVersion'>,
  key = privateKey,
) {
  const unsigned = { ...m, SignatureVersion: version, Signature: '' } as SnsMessage;
  const hash = version === '1' ? 'sha1' : 'sha256';
  return {
    ...unsigned,
    Signature: sign(hash, Buffer.from(snsStringToSign(unsigned)), key).toString('base64'),
  } as SnsMessage;
}

describe('snsStringToSign', () => {
  it('puts Notification fields in AWS order, Subject only when present', () => {
    expect(snsStringToSign({ ...base, SignatureVersion: '2', Signature: 'x' })).toBe(
      'Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\nTimestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n',
    );
    const { Subject: _s, ...noSubject } = base;
    expect(snsStringToSign({ ...noSubject, SignatureVersion: '2', Signature: 'x' })).not.toContain(
      'Subject',
    );
  });

  it('signs SubscribeURL and Token for confirmations', () => {
    const s = snsStringToSign({
      ...base,
      Type: 'SubscriptionConfirmation',
      SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription',
      Token: 'tok',
      SignatureVersion: '1',
      Signature: 'x',
    });
    expect(s).toBe(
      'Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription\nTimestamp\n2012-05-02T00:54:06.655Z\nToken\ntok\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nSubscriptionConfirmation\n',
    );
  });
});

describe('verifySnsSignature', () => {
  it.each(['1', '2'] as const)('accepts SignatureVersion %s signed by the key', (v) => {
    expect(verifySnsSignature(signed(v, base), publicKey)).toBe(true);
  });

  it('refuses a version 2 signature presented as version 1 (hash must match)', () => {
    expect(verifySnsSignature({ ...signed('2', base), SignatureVersion: '1' }, publicKey)).toBe(
      false,
    );
  });

  it.each([
    ['Message', { Message: 'Hello world?' }],
    ['Subject', { Subject: 'Other' }],
    ['Timestamp', { Timestamp: '2012-05-02T00:54:07.655Z' }],
    ['TopicArn', { TopicArn: 'arn:aws:sns:us-west-2:123456789012:Other' }],
  ])('refuses an altered %s', (_f, change) => {
    expect(verifySnsSignature({ ...signed('2', base), ...change } as SnsMessage, publicKey)).toBe(
      false,
    );
  });

  it('refuses a removed Subject', () => {
    const m = signed('2', base) as SnsMessage & { Subject?: string };
    delete m.Subject;
    expect(verifySnsSignature(m, publicKey)).toBe(false);
  });

  it('refuses another key, an unknown version and a malformed signature', () => {
    expect(verifySnsSignature(signed('2', base, other.privateKey), publicKey)).toBe(false);
    expect(verifySnsSignature({ ...signed('2', base), SignatureVersion: '3' }, publicKey)).toBe(
      false,
    );
    expect(verifySnsSignature({ ...signed('2', base), Signature: 'not base64!' }, publicKey)).toBe(
      false,
    );
  });
});
