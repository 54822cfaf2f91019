// The connections to Slack and AWS, through the proxy that proxy-settings.ts picks for each URL.
// Two kinds of client need it in two shapes:
// - node:http(s) agents, for our own Slack transport (http-fetch.ts) and the AWS SDK's
//   NodeHttpHandler (the SDK does not read HTTPS_PROXY itself). A routing agent looks at each
//   request's host and port and hands it to a direct keep-alive agent or to a proxy agent
//   (https-proxy-agent tunnels with CONNECT, http-proxy-agent forwards http:// requests as
//   absolute URLs, as curl does); sockets are pooled and kept alive either way.
// - an undici dispatcher, for Socket Mode (its WebSocket and apps.connections.open are undici's)
//   and for the odd call our transport leaves to fetch (an upload).
// The tunnelling and proxy authentication are the libraries'; which URL goes where is ours, one
// rule for both shapes. Without a proxy set, nothing here is used: plain agents, no dispatcher.
import http from 'node:http';
import https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { type Dispatcher, Pool, ProxyAgent, Agent as UndiciAgent } from 'undici';
import {
  bypassesProxy,
  PROXY_ENV_KEYS,
  type ProxyEnv,
  type ProxySettings,
  proxyFor,
  proxySettingsOf,
  usesProxy,
} from './proxy-settings.js';

export interface PoolOptions {
  keepAlive: boolean;
  /** Sockets per host (per proxy, through one). */
  maxSockets: number;
}

/** An agent for http:// URLs and one for https:// URLs; destroy() closes every socket of both. */
export interface HttpAgents {
  http: http.Agent;
  https: https.Agent;
  destroy(): void;
}

/** What node:http hands an agent (not in @types/node, but every agent is driven by it). */
interface Requestable {
  addRequest(req: http.ClientRequest, options: { host?: string; port?: number | string }): void;
}

type Pick = (options: { host?: string; port?: number | string }) => http.Agent;

function picker(settings: ProxySettings, direct: http.Agent, proxied: http.Agent, port: number) {
  return ({ host, port: p }: { host?: string; port?: number | string }) =>
    bypassesProxy(settings, host ?? 'localhost', Number(p) || port) ? direct : proxied;
}

/**
 * `agent`, made to hand each request to the direct or the proxied agent `pick` chooses, and to
 * close both with itself. It stays an instance of its own class: node:https checks that an
 * https request's agent is an https.Agent.
 */
function routing<A extends http.Agent>(agent: A, pick: Pick, parts: http.Agent[]): A {
  const destroyOwn = agent.destroy.bind(agent);
  (agent as unknown as Requestable).addRequest = (req, options) =>
    (pick(options) as unknown as Requestable).addRequest(req, options);
  agent.destroy = () => {
    for (const part of parts) part.destroy();
    destroyOwn();
  };
  return agent;
}

/** Keep-alive agents that send each request direct or through its proxy (settings). */
export function createHttpAgents(settings: ProxySettings, options: PoolOptions): HttpAgents {
  const direct = { http: new http.Agent(options), https: new https.Agent(options) };
  const agents: { http: http.Agent; https: https.Agent } = { ...direct };
  if (settings.http) {
    const proxied = new HttpProxyAgent(settings.http, options);
    const pick = picker(settings, direct.http, proxied, 80);
    agents.http = routing(new http.Agent(options), pick, [direct.http, proxied]);
  }
  if (settings.https) {
    const proxied = new HttpsProxyAgent(settings.https, options);
    const pick = picker(settings, direct.https, proxied, 443);
    agents.https = routing(new https.Agent(options), pick, [direct.https, proxied]);
  }
  return {
    ...agents,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/**
 * An undici dispatcher that connects each origin direct or through its proxy (CONNECT), or
 * undefined when no proxy is set (callers then keep their own default).
 */
export function createProxyDispatcher(settings: ProxySettings): Dispatcher | undefined {
  if (!usesProxy(settings)) return undefined;
  return new UndiciAgent({
    factory(origin, opts) {
      const url = new URL(String(origin));
      const proxy = proxyFor(settings, url);
      return proxy ? new ProxyAgent({ uri: proxy.href }) : new Pool(url.origin, opts);
    },
  });
}

const dispatchers = new Map<string, Dispatcher | undefined>();

/** The proxy key of an environment: the same settings share one dispatcher and one pool. */
export function proxyKeyOf(env: ProxyEnv): string {
  return JSON.stringify(PROXY_ENV_KEYS.map((k) => env[k] ?? ''));
}

/**
 * The process's dispatcher for these settings (Socket Mode's WebSocket and HTTP calls), made once
 * per settings; undefined without a proxy.
 */
export function proxyDispatcherFor(env: ProxyEnv): Dispatcher | undefined {
  const key = proxyKeyOf(env);
  if (!dispatchers.has(key)) dispatchers.set(key, createProxyDispatcher(proxySettingsOf(env)));
  return dispatchers.get(key);
}
