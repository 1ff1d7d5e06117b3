/**
 * The demo page: starts the model worker, loads the model (`?model=URL` or the served one at
 * ./model/; `?backend=webgpu|wasm` to force one), and wires the image and chat panels. The image
 * comes from the file picker, drag-and-drop or paste and is drawn with its tiles and tags.
 */
import type { TileTagStyle } from '@nvlm-ts/tiler';
import { Chat } from './chat.js';
import { ModelPanel } from './model-panel.js';
import type { FromWorker, SamplingSettings, ToWorker } from './protocol.js';
import { describeTiling, renderTiling } from './tiling.js';
import './style.css';

function $<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'nvlm-model' });
const post = (message: ToWorker) => worker.postMessage(message);

const panel = new ModelPanel($('progress'), $('load-status'), $('backend'));
const chat = new Chat(post, {
  transcript: $('transcript'),
  stats: $('stats'),
  send: $<HTMLButtonElement>('send'),
  stop: $<HTMLButtonElement>('stop'),
});

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (message.type === 'progress') panel.progress(message.event);
  else if (message.type === 'ready') {
    panel.ready(message.backend, message.loadMs, backendChoice.value !== '');
    chat.setReady(true);
  } else if (message.type === 'load-error') panel.failed(message.message);
  else chat.handle(message);
});
worker.addEventListener('error', (event) => panel.failed(event.message || 'the model worker failed'));

// Model loading.
const params = new URLSearchParams(location.search);
const modelUrl = $<HTMLInputElement>('model-url');
const backendChoice = $<HTMLSelectElement>('backend-choice');
modelUrl.value = params.get('model') ?? './model/';
backendChoice.value = ['webgpu', 'wasm'].includes(params.get('backend') ?? '') ? params.get('backend')! : '';

function load(): void {
  if (chat.busy) chat.stop();
  chat.setReady(false);
  let base: string;
  try {
    base = new URL(modelUrl.value.trim() || './model/', location.href).href; // the worker's base URL differs
  } catch {
    panel.failed(`'${modelUrl.value}' is not a URL`);
    return;
  }
  panel.start(base);
  post({ type: 'load', base, ...(backendChoice.value && { backends: [backendChoice.value] }) });
}
$('model-form').addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});

// The image: file picker, drag-and-drop, paste; drawn with its tiles.
const dropZone = $('drop-zone');
const fileInput = $<HTMLInputElement>('file-input');
const tagStyle = $<HTMLSelectElement>('tag-style');
const maxTilesInput = $<HTMLInputElement>('max-tiles');
const clearImage = $<HTMLButtonElement>('clear-image');
const figure = $('tiling');
let image: { blob: Blob; url: string; width: number; height: number; name: string } | undefined;

async function setImage(blob: Blob, name: string): Promise<void> {
  let size: { width: number; height: number };
  try {
    const bitmap = await createImageBitmap(blob);
    size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
  } catch {
    showProblem(`${name} is not an image this browser can read.`);
    return;
  }
  if (image) URL.revokeObjectURL(image.url);
  image = { blob, url: URL.createObjectURL(blob), ...size, name };
  if (fileInput.files?.[0] !== blob) fileInput.value = ''; // dropped or pasted: the picker no longer shows it
  clearImage.disabled = false;
  drawTiles();
}

function maxTiles(): number | undefined {
  const value = Number(maxTilesInput.value);
  return Number.isInteger(value) && value >= 1 && value <= 40 ? value : undefined;
}

function drawTiles(): void {
  if (!image) {
    figure.replaceChildren(caption('No image yet.'));
    return;
  }
  const tiles = maxTiles();
  const view = describeTiling(image.width, image.height, {
    tags: tagStyle.value as TileTagStyle,
    ...(tiles !== undefined && { maxTiles: tiles }),
  });
  renderTiling(figure, image.url, view, `${image.name} (${image.width} x ${image.height})`);
}

/** Says what is wrong with the image the user gave; the current one (if any) stays. */
function showProblem(text: string): void {
  figure.querySelector('.problem')?.remove();
  const problem = caption(text);
  problem.className = 'problem';
  problem.setAttribute('role', 'alert');
  figure.prepend(problem);
}

function caption(text: string): HTMLElement {
  const element = document.createElement('figcaption');
  element.textContent = text;
  return element;
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) void setImage(file, file.name);
});
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('over');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('over');
  const files = [...(event.dataTransfer?.files ?? [])];
  const file = files.find((f) => f.type.startsWith('image/'));
  if (file) void setImage(file, file.name);
  else if (files.length > 0)
    showProblem(`${files[0]!.name} is not an image: drop a PNG, JPEG, WebP, GIF or BMP file.`);
});
document.addEventListener('paste', (event) => {
  const item = [...(event.clipboardData?.items ?? [])].find((i) => i.type.startsWith('image/'));
  const file = item?.getAsFile();
  if (file) void setImage(file, file.name || 'pasted image');
});
tagStyle.addEventListener('change', drawTiles);
maxTilesInput.addEventListener('input', drawTiles);
clearImage.addEventListener('click', () => {
  if (image) URL.revokeObjectURL(image.url);
  image = undefined;
  fileInput.value = '';
  clearImage.disabled = true;
  drawTiles();
});

// Chat.
const prompt = $<HTMLTextAreaElement>('prompt');
/** Whether the current image was already sent (the conversation keeps it; it is not sent twice). */
let sentImage: Blob | undefined;

function numberOf(id: string, fallback: number): number {
  const value = Number($<HTMLInputElement>(id).value);
  return $<HTMLInputElement>(id).value.trim() !== '' && Number.isFinite(value) ? value : fallback;
}

function settings(): SamplingSettings {
  const seed = $<HTMLInputElement>('seed').value.trim();
  const tiles = maxTiles();
  return {
    maxNewTokens: Math.max(1, Math.round(numberOf('max-new-tokens', 128))),
    temperature: Math.max(0, numberOf('temperature', 0)),
    topP: Math.min(1, Math.max(0.01, numberOf('top-p', 0.9))),
    topK: Math.max(0, Math.round(numberOf('top-k', 40))),
    ...(seed !== '' && Number.isInteger(Number(seed)) && { seed: Number(seed) }),
    ...(tiles !== undefined && { maxTiles: tiles }),
  };
}

function send(): void {
  const text = prompt.value.trim();
  if (!text || chat.busy) return;
  const attach = image && image.blob !== sentImage ? image.blob : undefined;
  if (attach) sentImage = attach;
  chat.send(text, attach, settings());
  prompt.value = '';
}

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});
prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
$('stop').addEventListener('click', () => chat.stop());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && chat.busy) chat.stop(); // Esc stops the answer from anywhere
});
$('new-chat').addEventListener('click', () => {
  chat.reset();
  sentImage = undefined;
});

load();
