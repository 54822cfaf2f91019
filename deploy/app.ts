// The CDK app (cdk.json runs it): `npx cdk deploy --all -c config=rollback.config.yml -c …`.
// Context keys (-c key=value):
//   config          the bot's config file (default rollback.config.yml)
//   secretArn       full ARN of the Secrets Manager secret (required): EVENTS_SHARED_SECRET, and
//                   for the Fargate stack SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN
//   botUrl          https://host the bot answers at (required unless service=socket)
//   region, account the bot's (default: the CLI's, CDK_DEFAULT_REGION / CDK_DEFAULT_ACCOUNT)
//   sns=true        also the SNS route (topic, subscription, CodeStar notification rules)
//   service         http | socket: also run the bot on Fargate (default: not)
//   image           the bot's image (with service)
//   certificateArn  ACM certificate for botUrl's host (service=http)
//   redisMode       single (default) | cluster;  redisEngine  valkey (default) | redis
import { App } from 'aws-cdk-lib';
import { buildInstall } from './build-stacks.js';
import { readInstallConfig } from './read-config.js';

const app = new App();
const context = (key: string): string | undefined => {
  const v = app.node.tryGetContext(key);
  return v === undefined || v === '' ? undefined : String(v);
};
const required = (key: string, why: string): string => {
  const v = context(key);
  if (v === undefined) throw new Error(`-c ${key}=… is required: ${why}`);
  return v;
};

const service = context('service');
if (service !== undefined && service !== 'http' && service !== 'socket') {
  throw new Error(`-c service=${service}: use http or socket`);
}
const loaded = await readInstallConfig(
  context('config') ?? 'rollback.config.yml',
  context('region') ?? process.env.CDK_DEFAULT_REGION,
);
const botUrl =
  service === 'socket'
    ? context('botUrl')
    : required('botUrl', 'EventBridge posts to <botUrl>/aws/events');
const redisMode = context('redisMode');
const redisEngine = context('redisEngine');

buildInstall(app, {
  config: loaded.config,
  region: loaded.region,
  account: context('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
  botUrl,
  secretArn: required('secretArn', 'the secret with EVENTS_SHARED_SECRET (and the Slack tokens)'),
  intake: botUrl !== undefined,
  sns: context('sns') === 'true',
  ...(service
    ? {
        service: {
          image: required('image', 'the bot image the Fargate services run'),
          configYaml: loaded.text,
          slack: service,
          ...(service === 'http'
            ? {
                publicUrl: botUrl,
                certificateArn: required('certificateArn', "the ACM certificate for botUrl's host"),
              }
            : {}),
          redis: {
            mode: redisMode === 'cluster' ? 'cluster' : 'single',
            engine: redisEngine === 'redis' ? 'redis' : 'valkey',
          },
        },
      }
    : {}),
});
app.synth();
