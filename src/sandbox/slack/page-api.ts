// The workspace page's own endpoints (/_page/…): a state snapshot, live events (SSE), and the
// acts of a person (command, click, submit, say, open the app's Home tab). They reuse the test
// client's machinery, so the page and the tests drive the bot the same way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openAppHome } from './app-home.js';
import { buttonAction, findByIds, findOption, selectAction, viewStateValues } from './elements.js';
import type { Message } from './state.js';
import {
  type BotLink,
  closeView,
  sendBlockAction,
  sendCommand,
  sendViewSubmission,
} from './towards-bot.js';
import { resolveChannel } from './web-api.js';

export interface ScenarioNames {
  /** Pipelines offered by the page's scenario controls (the first is preselected). */
  pipelines?: string[];
  /** Alarms offered by the page's scenario controls. */
  alarms?: string[];
  /**
   * Per pipeline: its region when not the control API's default (us-east-1), the stage "Deploy
   * that fails" fails (default Deploy), and the alarms of the environments it deploys to, which
   * the page offers first (and picks) when that pipeline is chosen.
   */
  pipelineDetails?: Record<string, { region?: string; failStage?: string; alarms?: string[] }>;
  /** Per alarm: its region when not us-east-1. */
  alarmRegions?: Record<string, string>;
}

export interface PageContext {
  link: BotLink;
  awsControlUrl: string | undefined;
  scenarios: ScenarioNames;
  apiUrl: () => string;
}

type Json = Record<string, unknown>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Json = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(headers as Record<string, string>),
  });
  res.end(JSON.stringify(body));
}

export function snapshot(page: PageContext): Json {
  const { ctx } = page.link;
  const modals: Record<string, unknown> = {};
  for (const [user, modal] of ctx.state.modals) modals[user] = modal.stack[modal.stack.length - 1];
  const homes: Record<string, unknown> = Object.fromEntries(ctx.state.homes);
  return {
    team: { id: ctx.teamId, name: ctx.workspace.teamName, domain: ctx.workspace.domain },
    bot: ctx.workspace.bot,
    users: ctx.workspace.users,
    userGroups: ctx.workspace.userGroups,
    channels: ctx.workspace.channels,
    messages: ctx.state.messages,
    ephemerals: ctx.state.ephemerals,
    modals,
    homes,
    transport: page.link.socket ? 'socket' : 'http',
    botConnected: page.link.socket
      ? page.link.socket.connectionCount() > 0
      : page.link.botUrl() !== undefined,
    awsControl: page.awsControlUrl !== undefined,
    scenarios: page.scenarios,
    apiUrl: page.apiUrl(),
  };
}

export function streamEvents(page: PageContext, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  const unsubscribe = page.link.ctx.state.subscribe((event) => {
    if (event.kind === 'api_call') return;
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  keepAlive.unref();
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

function str(body: Json, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new PageInputError(`${key} is required`);
  return value;
}

export class PageInputError extends Error {}

function findTarget(page: PageContext, body: Json): { message?: Message; viewId?: string } {
  const { state } = page.link.ctx;
  if (typeof body.viewId === 'string') return { viewId: body.viewId };
  const channel = str(body, 'channel');
  const ts = str(body, 'ts');
  const message =
    body.ephemeral === true ? state.findEphemeral(channel, ts) : state.findMessage(channel, ts);
  if (!message) throw new PageInputError('That message is gone');
  return { message };
}

/** Handles POST /_page/<act>; returns the JSON answer. */
export async function pageAct(page: PageContext, act: string, body: Json): Promise<unknown> {
  const { link } = page;
  const { ctx } = link;
  const user = str(body, 'user');
  switch (act) {
    case 'command': {
      const line = str(body, 'text').trim();
      const space = line.indexOf(' ');
      const command = space < 0 ? line : line.slice(0, space);
      const text = space < 0 ? '' : line.slice(space + 1).trim();
      const sent = await sendCommand(link, { command, text, user, channel: str(body, 'channel') });
      return { status: sent.status, ack: sent.ack, error: sent.error };
    }
    case 'say': {
      const channel = resolveChannel(ctx, str(body, 'channel'));
      if (!channel) throw new PageInputError('Unknown channel');
      const message: Message = {
        channel: channel.id,
        ts: ctx.state.nextTs(),
        text: str(body, 'text'),
        blocks: [],
        user,
        source: 'user',
      };
      if (typeof body.thread_ts === 'string') message.thread_ts = body.thread_ts;
      ctx.state.addMessage(message);
      return { ok: true, ts: message.ts };
    }
    case 'home': {
      // The person opened the app's Home tab: Slack tells the app (app_home_opened).
      const opened = await openAppHome(link, user);
      return { sent: opened.sent, status: opened.result?.status, error: opened.result?.error };
    }
    case 'action': {
      const target = findTarget(page, body);
      const view = target.viewId ? ctx.state.findView(target.viewId) : undefined;
      const home = target.viewId ? ctx.state.findHome(target.viewId) : undefined;
      const current = view ? view.modal.stack[view.index]! : home;
      const blocks = current?.blocks ?? target.message?.blocks;
      if (!blocks) throw new PageInputError('That view is closed');
      const found = findByIds(blocks, str(body, 'blockId'), str(body, 'actionId'));
      const values = Array.isArray(body.values) ? (body.values as string[]) : [];
      const action =
        found.element.type === 'button'
          ? buttonAction(found)
          : selectAction(
              found,
              values.map((v) => findOption(found.element, v)),
            );
      const sendTo = current ? { view: current } : { message: target.message! };
      const sent = await sendBlockAction(link, { user, target: sendTo, action });
      return { status: sent.status, error: sent.error };
    }
    case 'submit': {
      const found = ctx.state.findView(str(body, 'viewId'));
      if (!found) throw new PageInputError('That view is closed');
      const view = found.modal.stack[found.index]!;
      const values = (body.values ?? {}) as Record<string, string | string[] | null>;
      const sent = await sendViewSubmission(link, {
        user,
        view,
        values: viewStateValues(view, values),
      });
      return { status: sent.status, ack: sent.ack, error: sent.error };
    }
    case 'close': {
      await closeView(link, user);
      return { ok: true };
    }
    default:
      throw new PageInputError(`Unknown act ${act}`);
  }
}

/**
 * Forwards a scenario button (POST) or a read for the page's "Local AWS" panel (GET) to the local
 * AWS endpoint's control API (/_sandbox/…).
 */
export async function forwardToAws(
  page: PageContext,
  path: string,
  body: string,
  method: 'GET' | 'POST' = 'POST',
): Promise<{ status: number; body: string }> {
  if (!page.awsControlUrl) return { status: 404, body: '{"error":"no AWS control URL"}' };
  const url = `${page.awsControlUrl.replace(/\/+$/, '')}/_sandbox/${path}`;
  try {
    const response = await fetch(url, {
      method,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 502,
      body: JSON.stringify({ error: `local AWS endpoint unreachable: ${message}` }),
    };
  }
}
