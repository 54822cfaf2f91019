// Slack's side towards the bot: slash commands, block_actions and view_submission, form-encoded
// and v0-signed as Slack sends them, plus the response_urls that come with them and what Slack
// does with the bot's acknowledgement; and Events API events (app_home_opened), JSON-encoded
// `event_callback`s over HTTP or `events_api` envelopes over Socket Mode.
import { randomBytes } from 'node:crypto';
import { checkModalView } from './block-kit-limits.js';
import { type BotUrls, connectionRefused } from './bot-urls.js';
import { slackSignatureHeaders } from './signing.js';
import type { HomeView, Message, ModalView, SlackBlock } from './state.js';
import { answerUnknownCommand, isAppCommand } from './unknown-command.js';
import { type ApiContext, apiMessage, messageContent, resolveChannel } from './web-api.js';

/** Slack waits this long for an acknowledgement before showing the user an error. */
export const ACK_TIMEOUT_MS = 3000;
/** A response_url works five times within 30 minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

export interface BotLink {
  ctx: ApiContext;
  signingSecret: string;
  botUrl: () => string | undefined;
  /** Every bot URL (web replicas): requests are spread over them (bot-urls.ts). */
  bots: BotUrls;
  now: () => number;
  ackTimeoutMs: number;
  responseUrls: ResponseUrls;
  /** Set when the local Slack runs in Socket Mode: requests go as envelopes, not HTTP POSTs. */
  socket?: EnvelopeDelivery;
}

/** Socket Mode's side of a request: one envelope on an open connection, resolved by its ack. */
export interface EnvelopeDelivery {
  deliver(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Record<string, unknown>,
  ): Promise<AckResult>;
  connectionCount(): number;
}

export interface AckResult {
  /** HTTP status of the bot's answer; 0 when the bot could not be reached or timed out. */
  status: number;
  /** The acknowledgement body: parsed JSON, a string, or undefined when empty. */
  ack: unknown;
  /** Set when the bot could not be reached ("dispatch_failed") or answered too late ("operation_timeout"). */
  error?: 'dispatch_failed' | 'operation_timeout';
}

interface ResponseUrlEntry {
  channel: string;
  user: string;
  /** The message the interaction came from: replace_original / delete_original act on it. */
  source?: Message;
  uses: number;
  createdAt: number;
  /** Everything posted through this URL (and the command's ack), live. */
  posted: Message[];
}

export class ResponseUrls {
  private readonly entries = new Map<string, ResponseUrlEntry>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly now: () => number,
  ) {}

  create(channel: string, user: string, source?: Message): { url: string; posted: Message[] } {
    const token = randomBytes(12).toString('hex');
    const entry: ResponseUrlEntry = { channel, user, uses: 0, createdAt: this.now(), posted: [] };
    if (source) entry.source = source;
    this.entries.set(token, entry);
    return { url: `${this.baseUrl()}/response/${token}`, posted: entry.posted };
  }

  postedFor(url: string): Message[] | undefined {
    return this.entries.get(url.slice(url.lastIndexOf('/') + 1))?.posted;
  }

  /** Applies a POST to a response_url the way Slack does. */
  use(
    ctx: ApiContext,
    token: string,
    body: Record<string, unknown>,
  ): { status: number; body: unknown } {
    const entry = this.entries.get(token);
    if (!entry) return { status: 404, body: { ok: false, error: 'invalid_url' } };
    if (this.now() - entry.createdAt > RESPONSE_URL_TTL_MS) {
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    }
    if (entry.uses >= RESPONSE_URL_MAX_USES) {
      return { status: 404, body: { ok: false, error: 'used_url' } };
    }
    entry.uses += 1;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (!entry.source) return { status: 404, body: { ok: false, error: 'message_not_found' } };
      ctx.state.deleteMessage(entry.source);
      return { status: 200, body: { ok: true } };
    }
    const content = messageContent(body);
    if (!content.ok) return { status: 400, body: content.body };
    if ((body.replace_original === true || body.replace_original === 'true') && entry.source) {
      const change: Partial<Message> = { text: content.text, blocks: content.blocks };
      if (entry.source.visible_to === undefined) {
        change.edited = { user: ctx.workspace.bot.userId, ts: ctx.state.nextTs() };
      }
      entry.posted.push(entry.source);
      ctx.state.replaceMessage(entry.source, change);
      return { status: 200, body: { ok: true } };
    }
    postAsBot(ctx, {
      channel: entry.channel,
      text: content.text,
      blocks: content.blocks,
      visibleTo: body.response_type === 'in_channel' ? undefined : entry.user,
      // Slack ignores thread_ts here: a new message from a response_url lands in the channel
      // pane, even for a click in a thread (chat.postEphemeral with thread_ts answers there).
      threadTs: undefined,
      source: 'response_url',
      posted: entry.posted,
    });
    return { status: 200, body: { ok: true } };
  }
}

