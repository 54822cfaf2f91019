// The subset of Slack's Web API the bot calls, with Slack's envelope and error codes.
// Each handler takes already-decoded arguments and returns the JSON body Slack would send.
import { randomBytes } from 'node:crypto';
import { checkBlocks, checkHomeView, checkModalView } from './block-kit-limits.js';
import { historyPage, type Page, repliesPage } from './history.js';
import { manifestAppHome } from './manifest-scopes.js';
import type { ChannelRateLimiter } from './rate-limiter.js';
import type { HomeView, Message, ModalView, SlackBlock, WorkspaceState } from './state.js';
import type { TriggerIds } from './triggers.js';
import type { Workspace, WorkspaceChannel, WorkspaceUser } from './workspace.js';

/** Slack refuses message text longer than this with msg_too_long. */
export const MAX_MESSAGE_TEXT = 40_000;
/** Slack lets a user stack at most three modal views. */
export const MAX_VIEW_STACK = 3;
/** views.publish answers view_too_large above this (250 kB of JSON). */
export const MAX_HOME_VIEW_BYTES = 250_000;

export interface ApiContext {
  state: WorkspaceState;
  workspace: Workspace;
  botToken: string;
  teamId: string;
  apiAppId: string;
  triggers: TriggerIds;
  limiter: ChannelRateLimiter;
  /** Base URL of this server, for permalinks. */
  baseUrl: () => string;
}

export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

type Args = Record<string, unknown>;
type Handler = (ctx: ApiContext, args: Args) => Record<string, unknown>;

/** The conversations.* scopes depend on the kind of conversation, as in Slack. */
function byConversation(kind: 'read' | 'history') {
  return (ctx: ApiContext, args: Args): string => {
    const channel = resolveChannel(ctx, args.channel);
    if (channel?.isIm) return `im:${kind}`;
    return channel?.isPrivate ? `groups:${kind}` : `channels:${kind}`;
  };
}

const SCOPES: Record<string, string | ((ctx: ApiContext, args: Args) => string)> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.delete': 'chat:write',
  'users.info': 'users:read',
  'users.list': 'users:read',
  'usergroups.list': 'usergroups:read',
  'usergroups.users.list': 'usergroups:read',
  'conversations.info': byConversation('read'),
  'conversations.members': byConversation('read'),
  'conversations.history': byConversation('history'),
  'conversations.replies': byConversation('history'),
};

function scopeNeeded(ctx: ApiContext, method: string, args: Args): string | undefined {
  const scope = SCOPES[method];
  return typeof scope === 'function' ? scope(ctx, args) : scope;
}

function fail(error: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ok: false, error, ...extra };
}

function invalid(error: string, problems: string[]): Record<string, unknown> {
  return {
    ok: false,
    error,
    errors: problems,
    response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
  };
}

/** Form-encoded arguments arrive as strings; JSON-valued ones (blocks, view) need decoding. */
function jsonArg(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function findUser(ctx: ApiContext, id: unknown): WorkspaceUser | undefined {
  return ctx.workspace.users.find((u) => u.id === id);
}

/** Channel ids, names ("#deploys-prod" or "deploys-prod") and user ids (a DM with the bot). */
export function resolveChannel(ctx: ApiContext, ref: unknown): WorkspaceChannel | undefined {
  const value = str(ref);
  if (!value) return undefined;
  const name = value.startsWith('#') ? value.slice(1) : value;
  const found = ctx.workspace.channels.find((c) => c.id === value || (!c.isIm && c.name === name));
  if (found) return found;
  const user = findUser(ctx, value);
  if (!user) return undefined;
  const im: WorkspaceChannel = {
    id: `D${user.id.slice(1)}`,
    name: user.name,
    botIsMember: true,
    members: [user.id],
    isIm: true,
    user: user.id,
  };
  ctx.workspace.channels.push(im);
  return im;
}

/** Slack gives every block a block_id when the app did not. */
function withBlockIds(blocks: SlackBlock[]): SlackBlock[] {
  return blocks.map((block) =>
    block.block_id === undefined ? { ...block, block_id: randomBytes(3).toString('hex') } : block,
  );
}

/**
 * A message as the Web API shows it. conversations.history and .replies show metadata only when
 * asked with include_all_metadata (`withMetadata` false otherwise).
 */
export function apiMessage(
  ctx: ApiContext,
  m: Message,
  withMetadata = true,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'message',
    user: m.user,
    text: m.text,
    ts: m.ts,
    team: ctx.teamId,
    blocks: m.blocks,
  };
  if (m.bot_id) {
    out.bot_id = m.bot_id;
    out.app_id = ctx.apiAppId;
  }
  if (m.thread_ts) out.thread_ts = m.thread_ts;
  if (m.edited) out.edited = m.edited;
  if (m.reply_count) out.reply_count = m.reply_count;
  if (withMetadata && m.metadata !== undefined) out.metadata = m.metadata;
  return out;
}

