// Finding interactive elements in blocks, and building the action and state payloads Slack sends
// when a person uses them. Shared by the test client and the workspace page.
import type { ModalView, SlackBlock } from './state.js';

type Json = Record<string, unknown>;

export interface FoundElement {
  block: SlackBlock;
  element: Json;
}

/** Every interactive element, in reading order (actions elements, section accessories, inputs). */
export function interactiveElements(blocks: SlackBlock[]): FoundElement[] {
  const found: FoundElement[] = [];
  for (const block of blocks) {
    if (block.type === 'actions' && Array.isArray(block.elements)) {
      for (const element of block.elements as Json[]) found.push({ block, element });
    } else if (block.type === 'section' && block.accessory && typeof block.accessory === 'object') {
      const accessory = block.accessory as Json;
      if (accessory.type !== 'image') found.push({ block, element: accessory });
    } else if (block.type === 'input' && block.element && typeof block.element === 'object') {
      found.push({ block, element: block.element as Json });
    }
  }
  return found;
}

function label(element: Json): string | undefined {
  const text = (element.text ?? element.placeholder) as Json | undefined;
  return typeof text?.text === 'string' ? text.text : undefined;
}

function describe(found: FoundElement[]): string {
  return found
    .map(
      ({ element }) =>
        `${String(element.type)} "${label(element) ?? ''}" (${String(element.action_id)})`,
    )
    .join(', ');
}

/** Finds an element by action_id, exact label, or label ignoring case; throws listing what exists. */
export function findElement(blocks: SlackBlock[], ref: string, types?: string[]): FoundElement {
  const all = interactiveElements(blocks).filter(
    ({ element }) => !types || types.includes(String(element.type)),
  );
  const match =
    all.find(({ element }) => element.action_id === ref) ??
    all.find(({ element }) => label(element) === ref) ??
    all.find(({ element }) => label(element)?.toLowerCase() === ref.toLowerCase());
  if (!match) {
    const kinds = types ? types.join('/') : 'element';
    throw new Error(`No ${kinds} "${ref}" here. Found: ${describe(all) || 'none'}`);
  }
  return match;
}

export function findByIds(blocks: SlackBlock[], blockId: string, actionId: string): FoundElement {
  const match = interactiveElements(blocks).find(
    ({ block, element }) => block.block_id === blockId && element.action_id === actionId,
  );
  if (!match) throw new Error(`No element ${actionId} in block ${blockId}`);
  return match;
}

function allOptions(element: Json): Json[] {
  if (Array.isArray(element.options)) return element.options as Json[];
  if (Array.isArray(element.option_groups)) {
    return (element.option_groups as Json[]).flatMap((g) => (g.options as Json[]) ?? []);
  }
  return [];
}

/** An option by value, exact text, or text ignoring case. */
export function findOption(element: Json, ref: string): Json {
  const options = allOptions(element);
  const text = (o: Json) => (o.text as Json | undefined)?.text as string | undefined;
  const option =
    options.find((o) => o.value === ref) ??
    options.find((o) => text(o) === ref) ??
    options.find((o) => text(o)?.toLowerCase() === ref.toLowerCase());
  if (!option) {
    const listed = options.map((o) => `"${text(o)}" (${String(o.value)})`).join(', ');
    throw new Error(`No option "${ref}" in ${String(element.action_id)}. Options: ${listed}`);
  }
  return option;
}

/** The `actions[0]` entry of a block_actions payload for a button. */
export function buttonAction(found: FoundElement): Json {
  const { block, element } = found;
  const action: Json = {
    type: 'button',
    action_id: element.action_id,
    block_id: block.block_id,
    text: element.text,
  };
  if (element.value !== undefined) action.value = element.value;
  if (element.style !== undefined) action.style = element.style;
  return action;
}