function postAsBot(
  ctx: ApiContext,
  m: {
    channel: string;
    text: string;
    blocks: SlackBlock[];
    visibleTo: string | undefined;
    threadTs: string | undefined;
    source: Message['source'];
    /** Where the caller collects its responses; filled before anyone is told. */
    posted?: Message[];
  },
): Message {
  const message: Message = {
    channel: m.channel,
    ts: ctx.state.nextTs(),
    text: m.text,
    blocks: m.blocks,
    user: ctx.workspace.bot.userId,
    bot_id: ctx.workspace.bot.botId,
    source: m.source,
  };
  if (m.threadTs !== undefined) message.thread_ts = m.threadTs;
  m.posted?.push(message);
  if (m.visibleTo === undefined) return ctx.state.addMessage(message);
  message.visible_to = m.visibleTo;
  return ctx.state.addEphemeral(message);
}

async function sendToBot(link: BotLink, form: URLSearchParams): Promise<AckResult> {
  if (link.socket) {
    const interaction = form.get('payload');
    return interaction === null
      ? link.socket.deliver('slash_commands', Object.fromEntries(form))
      : link.socket.deliver('interactive', JSON.parse(interaction) as Record<string, unknown>);
  }
  const urls = link.bots.order();
  if (urls.length === 0) {
    throw new Error('The local Slack has no bot URL yet: call setBotUrl(url) first');
  }
  return postToBots(link, urls, form.toString(), 'application/x-www-form-urlencoded');
}

/** Tries each bot URL in turn until one takes the request (a refused one never got it). */
async function postToBots(
  link: BotLink,
  urls: readonly string[],
  body: string,
  contentType: string,
): Promise<AckResult> {
  const timestamp = Math.floor(link.now() / 1000);
  for (const url of urls) {
    const sent = await postToBot(link, url, body, timestamp, contentType);
    // Refused: this replica is down; the request never reached it, so the next one gets it.
    if (sent !== 'refused') return sent;
  }
  return { status: 0, ack: undefined, error: 'dispatch_failed' };
}

/**
 * An Events API event, wrapped as Slack wraps it (`event_callback`): a signed JSON POST, or an
 * `events_api` envelope in Socket Mode. Slack wants a 200 within 3 s and ignores the body.
 */
export async function sendEvent(
  link: BotLink,
  event: Record<string, unknown>,
): Promise<AckResult & { eventId: string }> {
  const { ctx } = link;
  const eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
  const body = {
    token: VERIFICATION_TOKEN,
    team_id: ctx.teamId,
    context_team_id: ctx.teamId,
    api_app_id: ctx.apiAppId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(link.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: ctx.teamId,
        user_id: ctx.workspace.bot.userId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
  if (link.socket) return { ...(await link.socket.deliver('events_api', body)), eventId };
  const urls = link.bots.order();
  if (urls.length === 0) {
    throw new Error('The local Slack has no bot URL yet: call setBotUrl(url) first');
  }
  return { ...(await postToBots(link, urls, JSON.stringify(body), 'application/json')), eventId };
}

async function postToBot(
  link: BotLink,
  url: string,
  body: string,
  timestamp: number,
  contentType: string,
): Promise<AckResult | 'refused'> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...slackSignatureHeaders(link.signingSecret, body, timestamp),
      },
      body,
      signal: AbortSignal.timeout(link.ackTimeoutMs),
    });
  } catch (error) {
    if (connectionRefused(error)) return 'refused';
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      status: 0,
      ack: undefined,
      error: timedOut ? 'operation_timeout' : 'dispatch_failed',
    };
  }
  const text = await response.text();
  let ack: unknown;
  if (text !== '') {
    try {
      ack = JSON.parse(text);
    } catch {
      ack = text;
    }
  }
  return { status: response.status, ack };
}

function userRef(ctx: ApiContext, userId: string) {
  const user = ctx.workspace.users.find((u) => u.id === userId);
  if (!user) throw new Error(`Unknown user ${userId} in the local workspace`);
  return { id: user.id, username: user.name, name: user.name, team_id: ctx.teamId };
}

function team(ctx: ApiContext) {
  return { id: ctx.teamId, domain: ctx.workspace.domain };
}

export const VERIFICATION_TOKEN = 'sandbox-verification-token';

