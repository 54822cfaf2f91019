// SDK clients, cached per (region, role). Production uses the default credential chain, or
// assumes the environment's role with the SDK's provider; tests point `endpoint` at the sandbox.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, type CodePipelineClientConfig } from '@aws-sdk/client-codepipeline';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

export interface AwsClientOptions {
  /** AWS_ENDPOINT_URL as read by the caller; undefined means the real AWS endpoints. */
  endpoint?: string;
  /** Base credentials; default the SDK's default chain. */
  credentials?: CodePipelineClientConfig['credentials'];
}

export interface Account {
  region: string;
  /** A role to assume for this environment (another account); absent means our own identity. */
  roleArn?: string;
}

export interface AwsClients {
  codepipeline(account: Account): CodePipelineClient;
  codedeploy(account: Account): CodeDeployClient;
  cloudwatch(account: Account): CloudWatchClient;
  destroy(): void;
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, CodePipelineClient | CodeDeployClient | CloudWatchClient>();

  function config(account: Account) {
    const credentials = account.roleArn
      ? fromTemporaryCredentials({
          params: { RoleArn: account.roleArn, RoleSessionName: 'rollback-bot' },
          clientConfig: {
            region: account.region,
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          },
          ...(options.credentials ? { masterCredentials: options.credentials } : {}),
        })
      : options.credentials;
    return {
      region: account.region,
      // One attempt: retries are the job's, so each shows in the request record.
      maxAttempts: 1,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    };
  }

  function cached<T extends CodePipelineClient | CodeDeployClient | CloudWatchClient>(
    kind: string,
    account: Account,
    make: () => T,
  ): T {
    const key = `${kind}|${account.region}|${account.roleArn ?? ''}`;
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  }

  return {
    codepipeline: (a) => cached('cp', a, () => new CodePipelineClient(config(a))),
    codedeploy: (a) => cached('cd', a, () => new CodeDeployClient(config(a))),
    cloudwatch: (a) => cached('cw', a, () => new CloudWatchClient(config(a))),
    destroy() {
      for (const c of cache.values()) c.destroy();
      cache.clear();
    },
  };
}