/** The `actions[0]` entry for choosing options in a select, overflow, radio or checkbox group. */
export function selectAction(found: FoundElement, options: Json[]): Json {
  const { block, element } = found;
  const type = String(element.type);
  const action: Json = { type, action_id: element.action_id, block_id: block.block_id };
  if (type === 'checkboxes' || type.startsWith('multi_')) action.selected_options = options;
  else action.selected_option = options[0];
  if (element.placeholder !== undefined) action.placeholder = element.placeholder;
  return action;
}

export type ViewInputValue = string | string[] | null;

/** The state.values entry for one input element, from what the person typed or chose. */
export function inputState(element: Json, given: ViewInputValue | undefined): Json {
  const type = String(element.type);
  const state: Json = { type };
  const list = given === undefined || given === null ? [] : Array.isArray(given) ? given : [given];
  switch (type) {
    case 'static_select':
    case 'radio_buttons': {
      const initial = element.initial_option as Json | undefined;
      state.selected_option =
        list[0] !== undefined ? findOption(element, list[0]) : (initial ?? null);
      return state;
    }
    case 'multi_static_select':
    case 'checkboxes':
      state.selected_options =
        given === undefined
          ? ((element.initial_options as Json[]) ?? [])
          : list.map((v) => findOption(element, v));
      return state;
    case 'users_select':
      state.selected_user = list[0] ?? element.initial_user ?? null;
      return state;
    case 'multi_users_select':
      state.selected_users = given === undefined ? (element.initial_users ?? []) : list;
      return state;
    case 'conversations_select':
      state.selected_conversation = list[0] ?? element.initial_conversation ?? null;
      return state;
    case 'channels_select':
      state.selected_channel = list[0] ?? element.initial_channel ?? null;
      return state;
    case 'datepicker':
      state.selected_date = list[0] ?? element.initial_date ?? null;
      return state;
    case 'timepicker':
      state.selected_time = list[0] ?? element.initial_time ?? null;
      return state;
    default:
      state.value = list[0] ?? element.initial_value ?? null;
      return state;
  }
}

/**
 * Builds view.state.values for a submission. `values` is keyed by action_id, block_id or the
 * input's label; an unknown key throws, so a typo fails the test instead of submitting blanks.
 */
export function viewStateValues(
  view: ModalView,
  values: Record<string, ViewInputValue>,
): ModalView['state']['values'] {
  const out: ModalView['state']['values'] = {};
  const used = new Set<string>();
  for (const block of view.blocks) {
    if (block.type !== 'input' || !block.element) continue;
    const element = block.element as Json;
    const blockId = String(block.block_id);
    const actionId = String(element.action_id);
    const labelText = ((block.label as Json | undefined)?.text as string | undefined) ?? '';
    const key = [actionId, blockId, labelText].find((k) => k in values);
    if (key) used.add(key);
    const previous = view.state.values[blockId]?.[actionId] as Json | undefined;
    out[blockId] = {
      [actionId]: key
        ? inputState(element, values[key])
        : (previous ?? inputState(element, undefined)),
    };
  }
  const unknown = Object.keys(values).filter((k) => !used.has(k));
  if (unknown.length > 0) {
    throw new Error(`No input ${unknown.join(', ')} in view ${view.callback_id || view.id}`);
  }
  return out;
}

/** All the text a person would read in a message: text, then every text in its blocks. */
export function visibleText(message: { text: string; blocks: SlackBlock[] }): string {
  const parts: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
    } else if (value && typeof value === 'object') {
      const obj = value as Json;
      if ((obj.type === 'plain_text' || obj.type === 'mrkdwn') && typeof obj.text === 'string') {
        parts.push(obj.text);
      } else if (obj.type === 'markdown' && typeof obj.text === 'string') {
        parts.push(obj.text);
      }
      for (const [k, v] of Object.entries(obj)) if (k !== 'text' || typeof v !== 'string') walk(v);
    }
  };
  walk(message.blocks);
  return parts.join('\n');
}
