// A typed client for end-to-end tests: act as a person in the local workspace and wait for what
// the bot does. Waiting is event-driven (the workspace state emits every change); no polling.

import { type HomeOpened, openAppHome } from './app-home.js';
import {
  buttonAction,
  findElement,
  findOption,
  selectAction,
  type ViewInputValue,
  viewStateValues,
  visibleText,
} from './elements.js';
import type { HomeView, Message, ModalView, StateEvent, WorkspaceState } from './state.js';
import {
  type ActionSent,
  type BotLink,
  type CommandSent,
  closeView,
  sendBlockAction,
  sendCommand,
  sendViewSubmission,
  type ViewSubmitted,
} from './towards-bot.js';
import { resolveChannel } from './web-api.js';
import type { Persona, WorkspaceUser } from './workspace.js';

/** A predicate, or text (substring) / a RegExp matched against the message's visible text. */
export type MessageMatcher = ((message: Message) => boolean) | string | RegExp;

export interface WaitOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
}

export interface ActAs {
  /** A user id (U…) of the local workspace. */
  user: string;
}

export interface CommandResult extends CommandSent {
  /** Resolves with the first response (ack, response_url) matching, now or later. */
  waitForResponse(match?: MessageMatcher, options?: WaitOptions): Promise<Message>;
}

export type ClickTarget = Message | ModalView | HomeView;

/** A predicate on the view, or text (substring) / a RegExp matched against its visible text. */
export type ViewMatcher = ((view: HomeView) => boolean) | string | RegExp;

export interface SlackTestClient {
  /** Sends a signed slash command; `channel` defaults to the first channel the bot is in. */
  command(name: string, text: string, as: ActAs & { channel?: string }): Promise<CommandResult>;
  /** Clicks a button (by label or action_id) in a message or modal; confirm dialogs are confirmed. */
  click(target: ClickTarget, button: string, as: ActAs): Promise<ActionSent>;
  /** Chooses option(s) (by value or label) in a select, overflow, radio or checkbox element. */
  selectOption(
    target: ClickTarget,
    element: string,
    option: string | string[],
    as: ActAs,
  ): Promise<ActionSent>;
  /** Submits the view with values keyed by action_id, block_id or input label. */
  submitView(
    view: ModalView,
    values: Record<string, ViewInputValue>,
    as: ActAs,
  ): Promise<ViewSubmitted>;
  /** Closes the user's top modal (sends view_closed when the view asked for it). */
  closeView(as: ActAs): Promise<void>;
  /** Opens the app's Home tab: Slack sends app_home_opened (when the manifest subscribes to it). */
  openHome(as: ActAs): Promise<HomeOpened>;
  /** The user's Home tab as last published. */
  homeView(user: string): HomeView | undefined;
  /** Resolves with the user's Home tab once it matches, already published or published later. */
  waitForHome(user: string, match?: ViewMatcher, options?: WaitOptions): Promise<HomeView>;
  /** Resolves with a channel message or thread reply that matches, already there or posted/updated later. */
  waitForMessage(channel: string, match: MessageMatcher, options?: WaitOptions): Promise<Message>;
  waitForEphemeral(user: string, match: MessageMatcher, options?: WaitOptions): Promise<Message>;
  waitForView(
    user: string,
    match?: (view: ModalView) => boolean,
    options?: WaitOptions,
  ): Promise<ModalView>;
  /** Top-level messages of a channel (id or name), oldest first. */
  messages(channel: string): Message[];
  /** A thread: the parent then its replies. */
  thread(channel: string, ts: string): Message[];
  ephemerals(user: string): Message[];
  currentView(user: string): ModalView | undefined;
  /** The first user with that persona, e.g. `client.user('manager').id`. */
  user(persona: Persona): WorkspaceUser;
}

const DEFAULT_TIMEOUT_MS = 5000;

function toPredicate(match: MessageMatcher | undefined): (m: Message) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === 'function') return match;
  if (typeof match === 'string') return (m) => visibleText(m).includes(match);
  return (m) => match.test(visibleText(m));
}

function isView(target: ClickTarget): target is ModalView | HomeView {
  const type = (target as ModalView | HomeView).type;
  return type === 'modal' || type === 'home';
}

function toViewPredicate(match: ViewMatcher | undefined): (v: HomeView) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === 'function') return match;
  const text = (v: HomeView) => visibleText({ text: '', blocks: v.blocks });
  if (typeof match === 'string') return (v) => text(v).includes(match);
  return (v) => match.test(text(v));
}

