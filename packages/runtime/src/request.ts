/**
 * Generation requests: the user-facing shape (chat messages with image parts, or a prompt plus
 * images), validated once, and turned into template messages with `<image>` placeholders
 * (DESIGN.md "Prompt convention": a user message with images becomes `<image>\n` once per image,
 * in order, followed by its text; an explicit `<image>` in the text places an image there).
 */
import { IMAGE_PLACEHOLDER } from '@nvlm-ts/tiler';
import { RuntimeError } from './errors.js';
import type { SamplingOptions } from './sampling.js';

/** The placeholder an image replaces in message text (the tiler's, which expands it). */
export { IMAGE_PLACEHOLDER };

/** A part of a message's content (OpenAI-style). */
export type ContentPart<I> = { type: 'text'; text: string } | { type: 'image'; image: I };

export interface Message<I = unknown> {
  role: 'system' | 'user' | 'assistant';
  content: string | readonly ContentPart<I>[];
}

export interface GenerateRequest<I = unknown> extends SamplingOptions {
  /** The conversation. Either this or `prompt`. */
  messages?: readonly Message<I>[];
  /** A single user message (with `images` as its images). */
  prompt?: string;
  /** A system message placed first; without it the chat template's default applies. */
  system?: string;
  /** Images of the prompt, or extra images for the last user message of `messages`. */
  images?: readonly I[];
  /** Most tokens to generate (default 256). */
  maxNewTokens?: number;
  /** Stop when one of these strings appears; it is not included in the output. */
  stop?: readonly string[];
  /** Extra token ids that end generation (the model's EOS ids always do). */
  stopTokenIds?: readonly number[];
  /** Stops generation within one decode step; the result then has finishReason 'abort'. */
  signal?: AbortSignal;
  /** Called once with the logits of the first generated position (float32, vocab-sized). */
  onFirstLogits?: (logits: Float32Array) => void;
  /** Override the model's maximum regular tiles per image. */
  maxTiles?: number;
}

export interface NormalizedRequest<I> {
  messages: { role: string; content: string }[];
  images: I[];
}

const ROLES = new Set(['system', 'user', 'assistant']);

/** Checks a request and flattens it to template messages plus images in placeholder order. */
export function normalizeRequest<I>(request: GenerateRequest<I>, maxImages: number): NormalizedRequest<I> {
  if (request === null || typeof request !== 'object') throw new TypeError(`'request' must be an object`);
  const hasMessages = request.messages !== undefined;
  const hasPrompt = request.prompt !== undefined;
  if (hasMessages === hasPrompt) throw new TypeError(`give exactly one of 'messages' and 'prompt'`);
  if (request.images !== undefined && !Array.isArray(request.images))
    throw new TypeError(`'images' must be an array`);
  const source: Message<I>[] = hasPrompt
    ? [{ role: 'user', content: checkString(request.prompt, 'prompt') }]
    : [...(request.messages as Message<I>[])];
  if (!Array.isArray(request.messages) && hasMessages) throw new TypeError(`'messages' must be an array`);
  if (source.length === 0) throw new TypeError(`'messages' must not be empty`);
  if (request.system !== undefined)
    source.unshift({ role: 'system', content: checkString(request.system, 'system') });
  const lastUser = source.map((m) => m.role).lastIndexOf('user');
  const extra = request.images ?? [];
  if (extra.length > 0 && lastUser === -1) {
    throw new RuntimeError('BAD_IMAGES', 'images were given but there is no user message to attach them to');
  }
  const images: I[] = [];
  const messages = source.map((message, index) => {
    if (!message || typeof message !== 'object' || !ROLES.has(message.role)) {
      throw new TypeError(`'messages[${index}].role' must be one of system, user, assistant`);
    }
    let text = '';
    const own: I[] = [];
    if (typeof message.content === 'string') {
      text = message.content;
    } else if (Array.isArray(message.content)) {
      for (const [p, part] of message.content.entries()) {
        if (part?.type === 'text') text += checkString(part.text, `messages[${index}].content[${p}].text`);
        else if (part?.type === 'image') own.push(part.image);
        else throw new TypeError(`'messages[${index}].content[${p}].type' must be 'text' or 'image'`);
      }
    } else {
      throw new TypeError(`'messages[${index}].content' must be a string or an array of parts`);
    }
    if (index === lastUser) own.push(...extra);
    const explicit = text.split(IMAGE_PLACEHOLDER).length - 1;
    if (message.role !== 'user' && (own.length > 0 || explicit > 0)) {
      throw new RuntimeError(
        'BAD_IMAGES',
        `images are only accepted in user messages (message ${index} is '${message.role}')`,
      );
    }
    if (explicit > 0 && explicit !== own.length) {
      throw new RuntimeError(
        'BAD_IMAGES',
        `message ${index} has ${explicit} '${IMAGE_PLACEHOLDER}' placeholder(s) but ${own.length} image(s)`,
      );
    }
    if (explicit === 0 && own.length > 0) text = `${IMAGE_PLACEHOLDER}\n`.repeat(own.length) + text;
    images.push(...own);
    return { role: message.role, content: text };
  });
  if (images.length > maxImages) {
    throw new RuntimeError(
      'BAD_IMAGES',
      `${images.length} images given; this pipeline accepts at most ${maxImages}`,
    );
  }
  return { messages, images };
}

function checkString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`'${name}' must be a string`);
  return value;
}
