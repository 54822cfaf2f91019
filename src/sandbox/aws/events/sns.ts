// SNS HTTPS delivery envelope, signed with SignatureVersion 2 (SHA256 over the canonical string).
import { createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { selfSignedCertificatePem } from './x509.js';

export interface SnsNotification {
  Type: 'Notification';
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '2';
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL: string;
}

export class SnsSigner {
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly certificatePem: string;

  constructor(now: Date) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.certificatePem = selfSignedCertificatePem({
      commonName: 'sns.amazonaws.com',
      publicKey,
      privateKey,
      notBefore: new Date(now.getTime() - 24 * 3600_000),
      notAfter: new Date(now.getTime() + 3650 * 24 * 3600_000),
    });
  }

  notification(opts: {
    topicArn: string;
    message: string;
    timestamp: Date;
    subject?: string;
    signingCertUrl: string;
  }): SnsNotification {
    const unsigned = {
      Type: 'Notification' as const,
      MessageId: randomUUID(),
      TopicArn: opts.topicArn,
      ...(opts.subject !== undefined ? { Subject: opts.subject } : {}),
      Message: opts.message,
      Timestamp: opts.timestamp.toISOString(),
    };
    return {
      ...unsigned,
      SignatureVersion: '2',
      Signature: createSign('sha256')
        .update(stringToSign(unsigned))
        .sign(this.privateKey, 'base64'),
      SigningCertURL: opts.signingCertUrl,
      UnsubscribeURL: `https://sns.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${opts.topicArn}:${randomUUID()}`,
    };
  }
}

/** The canonical Notification string: `Key\nValue\n` in AWS's fixed order. */
export function stringToSign(n: {
  Message: string;
  MessageId: string;
  Subject?: string;
  Timestamp: string;
  TopicArn: string;
  Type: string;
}): string {
  const pairs: Array<[string, string | undefined]> = [
    ['Message', n.Message],
    ['MessageId', n.MessageId],
    ['Subject', n.Subject],
    ['Timestamp', n.Timestamp],
    ['TopicArn', n.TopicArn],
    ['Type', n.Type],
  ];
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
}
