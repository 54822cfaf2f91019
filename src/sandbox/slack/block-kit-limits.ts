// Block Kit checks, as Slack applies them when a message or view is posted.
// Limits come from Slack's Block Kit reference (blocks, block elements, composition objects,
// modal view object). Each problem is reported the way Slack reports it:
// "<what is wrong> [json-pointer:/blocks/0/elements/1/text/text]".

export type Surface = 'message' | 'modal' | 'home';

type Json = Record<string, unknown>;

export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  blockId: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  markdownBlockText: 12000,
  imageUrl: 3000,
  imageAltText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  accessibilityLabel: 75,
  actionId: 255,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  optionGroupLabel: 75,
  overflowOptionsMin: 1,
  overflowOptionsMax: 5,
  checkboxOptions: 10,
  radioOptions: 10,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputMaxLength: 3000,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

const INTERACTIVE_ELEMENTS = new Set([
  'button',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'multi_external_select',
  'overflow',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'checkboxes',
  'radio_buttons',
  'plain_text_input',
  'number_input',
  'email_text_input',
  'url_text_input',
  'rich_text_input',
]);

const SECTION_ACCESSORIES = new Set([...INTERACTIVE_ELEMENTS, 'image']);

class Checker {
  readonly problems: string[] = [];

  fail(pointer: string, message: string): void {
    this.problems.push(`${message} [json-pointer:${pointer}]`);
  }

