// Throwaway signing material and SNS envelopes for tests. The CA and certificate come from the
// openssl CLI into a temp dir; nothing reaches the internet. The string to sign is written out
// here from AWS's documentation, independently of src/events, so the two check each other.
import { execFileSync } from 'node:child_process';
import { randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TOPIC = 'arn:aws:sns:us-east-1:111122223333:rollback-events';
export const OTHER_TOPIC = 'arn:aws:sns:us-east-1:111122223333:someone-else';
export const CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';

export interface SigningMaterial {
  certPem: string;
  keyPem: string;
  /** When the certificate stops being valid (ms since epoch). */
  validTo: number;
}

function openssl(dir: string, args: string[]) {
  execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A test CA and an SNS-like signing certificate it issued, valid for `days`. */
export function makeSigningMaterial(days = 2): SigningMaterial {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollback-sns-'));
  try {
    const subj = (cn: string) => ['-subj', `/CN=${cn}`];
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      String(days),
      ...subj('Test SNS CA'),
    ]);
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'sns.key',
      '-out',
      'sns.csr',
      ...subj('sns.amazonaws.com'),
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'sns.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'sns.pem',
      '-days',
      String(days),
    ]);
    const certPem = readFileSync(path.join(dir, 'sns.pem'), 'utf8');
    const ca = new X509Certificate(readFileSync(path.join(dir, 'ca.pem')));
    const cert = new X509Certificate(certPem);
    if (!cert.verify(ca.publicKey))
      throw new Error('test certificate is not signed by the test CA');
    return {
      certPem,
      keyPem: readFileSync(path.join(dir, 'sns.key'), 'utf8'),
      validTo: Date.parse(cert.validTo),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Fields = Record<string, string>;

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
];

function canonical(m: Fields): string {
  const keys = m.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  return keys
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k}\n${m[k]}\n`)
    .join('');
}

export function signEnvelope(m: Fields, keyPem: string, version: '1' | '2' = '2'): Fields {
  const hash = version === '1' ? 'sha1' : 'sha256';
  return {
    ...m,
    SignatureVersion: version,
    Signature: sign(hash, Buffer.from(canonical(m), 'utf8'), keyPem).toString('base64'),
  };
}

export interface NotificationOptions {
  message: string;
  topicArn?: string;
  messageId?: string;
  subject?: string;
  timestamp?: Date;
  certUrl?: string;
  version?: '1' | '2';
}

export function notification(keyPem: string, o: NotificationOptions): Fields {
  const topicArn = o.topicArn ?? TOPIC;
  return signEnvelope(
    {
      Type: 'Notification',
      MessageId: o.messageId ?? randomUUID(),
      TopicArn: topicArn,
      ...(o.subject !== undefined ? { Subject: o.subject } : {}),
      Message: o.message,
      Timestamp: (o.timestamp ?? new Date()).toISOString(),
      SigningCertURL: o.certUrl ?? CERT_URL,
      UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${randomUUID()}`,
    },
    keyPem,
    o.version,
  );
}

export function subscribeUrl(
  topicArn: string,
  token: string,
  origin = 'https://sns.us-east-1.amazonaws.com',
) {
  return `${origin}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
}

export function confirmation(
  keyPem: string,
  o: {
    type?: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
    topicArn?: string;
    subscribeUrl?: string;
  } = {},
): Fields {
  const topicArn = o.topicArn ?? TOPIC;
  const token = randomUUID().replaceAll('-', '');
  return signEnvelope(
    {
      Type: o.type ?? 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      Token: token,
      TopicArn: topicArn,
      Message: `You have chosen to subscribe to the topic ${topicArn}.`,
      SubscribeURL: o.subscribeUrl ?? subscribeUrl(topicArn, token),
      Timestamp: new Date().toISOString(),
      SigningCertURL: CERT_URL,
    },
    keyPem,
  );
}

/** The headers SNS sends with an HTTP(S) delivery. */
export function snsHeaders(m: Fields): Record<string, string> {
  return {
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': m.Type!,
    'x-amz-sns-message-id': m.MessageId!,
    'x-amz-sns-topic-arn': m.TopicArn!,
  };
}