/** Message metadata: `{ event_type, event_payload }`, checked as Slack checks it. */
function messageMetadata(args: Args): { ok: true; value?: unknown } | { ok: false; body: Args } {
  if (args.metadata === undefined || args.metadata === '') return { ok: true };
  const parsed = jsonArg(args.metadata);
  const isObject = (v: unknown): v is Args =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!parsed.ok || !isObject(parsed.value)) {
    return { ok: false, body: fail('invalid_metadata_format') };
  }
  const { event_type, event_payload } = parsed.value;
  if (typeof event_type !== 'string' || event_type === '' || !isObject(event_payload)) {
    return { ok: false, body: fail('invalid_metadata_schema') };
  }
  return { ok: true, value: { event_type, event_payload } };
}

type Content = { ok: true; text: string; blocks: SlackBlock[] } | { ok: false; body: Args };

/** text / blocks checks shared by postMessage, postEphemeral, update and response_url. */
export function messageContent(args: Args, requireSomething = true): Content {
  let blocks: SlackBlock[] = [];
  if (args.blocks !== undefined && args.blocks !== '') {
    const parsed = jsonArg(args.blocks);
    if (!parsed.ok || !Array.isArray(parsed.value)) {
      return { ok: false, body: fail('invalid_blocks_format') };
    }
    const problems = checkBlocks(parsed.value, 'message');
    if (problems.length > 0) return { ok: false, body: invalid('invalid_blocks', problems) };
    blocks = withBlockIds(parsed.value as SlackBlock[]);
  }
  const text = str(args.text) ?? str(args.markdown_text) ?? '';
  const hasAttachments = args.attachments !== undefined && args.attachments !== '[]';
  if (requireSomething && text === '' && blocks.length === 0 && !hasAttachments) {
    return { ok: false, body: fail('no_text') };
  }
  if (text.length > MAX_MESSAGE_TEXT) return { ok: false, body: fail('msg_too_long') };
  return { ok: true, text, blocks };
}

function postableChannel(
  ctx: ApiContext,
  ref: unknown,
): { ok: true; channel: WorkspaceChannel } | { ok: false; body: Args } {
  const channel = resolveChannel(ctx, ref);
  if (!channel) return { ok: false, body: fail('channel_not_found') };
  if (!channel.botIsMember) return { ok: false, body: fail('not_in_channel') };
  return { ok: true, channel };
}

const postMessage: Handler = (ctx, args) => {
  const target = postableChannel(ctx, args.channel);
  if (!target.ok) return target.body;
  const content = messageContent(args);
  if (!content.ok) return content.body;
  const metadata = messageMetadata(args);
  if (!metadata.ok) return metadata.body;
  let threadTs = str(args.thread_ts);
  if (threadTs !== undefined) {
    // Replying to a reply lands in the same thread, under its parent.
    const parent = ctx.state.findMessage(target.channel.id, threadTs);
    if (parent?.thread_ts) threadTs = parent.thread_ts;
  }
  const message: Message = {
    channel: target.channel.id,
    ts: ctx.state.nextTs(),
    text: content.text,
    blocks: content.blocks,
    user: ctx.workspace.bot.userId,
    bot_id: ctx.workspace.bot.botId,
    source: 'api',
  };
  if (threadTs !== undefined) message.thread_ts = threadTs;
  if (metadata.value !== undefined) message.metadata = metadata.value;
  ctx.state.addMessage(message);
  return { ok: true, channel: message.channel, ts: message.ts, message: apiMessage(ctx, message) };
};

const update: Handler = (ctx, args) => {
  const channel = resolveChannel(ctx, args.channel);
  if (!channel) return fail('channel_not_found');
  const ts = str(args.ts);
  const message = ts ? ctx.state.findMessage(channel.id, ts) : undefined;
  if (!message) return fail('message_not_found');
  if (message.bot_id !== ctx.workspace.bot.botId) return fail('cant_update_message');
  const content = messageContent(args, false);
  if (!content.ok) return content.body;
  const metadata = messageMetadata(args);
  if (!metadata.ok) return metadata.body;
  const change: Partial<Message> = {
    edited: { user: ctx.workspace.bot.userId, ts: ctx.state.nextTs() },
  };
  if (args.text !== undefined) change.text = content.text;
  if (args.blocks !== undefined) change.blocks = content.blocks;
  // Without `metadata` an update leaves the message's metadata as it was.
  if (metadata.value !== undefined) change.metadata = metadata.value;
  if (change.text === undefined && change.blocks === undefined) return fail('no_text');
  ctx.state.replaceMessage(message, change);
  return {
    ok: true,
    channel: channel.id,
    ts: message.ts,
    text: message.text,
    message: apiMessage(ctx, message),
  };
};