export interface CommandSent extends AckResult {
  /** Empty (like responseUrl) for a command the app does not have: Slack answered, not the app. */
  triggerId: string;
  responseUrl: string;
  /** Messages from the ack and the response_url, in order; grows as the bot answers. */
  responses: Message[];
}

export async function sendCommand(
  link: BotLink,
  input: { command: string; text: string; user: string; channel: string },
): Promise<CommandSent> {
  const { ctx } = link;
  const channel = resolveChannel(ctx, input.channel);
  if (!channel) throw new Error(`Unknown channel ${input.channel} in the local workspace`);
  const user = userRef(ctx, input.user);
  const command = input.command.startsWith('/') ? input.command : `/${input.command}`;
  if (!isAppCommand(ctx, command)) {
    // Slack answers an unknown command itself and sends it to no app.
    const answer = answerUnknownCommand(ctx, { channel: channel.id, user: user.id, command });
    return { status: 0, ack: undefined, triggerId: '', responseUrl: '', responses: [answer] };
  }
  const triggerId = ctx.triggers.issue(user.id);
  const response = link.responseUrls.create(channel.id, user.id);
  const form = new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: ctx.teamId,
    team_domain: ctx.workspace.domain,
    channel_id: channel.id,
    channel_name: channel.isIm ? 'directmessage' : channel.name,
    user_id: user.id,
    user_name: user.name,
    command,
    text: input.text,
    api_app_id: ctx.apiAppId,
    is_enterprise_install: 'false',
    response_url: response.url,
    trigger_id: triggerId,
  });
  const result = await sendToBot(link, form);
  if (result.error || result.status !== 200) {
    ctx.state.notice(
      `${command} failed with the error "${result.error ?? 'http_service_error'}"`,
      'error',
      user.id,
    );
  } else if (result.ack !== undefined) {
    showAck(ctx, channel.id, user.id, result.ack, response.posted);
  }
  return { ...result, triggerId, responseUrl: response.url, responses: response.posted };
}

/** A command's non-empty acknowledgement is shown like a response_url message. */
function showAck(
  ctx: ApiContext,
  channel: string,
  user: string,
  ack: unknown,
  posted: Message[],
): Message | undefined {
  const body: Record<string, unknown> =
    typeof ack === 'string' ? { text: ack } : ((ack as Record<string, unknown>) ?? {});
  const content = messageContent(body);
  if (!content.ok) {
    ctx.state.notice(
      `The app's answer was refused: ${JSON.stringify(content.body)}`,
      'error',
      user,
    );
    return undefined;
  }
  return postAsBot(ctx, {
    channel,
    text: content.text,
    blocks: content.blocks,
    visibleTo: body.response_type === 'in_channel' ? undefined : user,
    threadTs: undefined,
    source: 'ack',
    posted,
  });
}

export interface ActionTarget {
  /** A message (channel, thread or ephemeral), an open modal view, or a user's Home tab. */
  message?: Message;
  view?: ModalView | HomeView;
}

export interface ActionSent extends AckResult {
  triggerId: string;
  responseUrl?: string;
}

export async function sendBlockAction(
  link: BotLink,
  input: { user: string; target: ActionTarget; action: Record<string, unknown> },
): Promise<ActionSent> {
  const { ctx } = link;
  const user = userRef(ctx, input.user);
  const triggerId = ctx.triggers.issue(user.id);
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user,
    api_app_id: ctx.apiAppId,
    token: VERIFICATION_TOKEN,
    trigger_id: triggerId,
    team: team(ctx),
    enterprise: null,
    is_enterprise_install: false,
    actions: [{ ...input.action, action_ts: ctx.state.nextTs() }],
  };
  let responseUrl: string | undefined;
  const { message, view } = input.target;
  if (message) {
    const channel = resolveChannel(ctx, message.channel);
    const ephemeral = message.visible_to !== undefined;
    payload.container = {
      type: 'message',
      message_ts: message.ts,
      channel_id: message.channel,
      is_ephemeral: ephemeral,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    };
    payload.channel = { id: message.channel, name: channel?.name ?? message.channel };
    if (!ephemeral) payload.message = apiMessage(ctx, message);
    payload.state = { values: {} };
    responseUrl = link.responseUrls.create(message.channel, user.id, message).url;
    payload.response_url = responseUrl;
  } else if (view) {
    // A modal or a Home tab: no channel, no message and no response_url, as in Slack.
    payload.container = { type: 'view', view_id: view.id };
    payload.view = view;
  } else {
    throw new Error('A block action needs a message or a view');
  }
  const result = await sendToBot(link, new URLSearchParams({ payload: JSON.stringify(payload) }));
  if (result.error || result.status !== 200) {
    ctx.state.notice(
      `The app did not answer the click ("${result.error ?? `HTTP ${result.status}`}")`,
      'error',
      user.id,
    );
  }
  const sent: ActionSent = { ...result, triggerId };
  if (responseUrl) sent.responseUrl = responseUrl;
  return sent;
}