  isObject(value: unknown, pointer: string): value is Json {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.fail(pointer, 'must be an object');
    return false;
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && value.length > max) {
      this.fail(pointer, `must be less than ${max + 1} characters`);
    }
  }

  optionalString(value: unknown, max: number, pointer: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string') {
      this.fail(pointer, 'must be a string');
      return;
    }
    this.maxLength(value, max, pointer);
  }

  /** A composition text object; `plainOnly` for fields Slack requires as plain_text. */
  text(value: unknown, pointer: string, max: number, plainOnly = false): void {
    if (!this.isObject(value, pointer)) return;
    const type = value.type;
    if (type !== 'plain_text' && type !== 'mrkdwn') {
      this.fail(`${pointer}/type`, 'must be one of: plain_text, mrkdwn');
      return;
    }
    if (plainOnly && type !== 'plain_text') {
      this.fail(`${pointer}/type`, 'must be plain_text');
    }
    if (typeof value.text !== 'string') {
      this.fail(`${pointer}/text`, 'must be a string');
      return;
    }
    if (value.text.length === 0) this.fail(`${pointer}/text`, 'must be more than 0 characters');
    this.maxLength(value.text, max, `${pointer}/text`);
  }

  requiredText(owner: Json, key: string, pointer: string, max: number, plainOnly = false): void {
    if (owner[key] === undefined) {
      this.fail(`${pointer}/${key}`, 'is required');
      return;
    }
    this.text(owner[key], `${pointer}/${key}`, max, plainOnly);
  }

  confirm(value: unknown, pointer: string): void {
    if (!this.isObject(value, pointer)) return;
    this.requiredText(value, 'title', pointer, LIMITS.confirmTitle, true);
    this.requiredText(value, 'text', pointer, LIMITS.confirmText);
    this.requiredText(value, 'confirm', pointer, LIMITS.confirmButton, true);
    this.requiredText(value, 'deny', pointer, LIMITS.confirmButton, true);
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
      this.fail(`${pointer}/style`, 'must be one of: primary, danger');
    }
  }

  option(value: unknown, pointer: string, plainOnly: boolean): void {
    if (!this.isObject(value, pointer)) return;
    this.requiredText(value, 'text', pointer, LIMITS.optionText, plainOnly);
    if (typeof value.value !== 'string') this.fail(`${pointer}/value`, 'is required');
    else this.maxLength(value.value, LIMITS.optionValue, `${pointer}/value`);
    if (value.description !== undefined) {
      this.text(value.description, `${pointer}/description`, LIMITS.optionDescription, true);
    }
  }

  options(value: unknown, pointer: string, min: number, max: number, plainOnly: boolean): Json[] {
    if (!Array.isArray(value)) {
      this.fail(pointer, 'must be an array');
      return [];
    }
    if (value.length < min) this.fail(pointer, `must provide at least ${min} items`);
    if (value.length > max) this.fail(pointer, `must provide at most ${max} items`);
    value.forEach((option, i) => {
      this.option(option, `${pointer}/${i}`, plainOnly);
    });
    return value.filter((o): o is Json => typeof o === 'object' && o !== null);
  }

  element(value: unknown, pointer: string, allowed: Set<string>): void {
    if (!this.isObject(value, pointer)) return;
    const type = value.type;
    if (typeof type !== 'string' || !allowed.has(type)) {
      this.fail(`${pointer}/type`, `unsupported element type: ${String(type)}`);
      return;
    }
    this.optionalString(value.action_id, LIMITS.actionId, `${pointer}/action_id`);
    if (value.confirm !== undefined) this.confirm(value.confirm, `${pointer}/confirm`);
    if (value.placeholder !== undefined) {
      this.text(value.placeholder, `${pointer}/placeholder`, LIMITS.placeholder, true);
    }
    switch (type) {
      case 'button':
        this.requiredText(value, 'text', pointer, LIMITS.buttonText, true);
        this.optionalString(value.value, LIMITS.buttonValue, `${pointer}/value`);
        this.optionalString(value.url, LIMITS.buttonUrl, `${pointer}/url`);
        this.optionalString(
          value.accessibility_label,
          LIMITS.accessibilityLabel,
          `${pointer}/accessibility_label`,
        );
        if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
          this.fail(`${pointer}/style`, 'must be one of: primary, danger');
        }
        return;
      case 'static_select':
      case 'multi_static_select':
        this.select(value, pointer);
        return;
      case 'overflow':
        this.options(
          value.options,
          `${pointer}/options`,
          LIMITS.overflowOptionsMin,
          LIMITS.overflowOptionsMax,
          true,
        );
        return;
      case 'checkboxes':
        this.options(value.options, `${pointer}/options`, 1, LIMITS.checkboxOptions, false);
        return;
      case 'radio_buttons':
        this.options(value.options, `${pointer}/options`, 1, LIMITS.radioOptions, false);
        return;
      case 'plain_text_input':
        if (
          typeof value.max_length === 'number' &&
          value.max_length > LIMITS.plainTextInputMaxLength
        ) {
          this.fail(`${pointer}/max_length`, `must be at most ${LIMITS.plainTextInputMaxLength}`);
        }
        return;
      default:
        return;
    }
  }

  select(value: Json, pointer: string): void {
    const hasOptions = value.options !== undefined;
    const hasGroups = value.option_groups !== undefined;
    if (hasOptions === hasGroups) {
      this.fail(pointer, 'must provide exactly one of: options, option_groups');
      return;
    }
    let all: Json[] = [];
    if (hasOptions) {
      all = this.options(value.options, `${pointer}/options`, 1, LIMITS.selectOptions, true);
    } else if (Array.isArray(value.option_groups)) {
      if (value.option_groups.length > LIMITS.selectOptions) {
        this.fail(`${pointer}/option_groups`, `must provide at most ${LIMITS.selectOptions} items`);
      }
      value.option_groups.forEach((group: unknown, g: number) => {
        const gp = `${pointer}/option_groups/${g}`;
        if (!this.isObject(group, gp)) return;
        this.requiredText(group, 'label', gp, LIMITS.optionGroupLabel, true);
        all.push(...this.options(group.options, `${gp}/options`, 1, LIMITS.selectOptions, true));
      });
    } else {
      this.fail(`${pointer}/option_groups`, 'must be an array');
    }
    if (value.initial_option !== undefined) {
      const initial = value.initial_option as Json;
      if (!all.some((o) => o.value === initial?.value)) {
        this.fail(`${pointer}/initial_option`, 'must match one of the provided options');
      }
    }
  }

  block(value: unknown, pointer: string, blockIds: Set<string>): void {
    if (!this.isObject(value, pointer)) return;
    if (value.block_id !== undefined) {
      this.optionalString(value.block_id, LIMITS.blockId, `${pointer}/block_id`);
      if (typeof value.block_id === 'string') {
        if (blockIds.has(value.block_id)) {
          this.fail(`${pointer}/block_id`, `duplicate block_id: ${value.block_id}`);
        }
        blockIds.add(value.block_id);
      }
    }
    switch (value.type) {
      case 'section':
        this.section(value, pointer);
        return;
      case 'header':
        this.requiredText(value, 'text', pointer, LIMITS.headerText, true);
        return;
      case 'divider':
        return;
      case 'context':
        this.context(value, pointer);
        return;
      case 'actions':
        this.actions(value, pointer);
        return;
      case 'image':
        this.image(value, pointer);
        return;
      case 'input':
        this.input(value, pointer);
        return;
      case 'markdown':
        if (typeof value.text !== 'string') this.fail(`${pointer}/text`, 'is required');
        else this.maxLength(value.text, LIMITS.markdownBlockText, `${pointer}/text`);
        return;
      case 'rich_text':
        if (!Array.isArray(value.elements)) this.fail(`${pointer}/elements`, 'must be an array');
        return;
      default:
        this.fail(`${pointer}/type`, `unsupported type: ${String(value.type)}`);
    }
  }

  section(value: Json, pointer: string): void {
    if (value.text === undefined && value.fields === undefined) {
      this.fail(pointer, 'must provide at least one of: text, fields');
    }
    if (value.text !== undefined) this.text(value.text, `${pointer}/text`, LIMITS.sectionText);
    if (value.fields !== undefined) {
      if (!Array.isArray(value.fields)) {
        this.fail(`${pointer}/fields`, 'must be an array');
      } else {
        if (value.fields.length > LIMITS.sectionFields) {
          this.fail(`${pointer}/fields`, `must provide at most ${LIMITS.sectionFields} items`);
        }
        value.fields.forEach((field: unknown, i: number) => {
          this.text(field, `${pointer}/fields/${i}`, LIMITS.sectionFieldText);
        });
      }
    }
    if (value.accessory !== undefined) {
      this.element(value.accessory, `${pointer}/accessory`, SECTION_ACCESSORIES);
    }
  }

  context(value: Json, pointer: string): void {
    const elements = value.elements;
    if (!Array.isArray(elements) || elements.length === 0) {
      this.fail(`${pointer}/elements`, 'must provide at least 1 items');
      return;
    }
    if (elements.length > LIMITS.contextElements) {
      this.fail(`${pointer}/elements`, `must provide at most ${LIMITS.contextElements} items`);
    }
    elements.forEach((element: unknown, i: number) => {
      const ep = `${pointer}/elements/${i}`;
      if (!this.isObject(element, ep)) return;
      if (element.type === 'image') this.image(element, ep);
      else this.text(element, ep, LIMITS.sectionText);
    });
  }

  actions(value: Json, pointer: string): void {
    const elements = value.elements;
    if (!Array.isArray(elements) || elements.length === 0) {
      this.fail(`${pointer}/elements`, 'must provide at least 1 items');
      return;
    }
    if (elements.length > LIMITS.actionsElements) {
      this.fail(`${pointer}/elements`, `must provide at most ${LIMITS.actionsElements} items`);
    }
    const actionIds = new Set<string>();
    elements.forEach((element: unknown, i: number) => {
      const ep = `${pointer}/elements/${i}`;
      this.element(element, ep, INTERACTIVE_ELEMENTS);
      const actionId = (element as Json | null)?.action_id;
      if (typeof actionId === 'string') {
        if (actionIds.has(actionId))
          this.fail(`${ep}/action_id`, `duplicate action_id: ${actionId}`);
        actionIds.add(actionId);
      }
    });
  }

  image(value: Json, pointer: string): void {
    if (typeof value.image_url !== 'string' && value.slack_file === undefined) {
      this.fail(`${pointer}/image_url`, 'is required');
    }
    this.optionalString(value.image_url, LIMITS.imageUrl, `${pointer}/image_url`);
    if (typeof value.alt_text !== 'string') this.fail(`${pointer}/alt_text`, 'is required');
    else this.maxLength(value.alt_text, LIMITS.imageAltText, `${pointer}/alt_text`);
  }

  input(value: Json, pointer: string): void {
    this.requiredText(value, 'label', pointer, LIMITS.inputLabel, true);
    if (value.hint !== undefined) this.text(value.hint, `${pointer}/hint`, LIMITS.inputHint, true);
    if (value.element === undefined) this.fail(`${pointer}/element`, 'is required');
    else this.element(value.element, `${pointer}/element`, INTERACTIVE_ELEMENTS);
  }
}

