// SDK clients, cached per (region, role). Production uses the default credential chain, or
// assumes the environment's role with the SDK's provider; tests point `endpoint` at the sandbox.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, type CodePipelineClientConfig } from '@aws-sdk/client-codepipeline';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { createHttpAgents, type HttpAgents } from '../runtime/proxy.js';
import { type ProxySettings, usesProxy } from '../runtime/proxy-settings.js';
import { nextTurn } from '../runtime/turns.js';
import { keepFinishedExecutions } from './finished-executions.js';

export interface AwsClientOptions {
  /** AWS_ENDPOINT_URL as read by the caller; undefined means the real AWS endpoints. */
  endpoint?: string;
  /** Base credentials; default the SDK's default chain. */
  credentials?: CodePipelineClientConfig['credentials'];
  /**
   * HTTPS_PROXY / HTTP_PROXY / NO_PROXY as read at start (the SDK reads none of them). With a
   * proxy, every client's calls, and the STS/SSO calls that get its credentials, go through it;
   * the instance and container metadata endpoints are always reached direct. Default none.
   */
  proxy?: ProxySettings;
}

export interface Account {
  region: string;
  /** A role to assume for this environment (another account); absent means our own identity. */
  roleArn?: string;
}

/** The account an environment's AWS calls go to: its region, and its role when it names one. */
export function accountOf(env: { region: string; roleArn?: string | undefined }): Account {
  return { region: env.region, ...(env.roleArn ? { roleArn: env.roleArn } : {}) };
}

/** One account as a key (`region|role`): clients, read scopes and the poller's plan use it. */
export function accountKey(account: Account): string {
  return `${account.region}|${account.roleArn ?? ''}`;
}

/** The id of the account the role lives in (arn:aws:iam::<id>:role/…); none for our own identity. */
export function roleAccountId(account: Account): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(account.roleArn ?? '')?.[1];
}

export interface AwsClients {
  codepipeline(account: Account): CodePipelineClient;
  codedeploy(account: Account): CodeDeployClient;
  cloudwatch(account: Account): CloudWatchClient;
  destroy(): void;
}

/** The parts of an SDK client's middleware stack `takeTurns` uses. */
interface TurnStack {
  add(
    mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize' | 'deserialize'; name: string; priority: 'low' },
  ): void;
}

/** Calls in flight per client; the rest wait before being built. Also the HTTP agent's sockets. */
export const MAX_CALLS_IN_FLIGHT = 50;

/**
 * Each call builds, signs and sends its request in a turn of its own, and its answer is parsed in
 * another (src/runtime/turns.ts): many calls started or answered together no longer hold the
 * event loop while Slack requests wait for their acks.
 *
 * At most MAX_CALLS_IN_FLIGHT calls per client are built and sent; the others wait as a promise,
 * not as a signed request parked in the HTTP agent's queue. When AWS is slow, hundreds of
 * parked requests kept the garbage collector busy (long pauses, late acks), and a request signed
 * long before it leaves is refused by AWS once its signature is five minutes old.
 */
function takeTurns(client: { middlewareStack: unknown }): void {
  const stack = client.middlewareStack as TurnStack;
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const nextCall = waiting.shift();
    if (nextCall) nextCall();
    else inFlight -= 1;
  };
  stack.add(
    (next) => async (args) => {
      if (inFlight < MAX_CALLS_IN_FLIGHT) inFlight += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        await nextTurn();
        return await next(args);
      } finally {
        release();
      }
    },
    { step: 'initialize', name: 'rollbackBotTurnBeforeSend', priority: 'low' },
  );
  // Innermost in the deserialize step: after the HTTP answer arrives, before it is parsed.
  stack.add(
    (next) => async (args) => {
      const answer = await next(args);
      await nextTurn();
      return answer;
    },
    { step: 'deserialize', name: 'rollbackBotTurnBeforeParse', priority: 'low' },
  );
}

/** A failure to get credentials for an environment's role (classified in aws-errors.ts). */
export class AssumeRoleError extends Error {
  constructor(
    readonly roleArn: string,
    override readonly cause: unknown,
  ) {
    super(`could not assume ${roleArn}: ${(cause as Error | undefined)?.message ?? String(cause)}`);
    this.name = 'AssumeRoleError';
  }
}

/**
 * The role's provider, with its failures marked as such: an STS denial then reads as "could not
 * assume the role", not as a denial of the call the credentials were for (aws-errors.ts).
 */
function assumingRole(
  roleArn: string,
  provider: ReturnType<typeof fromTemporaryCredentials>,
): ReturnType<typeof fromTemporaryCredentials> {
  return async (props) => {
    try {
      return await provider(props);
    } catch (err) {
      throw new AssumeRoleError(roleArn, err);
    }
  };
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, CodePipelineClient | CodeDeployClient | CloudWatchClient>();

  const proxy = options.proxy && usesProxy(options.proxy) ? options.proxy : undefined;
  const proxyAgents: HttpAgents[] = [];

  /** The HTTP handler's agents: through the proxy when one is set, else the SDK's own. */
  function requestHandler() {
    const pool = { maxSockets: MAX_CALLS_IN_FLIGHT, keepAlive: true };
    if (!proxy) return { httpAgent: pool, httpsAgent: pool };
    const agents = createHttpAgents(proxy, pool);
    proxyAgents.push(agents);
    return { httpAgent: agents.http, httpsAgent: agents.https };
  }

  // Behind a proxy, the default chain's own STS and SSO clients need it too.
  const baseCredentials =
    options.credentials ??
    (proxy
      ? fromNodeProviderChain({ clientConfig: { requestHandler: requestHandler() } })
      : undefined);

  function config(account: Account) {
    const credentials = account.roleArn
      ? assumingRole(
          account.roleArn,
          fromTemporaryCredentials({
            params: { RoleArn: account.roleArn, RoleSessionName: 'rollback-bot' },
            clientConfig: {
              region: account.region,
              ...(options.endpoint ? { endpoint: options.endpoint } : {}),
              ...(proxy ? { requestHandler: requestHandler() } : {}),
            },
            ...(baseCredentials ? { masterCredentials: baseCredentials } : {}),
          }),
        )
      : baseCredentials;
    return {
      region: account.region,
      // One attempt: retries are the job's, so each shows in the request record.
      maxAttempts: 1,
      // Resolve each command's middleware once per client, not on every call (about 8 % of a
      // call's CPU). Safe here: every middleware of ours is added when the client is made.
      cacheMiddleware: true,
      requestHandler: requestHandler(),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    };
  }

  function cached<T extends CodePipelineClient | CodeDeployClient | CloudWatchClient>(
    kind: string,
    account: Account,
    make: () => T,
  ): T {
    const key = `${kind}|${accountKey(account)}`;
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      takeTurns(client);
      cache.set(key, client);
    }
    return client;
  }

  return {
    codepipeline: (a) =>
      cached('cp', a, () => keepFinishedExecutions(new CodePipelineClient(config(a)))),
    codedeploy: (a) => cached('cd', a, () => new CodeDeployClient(config(a))),
    cloudwatch: (a) => cached('cw', a, () => new CloudWatchClient(config(a))),
    destroy() {
      for (const c of cache.values()) c.destroy();
      cache.clear();
      for (const agents of proxyAgents.splice(0)) agents.destroy();
    },
  };
}