export interface ViewSubmitted extends AckResult {
  triggerId: string;
}

export async function sendViewSubmission(
  link: BotLink,
  input: { user: string; view: ModalView; values: ModalView['state']['values'] },
): Promise<ViewSubmitted> {
  const { ctx } = link;
  const user = userRef(ctx, input.user);
  const triggerId = ctx.triggers.issue(user.id);
  input.view.state = { values: input.values };
  const { errors: _shownErrors, ...view } = input.view;
  const payload = {
    type: 'view_submission',
    team: team(ctx),
    user,
    api_app_id: ctx.apiAppId,
    token: VERIFICATION_TOKEN,
    trigger_id: triggerId,
    view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const result = await sendToBot(link, new URLSearchParams({ payload: JSON.stringify(payload) }));
  if (result.error || result.status !== 200) {
    ctx.state.notice(
      `We had some trouble connecting. The app did not answer ("${result.error ?? `HTTP ${result.status}`}")`,
      'error',
      user.id,
    );
  } else {
    applyViewAck(ctx, user.id, input.view, result.ack);
  }
  return { ...result, triggerId };
}

/** What Slack does with a view_submission's acknowledgement (response_action). */
function applyViewAck(ctx: ApiContext, user: string, submitted: ModalView, ack: unknown): void {
  const modal = ctx.state.modals.get(user);
  if (!modal) return;
  const stack = modal.stack.filter((v) => v.id !== submitted.id);
  const body = (typeof ack === 'object' && ack !== null ? ack : {}) as Record<string, unknown>;
  const action = body.response_action;
  if (action === 'errors') {
    submitted.errors = (body.errors ?? {}) as Record<string, string>;
    ctx.state.setModal(user, modal.stack);
    return;
  }
  if (action === 'clear') {
    ctx.state.setModal(user, []);
    return;
  }
  if (action === 'update' || action === 'push') {
    const next = viewFromAck(ctx, body.view, action === 'push' ? submitted : undefined);
    if (!next) {
      ctx.state.notice('The app answered with an invalid view', 'error', user);
      return;
    }
    if (action === 'update') {
      next.id = submitted.id;
      next.root_view_id = submitted.root_view_id;
      next.previous_view_id = submitted.previous_view_id;
      const index = modal.stack.indexOf(submitted);
      const replaced = [...modal.stack];
      replaced[index >= 0 ? index : replaced.length - 1] = next;
      ctx.state.setModal(user, replaced);
    } else {
      ctx.state.setModal(user, [...modal.stack, next]);
    }
    return;
  }
  ctx.state.setModal(user, stack);
}

function viewFromAck(
  ctx: ApiContext,
  raw: unknown,
  previous: ModalView | undefined,
): ModalView | undefined {
  if (checkModalView(raw).length > 0) return undefined;
  const input = raw as Record<string, unknown>;
  const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
  const view: ModalView = {
    id,
    team_id: ctx.teamId,
    type: 'modal',
    title: input.title as ModalView['title'],
    blocks: (input.blocks as SlackBlock[]) ?? [],
    private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
    callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
    external_id: '',
    state: { values: {} },
    hash: randomBytes(6).toString('hex'),
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: previous?.root_view_id ?? id,
    previous_view_id: previous?.id ?? null,
    app_id: ctx.apiAppId,
    bot_id: ctx.workspace.bot.botId,
  };
  if (input.submit) view.submit = input.submit as NonNullable<ModalView['submit']>;
  if (input.close) view.close = input.close as NonNullable<ModalView['close']>;
  return view;
}

/** The user closed the modal: Slack sends view_closed only when the view asked for it. */
export async function closeView(link: BotLink, user: string): Promise<void> {
  const { ctx } = link;
  const view = ctx.state.currentView(user);
  if (!view) return;
  const modal = ctx.state.modals.get(user);
  const rest = view.clear_on_close ? [] : (modal?.stack.slice(0, -1) ?? []);
  ctx.state.setModal(user, rest);
  if (!view.notify_on_close) return;
  const payload = {
    type: 'view_closed',
    team: team(ctx),
    user: userRef(ctx, user),
    api_app_id: ctx.apiAppId,
    token: VERIFICATION_TOKEN,
    view,
    is_cleared: view.clear_on_close,
    is_enterprise_install: false,
  };
  await sendToBot(link, new URLSearchParams({ payload: JSON.stringify(payload) }));
}
