/**
 * The model panel: one progress bar per downloaded file (bytes, or "cached" when the Cache API
 * had it), the load status, and which backend runs with the reasons earlier ones were skipped.
 */
import type { ModelLoadProgress } from '@nvlm-ts/runtime';
import type { BackendInfo } from './protocol.js';

export class ModelPanel {
  readonly #list: HTMLElement;
  readonly #status: HTMLElement;
  readonly #backend: HTMLElement;
  readonly #rows = new Map<string, { bar: HTMLProgressElement; text: HTMLElement }>();

  constructor(list: HTMLElement, status: HTMLElement, backend: HTMLElement) {
    this.#list = list;
    this.#status = status;
    this.#backend = backend;
  }

  /** Starts a new load of `base`: clears the bars. */
  start(base: string): void {
    this.#rows.clear();
    this.#list.replaceChildren();
    this.#backend.textContent = '';
    this.#status.textContent = `Loading ${base} ...`;
    this.#status.dataset.state = 'loading';
  }

  progress(event: ModelLoadProgress): void {
    let row = this.#rows.get(event.file);
    if (!row) {
      const item = this.#list.ownerDocument.createElement('li');
      item.className = 'progress-file';
      item.dataset.file = event.file;
      const name = this.#list.ownerDocument.createElement('span');
      name.className = 'file-name';
      name.textContent = event.file;
      const bar = this.#list.ownerDocument.createElement('progress');
      bar.setAttribute('aria-label', `${event.file} download`);
      const text = this.#list.ownerDocument.createElement('span');
      text.className = 'file-bytes';
      item.append(name, bar, text);
      this.#list.append(item);
      row = { bar, text };
      this.#rows.set(event.file, row);
    }
    const total = event.total ?? (event.done ? event.loaded : undefined);
    if (total !== undefined && total > 0) {
      row.bar.max = total;
      row.bar.value = event.loaded;
    } else if (event.done) {
      row.bar.max = 1;
      row.bar.value = 1;
    } else {
      row.bar.removeAttribute('value'); // indeterminate
    }
    row.text.textContent = event.fromCache
      ? 'cached'
      : `${formatBytes(event.loaded)}${event.total !== undefined ? ` / ${formatBytes(event.total)}` : ''}`;
    if (event.done) row.bar.closest('li')?.setAttribute('data-done', 'true');
  }

  /** `forced`: the user picked the backend (no fallback was tried). */
  ready(backend: BackendInfo, loadMs: number, forced: boolean): void {
    this.#status.textContent = `Loaded in ${(loadMs / 1000).toFixed(1)} s.`;
    this.#status.dataset.state = 'ready';
    this.#backend.dataset.backend = backend.name;
    this.#backend.replaceChildren(
      'Backend: ',
      strong(this.#backend.ownerDocument, backend.name === 'webgpu' ? 'WebGPU' : backend.name.toUpperCase()),
      backend.fallbackReasons.length > 0
        ? ` (fell back: ${backend.fallbackReasons.join('; ')})`
        : forced
          ? ' (chosen in the Backend menu)'
          : '',
    );
  }

  failed(message: string): void {
    this.#status.textContent = `Could not load the model: ${message}`;
    this.#status.dataset.state = 'error';
  }
}

function strong(doc: Document, text: string): HTMLElement {
  const element = doc.createElement('strong');
  element.textContent = text;
  return element;
}

/** `1.5 MB`-style sizes (decimal units, as browsers' download UIs show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
