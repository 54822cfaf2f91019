// Which proxy a URL goes through: HTTP_PROXY for http://, HTTPS_PROXY for https:// and wss://,
// lowercase first; NO_PROXY as curl reads it (names with their subdomains, a leading dot, `*`,
// IPs and CIDR ranges, no DNS), plus name:port; nothing exempt by default. And the messages for
// bad values, which never quote them.
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/config/errors.js';
import {
  parseNoProxy,
  parseProxyUrl,
  proxyFor,
  proxySettingsOf,
  shownProxy,
  usesProxy,
} from '../../../src/runtime/proxy-settings.js';

const PROXY = 'http://proxy.corp:3128';
const via = (noProxy: string, url: string) =>
  proxyFor(
    proxySettingsOf({ HTTPS_PROXY: PROXY, HTTP_PROXY: PROXY, NO_PROXY: noProxy }),
    new URL(url),
  )?.href;

describe('proxyFor', () => {
  it('sends https:// and wss:// to HTTPS_PROXY, http:// to HTTP_PROXY', () => {
    const s = proxySettingsOf({ HTTPS_PROXY: 'http://tls-proxy:1', HTTP_PROXY: 'http://plain:2' });
    expect(proxyFor(s, new URL('https://slack.com/api/'))?.host).toBe('tls-proxy:1');
    expect(proxyFor(s, new URL('wss://wss-primary.slack.com/link'))?.host).toBe('tls-proxy:1');
    expect(proxyFor(s, new URL('http://127.0.0.1:4566/'))?.host).toBe('plain:2');
  });

  it('goes direct for a scheme whose variable is unset', () => {
    const s = proxySettingsOf({ HTTPS_PROXY: PROXY });
    expect(proxyFor(s, new URL('http://127.0.0.1:4566/'))).toBeUndefined();
    expect(usesProxy(s)).toBe(true);
    expect(usesProxy(proxySettingsOf({}))).toBe(false);
  });

  it('prefers the lowercase variable, as curl does', () => {
    const s = proxySettingsOf({
      https_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://upper:2',
      no_proxy: 'a.example',
      NO_PROXY: 'b.example',
    });
    expect(proxyFor(s, new URL('https://slack.com/'))?.host).toBe('lower:1');
    expect(proxyFor(s, new URL('https://a.example/'))).toBeUndefined();
    expect(proxyFor(s, new URL('https://b.example/'))?.host).toBe('lower:1');
  });

  it('reads a proxy without a scheme as http://', () => {
    expect(
      proxyFor(proxySettingsOf({ HTTPS_PROXY: 'proxy.corp:8080' }), new URL('https://x.y/'))?.href,
    ).toBe('http://proxy.corp:8080/');
  });

  it.each([
    ['example.com', 'https://example.com/', 'direct'],
    ['example.com', 'https://www.example.com/', 'direct'],
    ['example.com', 'https://notexample.com/', 'proxy'],
    ['.example.com', 'https://example.com/', 'direct'],
    ['.example.com', 'https://deep.www.example.com/', 'direct'],
    ['*.example.com', 'https://www.example.com/', 'direct'],
    ['EXAMPLE.com', 'https://Www.Example.COM./', 'direct'],
    ['*', 'https://anything.at.all/', 'direct'],
    ['a.test, b.test ,c.test', 'https://b.test/', 'direct'],
    ['a.test b.test', 'https://b.test/', 'direct'],
    ['example.com:8443', 'https://example.com:8443/', 'direct'],
    ['example.com:8443', 'https://example.com/', 'proxy'],
    ['127.0.0.1:4566', 'http://127.0.0.1:4566/', 'direct'],
    ['127.0.0.1:4566', 'http://127.0.0.1:3000/', 'proxy'],
    ['10.0.0.0/8', 'https://10.20.30.40/', 'direct'],
    ['10.0.0.0/8', 'https://11.0.0.1/', 'proxy'],
    ['192.168.1.0/23', 'https://192.168.0.9/', 'direct'],
    ['192.168.1.0/23', 'https://192.168.2.1/', 'proxy'],
    ['169.254.169.254', 'http://169.254.169.254/latest/', 'direct'],
    ['::1', 'http://[::1]:8080/', 'direct'],
    ['[::1]:8080', 'http://[::1]:8080/', 'direct'],
    ['fd00::/8', 'https://[fd12:3456::1]/', 'direct'],
    ['fd00::/8', 'https://[fe80::1]/', 'proxy'],
    ['10.0.0.0/8', 'https://10.example.com/', 'proxy'],
    // Nothing is exempt unless listed, localhost included (curl neither).
    ['', 'http://localhost:3000/', 'proxy'],
    ['', 'http://127.0.0.1:3000/', 'proxy'],
    ['localhost', 'http://127.0.0.1:3000/', 'proxy'],
    ['localhost,127.0.0.1', 'http://127.0.0.1:3000/', 'direct'],
  ])('NO_PROXY=%j: %s goes %s', (noProxy, url, expected) => {
    expect(via(noProxy, url) ? 'proxy' : 'direct').toBe(expected);
  });
});

describe('bad values', () => {
  it.each([
    ['socks5://proxy:1080', 'socks5 proxies are not supported'],
    ['http://proxy:3128/path', 'without a path'],
    ['http://', 'must be a proxy URL'],
  ])('%s is refused: %s', (value, reason) => {
    expect(parseProxyUrl(value)).toContain(reason);
  });

  it.each(['10.0.0.0/33', 'http://example.com', 'a b/c', 'example.com:0', 'exa!mple'])(
    'NO_PROXY entry %j is refused',
    (entry) => {
      expect(typeof parseNoProxy(`ok.test,${entry}`)).toBe('string');
    },
  );

  it('names the variable and never shows the password, in config errors and in logs', () => {
    const base = {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret-secret',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ROLLBACK_CONFIG: 'x.yml',
    };
    let error: unknown;
    try {
      loadEnv({
        ...base,
        HTTPS_PROXY: 'socks5://alice:hunter2@proxy:1080',
        NO_PROXY: '10.0.0.0/99',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('HTTPS_PROXY: must be an http:// or https:// proxy URL');
    expect(message).toContain('NO_PROXY: entry 1 is not');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('alice');

    const env = loadEnv({ ...base, https_proxy: 'http://alice:hunter2@proxy.corp:3128' });
    const settings = proxySettingsOf(env);
    expect(shownProxy(settings.https)).toBe('http://proxy.corp:3128');
  });
});