const postEphemeral: Handler = (ctx, args) => {
  const target = postableChannel(ctx, args.channel);
  if (!target.ok) return target.body;
  const user = findUser(ctx, args.user);
  if (!user) return fail('user_not_found');
  if (!target.channel.members.includes(user.id)) return fail('user_not_in_channel');
  const content = messageContent(args);
  if (!content.ok) return content.body;
  const message: Message = {
    channel: target.channel.id,
    ts: ctx.state.nextTs(),
    text: content.text,
    blocks: content.blocks,
    user: ctx.workspace.bot.userId,
    bot_id: ctx.workspace.bot.botId,
    visible_to: user.id,
    source: 'api',
  };
  let threadTs = str(args.thread_ts);
  if (threadTs !== undefined) {
    // As for postMessage: a reply's ts means its thread.
    const parent = ctx.state.findMessage(target.channel.id, threadTs);
    if (parent?.thread_ts) threadTs = parent.thread_ts;
    message.thread_ts = threadTs;
  }
  ctx.state.addEphemeral(message);
  return { ok: true, message_ts: message.ts };
};

const deleteMessage: Handler = (ctx, args) => {
  const channel = resolveChannel(ctx, args.channel);
  if (!channel) return fail('channel_not_found');
  const ts = str(args.ts);
  const message = ts ? ctx.state.findMessage(channel.id, ts) : undefined;
  if (!message) return fail('message_not_found');
  if (message.bot_id !== ctx.workspace.bot.botId) return fail('cant_delete_message');
  ctx.state.deleteMessage(message);
  return { ok: true, channel: channel.id, ts: message.ts };
};

export function permalink(baseUrl: string, channel: string, ts: string): string {
  return `${baseUrl}/#/archives/${channel}/p${ts.replace('.', '')}`;
}

const getPermalink: Handler = (ctx, args) => {
  const channel = resolveChannel(ctx, args.channel);
  if (!channel) return fail('channel_not_found');
  const ts = str(args.message_ts);
  const message = ts ? ctx.state.findMessage(channel.id, ts) : undefined;
  if (!message || !ts) return fail('message_not_found');
  return { ok: true, channel: channel.id, permalink: permalink(ctx.baseUrl(), channel.id, ts) };
};

function userObject(ctx: ApiContext, user: WorkspaceUser): Record<string, unknown> {
  return {
    id: user.id,
    team_id: ctx.teamId,
    name: user.name,
    real_name: user.realName,
    deleted: false,
    is_bot: false,
    is_admin: user.isManager === true,
    tz: user.tz ?? 'UTC',
    profile: {
      real_name: user.realName,
      display_name: user.name,
      title: user.title ?? '',
    },
  };
}

function channelObject(ctx: ApiContext, channel: WorkspaceChannel): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isIm && !channel.isPrivate,
    is_group: channel.isPrivate === true,
    is_im: channel.isIm === true,
    is_private: channel.isPrivate === true || channel.isIm === true,
    is_archived: false,
    is_member: channel.botIsMember,
    context_team_id: ctx.teamId,
    topic: { value: channel.topic ?? '', creator: '', last_set: 0 },
    num_members: channel.members.length,
    ...(channel.user ? { user: channel.user } : {}),
  };
}

function openView(
  ctx: ApiContext,
  raw: unknown,
  previous: ModalView | undefined,
): { ok: true; view: ModalView } | { ok: false; body: Args } {
  const parsed = jsonArg(raw);
  if (raw === undefined || !parsed.ok) return { ok: false, body: fail('invalid_arguments') };
  const problems = checkModalView(parsed.value);
  if (problems.length > 0) return { ok: false, body: invalid('invalid_arguments', problems) };
  const input = parsed.value as Args;
  const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
  const view: ModalView = {
    id,
    team_id: ctx.teamId,
    type: 'modal',
    title: input.title as ModalView['title'],
    blocks: withBlockIds(input.blocks as SlackBlock[]),
    private_metadata: str(input.private_metadata) ?? '',
    callback_id: str(input.callback_id) ?? '',
    external_id: str(input.external_id) ?? '',
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    clear_on_close: truthy(input.clear_on_close),
    notify_on_close: truthy(input.notify_on_close),
    root_view_id: previous?.root_view_id ?? id,
    previous_view_id: previous?.id ?? null,
    app_id: ctx.apiAppId,
    bot_id: ctx.workspace.bot.botId,
  };
  if (input.submit !== undefined) view.submit = input.submit as NonNullable<ModalView['submit']>;
  if (input.close !== undefined) view.close = input.close as NonNullable<ModalView['close']>;
  return { ok: true, view };
}

