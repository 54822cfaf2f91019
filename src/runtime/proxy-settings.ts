// Which proxy a URL goes through, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (pure: no sockets).
// The rules are curl's, so an environment that works for curl works for the bot:
// - http:// URLs use http_proxy, else HTTP_PROXY; https:// (and wss://) use https_proxy, else
//   HTTPS_PROXY. The lowercase form wins when both are set, as in curl. No ALL_PROXY.
// - A proxy URL may leave out the scheme (`proxy.corp:3128` means http://), and may carry
//   user:password@ for Basic proxy authentication. http:// and https:// proxies only.
// - NO_PROXY is a list split by commas or blanks: `*` (every host); a name, which also matches
//   its subdomains (`example.com` and `.example.com` both match `example.com` and
//   `www.example.com`, never `notexample.com`); an IP address, or an IP range in CIDR form
//   (`10.0.0.0/8`, `fd00::/8`), matched against URLs that name an IP (no DNS look-up). Beyond
//   curl: `*.example.com` is read as `.example.com`, and `name:port` matches that port only.
// - Nothing is exempt by default, not even localhost or 127.0.0.1 (curl neither): list them.
import net from 'node:net';

/** The process environment's proxy variables (both cases), as read once at start (env.ts). */
export interface ProxyEnv {
  HTTPS_PROXY?: string | undefined;
  https_proxy?: string | undefined;
  HTTP_PROXY?: string | undefined;
  http_proxy?: string | undefined;
  NO_PROXY?: string | undefined;
  no_proxy?: string | undefined;
}

/** The keys of ProxyEnv, for picking them out of a larger environment. */
export const PROXY_ENV_KEYS = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
] as const;

type NoProxyRule =
  | { kind: 'all' }
  | { kind: 'name'; name: string; port?: number }
  | { kind: 'ip'; family: 4 | 6; bytes: Uint8Array; bits: number; port?: number };

export interface ProxySettings {
  /** For http:// URLs; none means direct. */
  http?: URL;
  /** For https:// and wss:// URLs; none means direct. */
  https?: URL;
  noProxy: readonly NoProxyRule[];
}

/**
 * A proxy URL as given, or why it is not one. The reason never quotes the value: it may hold a
 * password.
 */
export function parseProxyUrl(value: string): URL | string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return 'must be a proxy URL such as http://proxy.example.com:3128';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http:// or https:// proxy URL (${url.protocol.slice(0, -1)} proxies are not supported)`;
  }
  if (!url.hostname) return 'must name the proxy host, e.g. http://proxy.example.com:3128';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return 'must be only scheme://[user:password@]host[:port], without a path or query';
  }
  return url;
}

function ipBytes(ip: string): { family: 4 | 6; bytes: Uint8Array } | undefined {
  const family = net.isIP(ip);
  if (family === 4) return { family, bytes: Uint8Array.from(ip.split('.').map(Number)) };
  if (family !== 6) return undefined;
  // Expand "::" and a trailing dotted IPv4 part into eight 16-bit groups.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return { family, bytes };
}

/** One NO_PROXY entry, or undefined when it is none of the forms above. */
function parseRule(entry: string): NoProxyRule | undefined {
  if (entry === '*') return { kind: 'all' };
  let host = entry;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  const hostPort = /^([^:]+):(\d+)$/.exec(host);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (hostPort) {
    host = hostPort[1]!;
    port = Number(hostPort[2]);
  }
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const [address = '', bitsText, extra] = host.split('/');
  const ip = ipBytes(address);
  if (ip) {
    const max = ip.family === 4 ? 32 : 128;
    const bits = bitsText === undefined ? max : Number(bitsText);
    if (extra !== undefined || (bitsText !== undefined && !/^\d+$/.test(bitsText)))
      return undefined;
    if (bits > max) return undefined;
    return { kind: 'ip', ...ip, bits, ...(port !== undefined ? { port } : {}) };
  }
  const name = host
    .replace(/^\*?\./, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(name)) {
    return undefined;
  }
  return { kind: 'name', name, ...(port !== undefined ? { port } : {}) };
}

/** NO_PROXY's rules, or why an entry is not one (by position: the list is not quoted back). */
export function parseNoProxy(value: string): NoProxyRule[] | string {
  const entries = value.split(/[\s,]+/).filter(Boolean);
  const rules: NoProxyRule[] = [];
  for (const [i, entry] of entries.entries()) {
    const rule = parseRule(entry);
    if (!rule) {
      return `entry ${i + 1} is not a host name, .domain, IP address, CIDR range (10.0.0.0/8) or *; entries are separated by commas`;
    }
    rules.push(rule);
  }
  return rules;
}

/** The settings from an environment env.ts has validated (a bad value here is a bug: it throws). */
export function proxySettingsOf(env: ProxyEnv): ProxySettings {
  const url = (value: string | undefined, name: string) => {
    if (!value) return undefined;
    const parsed = parseProxyUrl(value);
    if (typeof parsed === 'string') throw new Error(`${name} ${parsed}`);
    return parsed;
  };
  const http = url(env.http_proxy || undefined, 'http_proxy') ?? url(env.HTTP_PROXY, 'HTTP_PROXY');
  const https =
    url(env.https_proxy || undefined, 'https_proxy') ?? url(env.HTTPS_PROXY, 'HTTPS_PROXY');
  const noProxyText = env.no_proxy || env.NO_PROXY || '';
  const noProxy = parseNoProxy(noProxyText);
  if (typeof noProxy === 'string') throw new Error(`NO_PROXY: ${noProxy}`);
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), noProxy };
}

/** Whether any proxy is set (without one, every connection is direct and nothing changes). */
export function usesProxy(settings: ProxySettings): boolean {
  return Boolean(settings.http || settings.https);
}

function inRange(bytes: Uint8Array, rule: { bytes: Uint8Array; bits: number }): boolean {
  const whole = Math.floor(rule.bits / 8);
  for (let i = 0; i < whole; i++) if (bytes[i] !== rule.bytes[i]) return false;
  const rest = rule.bits % 8;
  if (!rest) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole]! ^ rule.bytes[whole]!) & mask) === 0;
}

/** Whether NO_PROXY sends a connection to `hostname`:`port` direct. */
export function bypassesProxy(settings: ProxySettings, hostname: string, port: number): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const ip = ipBytes(host);
  return settings.noProxy.some((rule) => {
    if (rule.kind === 'all') return true;
    if (rule.port !== undefined && rule.port !== port) return false;
    if (rule.kind === 'ip') return ip?.family === rule.family && inRange(ip.bytes, rule);
    return !ip && (host === rule.name || host.endsWith(`.${rule.name}`));
  });
}

const DEFAULT_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
};

/** The proxy a request to `url` goes through, or undefined when it goes direct. */
export function proxyFor(settings: ProxySettings, url: URL): URL | undefined {
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const proxy = secure ? settings.https : settings.http;
  if (!proxy) return undefined;
  const port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0);
  return bypassesProxy(settings, url.hostname, port) ? undefined : proxy;
}

/** A proxy as it may be logged: scheme, host and port, never the credentials. */
export function shownProxy(proxy: URL | undefined): string {
  return proxy ? `${proxy.protocol}//${proxy.host}` : 'none';
}
