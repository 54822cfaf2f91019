// The browser tests' one setup: the real bot with the sandbox's own config and demo world, the
// local Slack's workspace page, and Chromium; a page opened as a person, once the page is live.
import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { type Harness, startHarness } from './harness.js';

const DEMO_WORLD = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const SANDBOX_CONFIG = new URL('../../src/sandbox/sandbox.config.yml', import.meta.url);

export interface SandboxPage {
  h: Harness;
  browser: Browser;
  /** A new page, live, acting as `user` (and in `channel` when given, e.g. '# deploys-prod'). */
  open(user: string, channel?: string, viewport?: { width: number; height: number }): Promise<Page>;
  stop(): Promise<void>;
}

/**
 * Starts the bot on the sandbox's config, changed by `config` when given (it must change it:
 * a replacement that no longer matches fails here, not later in a confusing way).
 */
export async function startSandboxPage(
  opts: { config?: (sandboxConfig: string) => string } = {},
): Promise<SandboxPage> {
  const original = await readFile(SANDBOX_CONFIG, 'utf8');
  const config = opts.config ? opts.config(original) : original;
  if (opts.config && config === original) throw new Error('the config change matched nothing');
  const h = await startHarness({
    config,
    world: DEMO_WORLD,
    time: { mode: 'realtime', stageDurationMs: 30 },
  });
  const browser = await launchChromium();
  await mkdir('test-artifacts', { recursive: true });
  return {
    h,
    browser,
    async open(user, channel, viewport = { width: 1280, height: 1100 }) {
      const page = await browser.newPage({ viewport });
      await page.goto(h.slack.pageUrl);
      await page.locator('body[data-ready="true"][data-live="true"]').waitFor();
      await page.getByTestId('user-switcher').selectOption(user);
      if (channel) await page.getByRole('button', { name: channel }).click();
      return page;
    },
    async stop() {
      await browser.close();
      await h.stop();
    },
  };
}