const viewsOpen: Handler = (ctx, args) => {
  const trigger = ctx.triggers.exchange(args.trigger_id);
  if (!trigger.ok) return fail(trigger.error);
  const opened = openView(ctx, args.view, undefined);
  if (!opened.ok) return opened.body;
  ctx.state.setModal(trigger.user, [opened.view]);
  return { ok: true, view: opened.view };
};

const viewsPush: Handler = (ctx, args) => {
  const trigger = ctx.triggers.exchange(args.trigger_id);
  if (!trigger.ok) return fail(trigger.error);
  const modal = ctx.state.modals.get(trigger.user);
  if (!modal) return fail('not_found');
  if (modal.stack.length >= MAX_VIEW_STACK) return fail('push_limit_reached');
  const opened = openView(ctx, args.view, modal.stack[modal.stack.length - 1]);
  if (!opened.ok) return opened.body;
  ctx.state.setModal(trigger.user, [...modal.stack, opened.view]);
  return { ok: true, view: opened.view };
};

const viewsUpdate: Handler = (ctx, args) => {
  const viewId = str(args.view_id);
  const externalId = str(args.external_id);
  const found = viewId
    ? ctx.state.findView(viewId)
    : externalId
      ? ctx.state.findViewByExternalId(externalId)
      : undefined;
  if (!found) return fail('not_found');
  const current = found.modal.stack[found.index]!;
  const hash = str(args.hash);
  if (hash !== undefined && hash !== current.hash) return fail('hash_conflict');
  const opened = openView(ctx, args.view, undefined);
  if (!opened.ok) return opened.body;
  const next: ModalView = {
    ...opened.view,
    id: current.id,
    root_view_id: current.root_view_id,
    previous_view_id: current.previous_view_id,
    state: current.state,
  };
  const stack = [...found.modal.stack];
  stack[found.index] = next;
  ctx.state.setModal(found.modal.user, stack);
  return { ok: true, view: next };
};

/**
 * views.publish: the user's Home tab, checked as Slack checks it (not_enabled unless the manifest
 * turns the Home tab on; the view's limits; hash_conflict when a hash is given and stale). The
 * view keeps its id from one publish to the next, with a new hash each time.
 */
