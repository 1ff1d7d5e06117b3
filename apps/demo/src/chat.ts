/**
 * The chat panel: the conversation (multi-turn; an image goes with the user turn it was sent
 * with), the streamed answer, Stop (aborts the worker's generation through its AbortSignal), and
 * the answer's time to first token and decode rate.
 */
import type { AnswerStats, ChatTurn, FromWorker, SamplingSettings, ToWorker } from './protocol.js';

export interface ChatElements {
  transcript: HTMLElement;
  stats: HTMLElement;
  send: HTMLButtonElement;
  stop: HTMLButtonElement;
}

export class Chat {
  readonly #post: (message: ToWorker) => void;
  readonly #ui: ChatElements;
  #turns: ChatTurn[] = [];
  #nextId = 1;
  #current: { id: number; text: string; element: HTMLElement; stopFlag?: Int32Array } | undefined;
  #ready = false;

  constructor(post: (message: ToWorker) => void, ui: ChatElements) {
    this.#post = post;
    this.#ui = ui;
  }

  get busy(): boolean {
    return this.#current !== undefined;
  }

  /** The model is (not) loaded: Send is enabled only when it is and no answer is running. */
  setReady(ready: boolean): void {
    this.#ready = ready;
    this.#sync();
  }

  /** Sends a user turn (with its image, if any) and streams the answer. */
  send(text: string, image: Blob | undefined, settings: SamplingSettings): void {
    if (this.busy || !this.#ready) return;
    const turn: ChatTurn = { role: 'user', text, ...(image && { image }) };
    this.#turns.push(turn);
    this.#append('user', text, image);
    const element = this.#append('assistant', '');
    element.setAttribute('aria-busy', 'true');
    const id = this.#nextId++;
    const stopFlag = crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    this.#current = { id, text: '', element, ...(stopFlag && { stopFlag }) };
    this.#ui.stats.textContent = 'Thinking ...';
    this.#post({ type: 'generate', id, turns: this.#turns, settings, ...(stopFlag && { stopFlag }) });
    this.#sync();
  }

  stop(): void {
    if (!this.#current) return;
    if (this.#current.stopFlag) Atomics.store(this.#current.stopFlag, 0, 1);
    this.#post({ type: 'stop', id: this.#current.id });
  }

  /** Forgets the conversation. */
  reset(): void {
    this.stop();
    this.#turns = [];
    this.#current = undefined;
    this.#ui.transcript.replaceChildren();
    this.#ui.stats.textContent = '';
    this.#sync();
  }

  /** Handles the worker's answer messages. */
  handle(message: FromWorker): void {
    const current = this.#current;
    if (!current || !('id' in message) || message.id !== current.id) return;
    if (message.type === 'chunk') {
      current.text += message.text;
      current.element.querySelector('.text')!.textContent = current.text;
      current.element.dataset.chunks = String(Number(current.element.dataset.chunks ?? 0) + 1);
      return;
    }
    current.element.removeAttribute('aria-busy');
    this.#current = undefined;
    if (message.type === 'done') {
      this.#turns.push({ role: 'assistant', text: current.text });
      current.element.dataset.finish = message.stats.finishReason;
      this.#ui.stats.textContent = describeStats(message.stats);
    } else if (message.type === 'answer-error') {
      this.#turns.pop(); // the user turn that failed: let the user try again
      current.element.classList.add('error');
      current.element.querySelector('.text')!.textContent = `Error: ${message.message}`;
      this.#ui.stats.textContent = '';
    }
    this.#sync();
  }

  #append(role: 'user' | 'assistant', text: string, image?: Blob): HTMLElement {
    const doc = this.#ui.transcript.ownerDocument;
    const item = doc.createElement('li');
    item.className = role;
    const who = doc.createElement('span');
    who.className = 'who';
    who.textContent = role === 'user' ? 'You' : 'NVLM';
    item.append(who);
    if (image) {
      const picture = doc.createElement('img');
      picture.src = URL.createObjectURL(image);
      picture.alt = 'the image sent with this message';
      picture.className = 'sent-image';
      item.append(picture);
    }
    const body = doc.createElement('span');
    body.className = 'text';
    body.textContent = text;
    item.append(body);
    this.#ui.transcript.append(item);
    item.scrollIntoView({ block: 'nearest' });
    return item;
  }

  #sync(): void {
    this.#ui.send.disabled = !this.#ready || this.busy;
    this.#ui.stop.disabled = !this.busy;
  }
}

/** One line: tokens, TTFT, decode rate, prompt and image tokens, why it ended. */
export function describeStats(stats: AnswerStats): string {
  const finish = { stop: 'end of answer', length: 'token limit', abort: 'stopped' }[stats.finishReason];
  const parts = [
    `${stats.completionTokens} token${stats.completionTokens === 1 ? '' : 's'}`,
    `TTFT ${Math.round(stats.ttftMs)} ms`,
    `${stats.decodeTokensPerSecond.toFixed(1)} tokens/s`,
    `prompt ${stats.promptTokens} tokens (${stats.imageTokens} image, ${stats.cachedTokens} cached)`,
  ];
  if (stats.tiles > 0) parts.push(`${stats.tiles} tiles`);
  parts.push(finish ?? stats.finishReason);
  return parts.join(' · ');
}
