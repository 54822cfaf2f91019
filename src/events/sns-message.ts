// The SNS HTTP(S) delivery envelope and the canonical string SNS signs.
import { z } from 'zod';

export const SNS_MESSAGE_TYPE_HEADER = 'x-amz-sns-message-type';

/** arn:aws:sns:<region>:<account>:<topic> (also aws-cn, aws-us-gov partitions). */
const TOPIC_ARN =
  /^arn:aws(?:-cn|-us-gov)?:sns:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):\d{12}:[\w-]{1,256}$/;

const common = {
  MessageId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
  TopicArn: z.string().regex(TOPIC_ARN),
  Message: z.string(),
  Timestamp: z.string().min(1),
  SignatureVersion: z.string(),
  Signature: z.string().min(1).max(4096),
  SigningCertURL: z.string().min(1).max(2048),
};

export const snsMessageSchema = z.discriminatedUnion('Type', [
  z.looseObject({
    Type: z.literal('Notification'),
    ...common,
    // SNS omits Subject when there is none; some relays send null. Both mean "not signed".
    Subject: z.string().nullish(),
  }),
  z.looseObject({
    Type: z.enum(['SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    ...common,
    SubscribeURL: z.string().min(1).max(4096),
    Token: z.string().min(1).max(4096),
  }),
]);
export type SnsMessage = z.infer<typeof snsMessageSchema>;

/** The region of a topic ARN the schema accepted. */
export function topicRegion(topicArn: string): string {
  return TOPIC_ARN.exec(topicArn)?.[1] ?? '';
}

/** `Key\nValue\n` pairs in the order AWS signs them for this message type. */
export function snsStringToSign(m: SnsMessage): string {
  const pairs: Array<[string, string | null | undefined]> =
    m.Type === 'Notification'
      ? [
          ['Message', m.Message],
          ['MessageId', m.MessageId],
          ['Subject', m.Subject],
          ['Timestamp', m.Timestamp],
          ['TopicArn', m.TopicArn],
          ['Type', m.Type],
        ]
      : [
          ['Message', m.Message],
          ['MessageId', m.MessageId],
          ['SubscribeURL', m.SubscribeURL],
          ['Timestamp', m.Timestamp],
          ['Token', m.Token],
          ['TopicArn', m.TopicArn],
          ['Type', m.Type],
        ];
  return pairs
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
}