/** Checks a `blocks` array for a message, a modal or a Home tab; returns Slack-style problem strings. */
export function checkBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const checker = new Checker();
  checkBlocksWith(checker, blocks, surface, pointer);
  return checker.problems;
}

function checkBlocksWith(checker: Checker, blocks: unknown, surface: Surface, pointer: string) {
  if (!Array.isArray(blocks)) {
    checker.fail(pointer, 'must be an array');
    return;
  }
  const max = surface === 'message' ? LIMITS.blocksPerMessage : LIMITS.blocksPerModal;
  if (blocks.length > max) checker.fail(pointer, `must provide at most ${max} items`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    checker.block(block, `${pointer}/${i}`, blockIds);
  });
}

/** Checks a modal view object (views.open / update / push). */
export function checkModalView(view: unknown): string[] {
  const checker = new Checker();
  if (!checker.isObject(view, '/view')) return checker.problems;
  if (view.type !== 'modal') {
    checker.fail('/view/type', 'must be modal');
  }
  checker.requiredText(view, 'title', '/view', LIMITS.viewTitle, true);
  if (view.submit !== undefined) checker.text(view.submit, '/view/submit', LIMITS.viewSubmit, true);
  if (view.close !== undefined) checker.text(view.close, '/view/close', LIMITS.viewClose, true);
  checker.optionalString(view.private_metadata, LIMITS.privateMetadata, '/view/private_metadata');
  checker.optionalString(view.callback_id, LIMITS.callbackId, '/view/callback_id');
  checkBlocksWith(checker, view.blocks, 'modal', '/view/blocks');
  const hasInput =
    Array.isArray(view.blocks) &&
    view.blocks.some((b: unknown) => (b as Json | null)?.type === 'input');
  if (hasInput && view.submit === undefined) {
    checker.fail('/view/submit', 'is required when the view contains input blocks');
  }
  return checker.problems;
}

/**
 * Checks a Home tab view object (views.publish), as Slack documents it: `type` home, `blocks`
 * required and at most 100 (as a modal), private_metadata 3000, callback_id 255; every block as
 * in a message. (A view over 250 kB is web-api.ts's `view_too_large`.)
 */
export function checkHomeView(view: unknown): string[] {
  const checker = new Checker();
  if (!checker.isObject(view, '/view')) return checker.problems;
  if (view.type !== 'home') checker.fail('/view/type', 'must be home');
  checker.optionalString(view.private_metadata, LIMITS.privateMetadata, '/view/private_metadata');
  checker.optionalString(view.callback_id, LIMITS.callbackId, '/view/callback_id');
  checkBlocksWith(checker, view.blocks, 'home', '/view/blocks');
  return checker.problems;
}