/** Resolves with the first value `check` returns, checking now and after each state event. */
function waitFor<T>(
  state: WorkspaceState,
  check: (event?: StateEvent) => T | undefined,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`));
    }, timeoutMs);
    const unsubscribe = state.subscribe((event) => {
      const found = check(event);
      if (found === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(found);
    });
  });
}

function summary(messages: Message[]): string {
  if (messages.length === 0) return 'nothing';
  return messages
    .slice(-5)
    .map((m) => JSON.stringify(visibleText(m).slice(0, 120)))
    .join('; ');
}

export function createTestClient(link: BotLink): SlackTestClient {
  const { ctx } = link;
  const { state } = ctx;
  const channelId = (ref: string): string => {
    const channel = resolveChannel(ctx, ref);
    if (!channel) throw new Error(`Unknown channel ${ref} in the local workspace`);
    return channel.id;
  };
  const defaultChannel = () => {
    const channel = ctx.workspace.channels.find((c) => c.botIsMember && !c.isIm);
    if (!channel) throw new Error('No channel with the bot in it');
    return channel.id;
  };
  const latest = (target: ClickTarget): ClickTarget => {
    if (isView(target)) {
      if (target.type === 'home') return state.findHome(target.id) ?? target;
      const found = state.findView(target.id);
      return found ? found.modal.stack[found.index]! : target;
    }
    return target;
  };

  const client: SlackTestClient = {
    async command(name, text, as) {
      const sent = await sendCommand(link, {
        command: name,
        text,
        user: as.user,
        channel: as.channel ?? defaultChannel(),
      });
      return {
        ...sent,
        waitForResponse(match, options) {
          const predicate = toPredicate(match);
          const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
          return waitFor(
            state,
            () => sent.responses.find(predicate),
            timeoutMs,
            () => `a response to ${name} ${text}; got ${summary(sent.responses)}`,
          );
        },
      };
    },

    async click(target, button, as) {
      const current = latest(target);
      const found = findElement(current.blocks, button, ['button']);
      const sendTo = isView(current) ? { view: current } : { message: current };
      return sendBlockAction(link, { user: as.user, target: sendTo, action: buttonAction(found) });
    },

    async selectOption(target, element, option, as) {
      const current = latest(target);
      const found = findElement(current.blocks, element);
      const chosen = (Array.isArray(option) ? option : [option]).map((o) =>
        findOption(found.element, o),
      );
      const sendTo = isView(current) ? { view: current } : { message: current };
      return sendBlockAction(link, {
        user: as.user,
        target: sendTo,
        action: selectAction(found, chosen),
      });
    },

    async submitView(view, values, as) {
      const current = latest(view) as ModalView;
      return sendViewSubmission(link, {
        user: as.user,
        view: current,
        values: viewStateValues(current, values),
      });
    },

    closeView(as) {
      return closeView(link, as.user);
    },

    openHome(as) {
      return openAppHome(link, as.user);
    },

    homeView: (user) => state.homes.get(user),

    waitForHome(user, match, options) {
      const predicate = toViewPredicate(match);
      return waitFor(
        state,
        (event) => {
          if (event !== undefined && event.kind !== 'home') return undefined;
          const view = state.homes.get(user);
          return view && predicate(view) ? view : undefined;
        },
        options?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        () => {
          const view = state.homes.get(user);
          const shown = view ? visibleText({ text: '', blocks: view.blocks }).slice(0, 300) : '';
          return `the Home tab of ${user}; it shows ${view ? JSON.stringify(shown) : 'nothing'}`;
        },
      );
    },

    waitForMessage(channel, match, options) {
      const id = channelId(channel);
      const predicate = toPredicate(match);
      return waitFor(
        state,
        (event) => {
          if (event === undefined) {
            return state.messages.find((m) => m.channel === id && predicate(m));
          }
          if (event.kind !== 'message' && event.kind !== 'message_changed') return undefined;
          const m = event.message;
          return m.channel === id && m.visible_to === undefined && predicate(m) ? m : undefined;
        },
        options?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        () =>
          `a message in ${channel}; it has ${summary(state.messages.filter((m) => m.channel === id))}`,
      );
    },

    waitForEphemeral(user, match, options) {
      const predicate = toPredicate(match);
      return waitFor(
        state,
        (event) => {
          if (event === undefined) return state.ephemeralsFor(user).find(predicate);
          if (event.kind !== 'ephemeral' && event.kind !== 'message_changed') return undefined;
          const m = event.message;
          return m.visible_to === user && predicate(m) ? m : undefined;
        },
        options?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        () => `an ephemeral message for ${user}; they have ${summary(state.ephemeralsFor(user))}`,
      );
    },

    waitForView(user, match, options) {
      const predicate = match ?? (() => true);
      return waitFor(
        state,
        (event) => {
          if (event !== undefined && event.kind !== 'view') return undefined;
          const view = state.currentView(user);
          return view && predicate(view) ? view : undefined;
        },
        options?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        () => `a modal for ${user}; showing ${state.currentView(user)?.callback_id ?? 'none'}`,
      );
    },

    messages: (channel) => state.channelMessages(channelId(channel)),
    thread: (channel, ts) => state.thread(channelId(channel), ts),
    ephemerals: (user) => state.ephemeralsFor(user),
    currentView: (user) => state.currentView(user),
    user(persona) {
      const user = ctx.workspace.users.find((u) => u.persona === persona);
      if (!user) throw new Error(`No ${persona} in the local workspace`);
      return user;
    },
  };
  return client;
}