const viewsPublish: Handler = (ctx, args) => {
  const user = findUser(ctx, args.user_id);
  if (!user) return invalid('invalid_arguments', ['invalid `user_id`']);
  const parsed = jsonArg(args.view);
  if (args.view === undefined || !parsed.ok) return fail('invalid_arguments');
  if (!(ctx.workspace.appHome ?? manifestAppHome()).homeTabEnabled) return fail('not_enabled');
  if (JSON.stringify(parsed.value).length > MAX_HOME_VIEW_BYTES) return fail('view_too_large');
  const problems = checkHomeView(parsed.value);
  if (problems.length > 0) return invalid('invalid_arguments', problems);
  const current = ctx.state.homes.get(user.id);
  const hash = str(args.hash);
  if (hash !== undefined && current && hash !== current.hash) return fail('hash_conflict');
  const input = parsed.value as Args;
  const id = current?.id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`;
  const view: HomeView = {
    id,
    team_id: ctx.teamId,
    type: 'home',
    blocks: withBlockIds(input.blocks as SlackBlock[]),
    private_metadata: str(input.private_metadata) ?? '',
    callback_id: str(input.callback_id) ?? '',
    external_id: str(input.external_id) ?? '',
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: id,
    previous_view_id: null,
    app_id: ctx.apiAppId,
    app_installed_team_id: ctx.teamId,
    bot_id: ctx.workspace.bot.botId,
  };
  ctx.state.setHome(user.id, view);
  return { ok: true, view };
};

const HANDLERS: Record<string, Handler> = {
  'api.test': (_ctx, args) => ({ ok: true, args }),
  'auth.test': (ctx) => ({
    ok: true,
    url: `${ctx.baseUrl()}/`,
    team: ctx.workspace.teamName,
    user: ctx.workspace.bot.name,
    team_id: ctx.teamId,
    user_id: ctx.workspace.bot.userId,
    bot_id: ctx.workspace.bot.botId,
    is_enterprise_install: false,
  }),
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.delete': deleteMessage,
  'chat.getPermalink': getPermalink,
  'views.open': viewsOpen,
  'views.push': viewsPush,
  'views.update': viewsUpdate,
  'views.publish': viewsPublish,
  'users.info': (ctx, args) => {
    const user = findUser(ctx, args.user);
    if (!user) return fail('user_not_found');
    return { ok: true, user: userObject(ctx, user) };
  },
  'users.list': (ctx) => ({
    ok: true,
    members: ctx.workspace.users.map((u) => userObject(ctx, u)),
    response_metadata: { next_cursor: '' },
  }),
  'usergroups.list': (ctx) => ({
    ok: true,
    usergroups: ctx.workspace.userGroups.map((g) => ({
      id: g.id,
      team_id: ctx.teamId,
      handle: g.handle,
      name: g.name,
      is_usergroup: true,
      user_count: g.users.length,
    })),
  }),
  'usergroups.users.list': (ctx, args) => {
    const group = ctx.workspace.userGroups.find((g) => g.id === args.usergroup);
    if (!group) return fail('no_such_subteam');
    return { ok: true, users: [...group.users] };
  },
  'conversations.info': (ctx, args) => {
    const channel = resolveChannel(ctx, args.channel);
    if (!channel) return fail('channel_not_found');
    return { ok: true, channel: channelObject(ctx, channel) };
  },
  'conversations.members': (ctx, args) => {
    const channel = resolveChannel(ctx, args.channel);
    if (!channel) return fail('channel_not_found');
    return { ok: true, members: [...channel.members], response_metadata: { next_cursor: '' } };
  },
  'conversations.history': (ctx, args) => {
    const channel = resolveChannel(ctx, args.channel);
    if (!channel) return fail('channel_not_found');
    if (!channel.botIsMember) return fail('not_in_channel');
    return pageBody(ctx, args, historyPage(ctx.state.channelMessages(channel.id), args));
  },
  'conversations.replies': (ctx, args) => {
    const channel = resolveChannel(ctx, args.channel);
    if (!channel) return fail('channel_not_found');
    if (!channel.botIsMember) return fail('not_in_channel');
    const ts = str(args.ts);
    const thread = ts ? ctx.state.thread(channel.id, ts) : [];
    if (thread.length === 0) return fail('thread_not_found');
    return pageBody(ctx, args, repliesPage(thread, args));
  },
};

function pageBody(ctx: ApiContext, args: Args, page: Page): Record<string, unknown> {
  if (!page.ok) return fail(page.error);
  const withMetadata = truthy(args.include_all_metadata);
  return {
    ok: true,
    messages: page.messages.map((m) => apiMessage(ctx, m, withMetadata)),
    has_more: page.hasMore,
    response_metadata: { next_cursor: page.nextCursor },
  };
}

export const SUPPORTED_METHODS = Object.keys(HANDLERS);

/** One Web API call: auth, scope, rate limit, then the method. */
export function callWebApi(
  ctx: ApiContext,
  method: string,
  args: Args,
  token: string | undefined,
): ApiResponse {
  const handler = HANDLERS[method];
  const needed = scopeNeeded(ctx, method, args);
  let response: ApiResponse;
  if (!handler) {
    response = { status: 200, body: fail('unknown_method', { req_method: method }) };
  } else if (!token) {
    response = { status: 200, body: fail('not_authed') };
  } else if (token !== ctx.botToken) {
    response = { status: 200, body: fail('invalid_auth') };
  } else if (needed && !ctx.workspace.scopes.includes(needed)) {
    const body = fail('missing_scope', { needed, provided: ctx.workspace.scopes.join(',') });
    response = { status: 200, body };
  } else {
    const channel = resolveChannel(ctx, args.channel)?.id;
    const retryAfter = ctx.limiter.check(method, channel);
    if (retryAfter !== undefined) {
      response = {
        status: 429,
        body: fail('ratelimited'),
        headers: { 'retry-after': String(retryAfter) },
      };
    } else {
      response = { status: 200, body: handler(ctx, args) };
    }
  }
  const { token: _omit, ...loggedArgs } = args;
  const call = {
    method,
    args: loggedArgs,
    ok: response.body.ok === true,
    status: response.status,
    at: Date.now(),
    ...(typeof response.body.error === 'string' ? { error: response.body.error } : {}),
  };
  ctx.state.logCall(call);
  return response;
}
