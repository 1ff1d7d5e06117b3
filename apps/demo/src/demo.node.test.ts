/**
 * The built demo in headless Chromium (TOOLCHAIN.md: Debian's chromium driven by playwright-core),
 * served the way `pnpm start` serves it: @nvlm-ts/server with the demo at `/` and the default tiny
 * model's files at `/model/`. Checks that the page loads without console errors, the model loads
 * with a progress bar per file (on WASM, saying why: this browser has no WebGPU adapter), a dropped 800 x 600 image is drawn as a 3 x 2 grid plus the
 * thumbnail (NVLM.md 3.6; 7 tiles x 256 = 1792 image tokens) with its tags, an answer streams with
 * its TTFT and tokens/s, a follow-up turn reuses the KV cache, Stop ends a long answer, and (when
 * SwiftShader's WebGPU is usable) an answer streams on WebGPU. Saves screenshots to .reports/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDefaultModel, type RunningServer, serve } from '@nvlm-ts/server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const runHere = existsSync(CHROMIUM) || Boolean(process.env.CI);
const describeBrowser = runHere ? describe : describe.skip;
const title = runHere
  ? 'demo in headless Chromium'
  : `demo in headless Chromium (skipped: ${CHROMIUM} is absent; apt-get install -y chromium)`;

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(appDir, 'dist');
const reports = join(appDir, '.reports');

describeBrowser(title, () => {
  let root: string;
  let modelDir: string;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  function launch(webgpu: boolean): Promise<Browser> {
    const args = [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ];
    // Without this flag headless Chromium here has no WebGPU adapter; with it, SwiftShader's.
    return chromium.launch({
      executablePath: CHROMIUM,
      args: webgpu ? [...args, '--enable-unsafe-webgpu'] : args,
    });
  }

  function watch(target: Page, into: string[]): void {
    target.on('console', (message) => {
      if (message.type() === 'error') into.push(message.text());
    });
    target.on('pageerror', (error) => into.push(String(error)));
  }

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      const { build } = await import('vite');
      await build({ root: appDir, logLevel: 'warn' });
    }
    root = await mkdtemp(join(tmpdir(), 'nvlm-demo-'));
    modelDir = (await ensureDefaultModel({ dir: join(root, 'model') })).dir;
    server = await serve({
      model: modelDir,
      modelId: 'demo-test',
      port: 0,
      threads: 1,
      handleSignals: false,
      staticDir: distDir,
      modelFilesDir: modelDir,
    });
    browser = await launch(false);
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    watch(page, errors);
    await mkdir(reports, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** An opaque PNG of the given size made by the page's canvas, as bytes. */
  async function pngOfSize(width: number, height: number): Promise<Buffer> {
    const bytes = (await page.evaluate(
      async ([w, h]) => {
        const canvas = new OffscreenCanvas(w!, h!);
        const g = canvas.getContext('2d')!;
        const gradient = g.createLinearGradient(0, 0, w!, h!);
        gradient.addColorStop(0, '#1d4e89');
        gradient.addColorStop(1, '#f4a259');
        g.fillStyle = gradient;
        g.fillRect(0, 0, w!, h!);
        g.fillStyle = '#fff';
        g.beginPath();
        g.arc(w! / 2, h! / 2, Math.min(w!, h!) / 4, 0, 2 * Math.PI);
        g.fill();
        const blob = await canvas.convertToBlob({ type: 'image/png' });
        return [...new Uint8Array(await blob.arrayBuffer())];
      },
      [width, height],
    )) as number[];
    return Buffer.from(bytes);
  }

  /** Drops a PNG on the drop zone as a user would (a DataTransfer with one file). */
  async function dropImage(png: Buffer, name: string): Promise<void> {
    const transfer = await page.evaluateHandle(
      ([bytes, fileName]) => {
        const data = new DataTransfer();
        data.items.add(
          new File([new Uint8Array(bytes as number[])], fileName as string, { type: 'image/png' }),
        );
        return data;
      },
      [[...png], name] as const,
    );
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
  }

  async function tileTags(): Promise<string[]> {
    return page.locator('.stage .tile').evaluateAll((tiles) => tiles.map((t) => t.textContent ?? ''));
  }

  it('loads the model with a progress bar per file, on WASM when WebGPU has no adapter, saying so', async () => {
    await page.goto(`${server.url}/`);
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);
    await page.waitForSelector('#load-status[data-state="ready"]', { timeout: 60_000 });
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
    expect(await page.textContent('#backend')).toBe(
      'Backend: WASM (fell back: [webgpu] WebGPU has no adapter on this device)',
    );
    const files = (await readdir(modelDir)).filter((name) => name !== 'config.json');
    const shown = await page.locator('.progress-file').evaluateAll((items) =>
      items.map((item) => ({
        file: (item as HTMLElement).dataset.file,
        done: (item as HTMLElement).dataset.done,
      })),
    );
    expect(new Set(shown.map((s) => s.file))).toEqual(new Set(files));
    expect(shown.every((s) => s.done === 'true')).toBe(true);
    expect(await page.isEnabled('#send')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('draws the tiles and tags of a dropped 800 x 600 image, and follows the switches', async () => {
    await dropImage(await pngOfSize(800, 600), 'landscape.png');
    await page.waitForSelector('#tile-count');
    expect(await page.textContent('#tile-count')).toBe('7');
    expect(await page.textContent('#image-tokens')).toBe('1792');
    expect(await tileTags()).toEqual([
      '<tile_1>',
      '<tile_2>',
      '<tile_3>',
      '<tile_4>',
      '<tile_5>',
      '<tile_6>',
    ]);
    expect(await page.textContent('.thumbnail .tag')).toBe('<tile_global_thumbnail>');
    // The grid lines: three columns and two rows of equal tiles over the picture.
    const boxes = await page
      .locator('.stage .tile')
      .evaluateAll((tiles) =>
        tiles.map((t) => [(t as HTMLElement).style.left, (t as HTMLElement).style.top]),
      );
    expect(boxes.map(([left]) => Number.parseFloat(left!).toFixed(2))).toEqual([
      '0.00',
      '33.33',
      '66.67',
      '0.00',
      '33.33',
      '66.67',
    ]);
    expect(boxes.map(([, top]) => Number.parseFloat(top!))).toEqual([0, 0, 0, 50, 50, 50]);

    await page.selectOption('#tag-style', '2d-grid');
    expect((await tileTags())[5]).toBe('<tile_x2_y1>');
    await page.fill('#max-tiles', '4');
    expect(await page.textContent('#tile-count')).toBe('5');
    expect(await page.textContent('#image-tokens')).toBe(String(5 * 256));
    await page.selectOption('#tag-style', '1d');
    await page.fill('#max-tiles', '6');
    expect(await tileTags()).toHaveLength(6);

    // The file picker path: a 64 x 64 image is one tile (the global view), no separate thumbnail.
    await page.setInputFiles('#file-input', {
      name: 'small.png',
      mimeType: 'image/png',
      buffer: await pngOfSize(64, 64),
    });
    await page.waitForFunction(`document.querySelector('#tile-count')?.textContent === '1'`);
    expect(await page.locator('.thumbnail').count()).toBe(0);
    await dropImage(await pngOfSize(800, 600), 'landscape.png');
    await page.waitForFunction(`document.querySelector('#tile-count')?.textContent === '7'`);
    expect(errors).toEqual([]);
  });

  it('streams an answer about the image on WASM with TTFT and tokens/s, then a follow-up turn', async () => {
    await page.click('#sampling summary');
    await page.fill('#max-new-tokens', '12');
    await page.fill('#prompt', 'What is in this picture?');
    await page.keyboard.press('Enter'); // focus is in the prompt: Enter sends
    const first = page.locator('#transcript li.assistant').nth(0);
    await first.locator('xpath=self::*[@data-finish]').waitFor({ timeout: 90_000 });
    expect(await first.getAttribute('data-finish')).toBe('length');
    expect(Number(await first.getAttribute('data-chunks'))).toBeGreaterThan(1); // streamed, not all at once
    expect((await first.locator('.text').textContent())!.length).toBeGreaterThan(0);
    const stats = (await page.textContent('#stats'))!;
    expect(stats).toMatch(
      /^12 tokens · TTFT \d+ ms · \d+\.\d tokens\/s · prompt \d+ tokens \(1792 image, 0 cached\)/,
    );
    expect(stats).toContain('7 tiles');
    await page.screenshot({ path: join(reports, 'screenshot.png'), fullPage: true });

    await page.fill('#max-new-tokens', '4');
    await page.fill('#prompt', 'And the colours?');
    await page.click('#send');
    const second = page.locator('#transcript li.assistant').nth(1);
    await second.locator('xpath=self::*[@data-finish]').waitFor({ timeout: 60_000 });
    // The whole first exchange is the prefix of the second prompt: its KV cache is reused.
    const cached = Number(/(\d+) cached/.exec((await page.textContent('#stats'))!)?.[1]);
    expect(cached).toBeGreaterThan(1792);
    expect(await page.locator('#transcript li.user .sent-image').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('Stop (the button, or Esc) ends a long answer early', async () => {
    await page.click('#new-chat');
    await page.fill('#max-new-tokens', '4000');
    await page.fill('#temperature', '0.8');
    await page.fill('#seed', '7');
    for (const [index, how] of ['button', 'Escape'].entries()) {
      await page.fill('#prompt', 'Tell me a long story.');
      await page.click('#send');
      const answer = page.locator('#transcript li.assistant').nth(index);
      await page.waitForFunction(
        `Number(document.querySelectorAll('#transcript li.assistant')[${index}]?.dataset.chunks ?? 0) >= 3`,
        undefined,
        { timeout: 60_000 },
      );
      expect(await page.isEnabled('#stop')).toBe(true);
      if (how === 'button') await page.click('#stop');
      else await page.keyboard.press('Escape');
      await answer.locator('xpath=self::*[@data-finish]').waitFor({ timeout: 30_000 });
      expect(await answer.getAttribute('data-finish'), how).toBe('abort');
      const tokens = Number(/^(\d+) tokens/.exec((await page.textContent('#stats'))!)?.[1]);
      expect(tokens, how).toBeGreaterThanOrEqual(3);
      expect(tokens, how).toBeLessThan(4000);
      expect(await page.isEnabled('#send')).toBe(true);
      expect(await page.isDisabled('#stop')).toBe(true);
    }
    expect(errors).toEqual([]);
  });

  it('says so when a file is not an image, and keeps the current one', async () => {
    await page.setInputFiles('#file-input', {
      name: 'broken.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not a png at all'),
    });
    await page.waitForSelector('#tiling .problem');
    expect(await page.textContent('#tiling .problem')).toBe(
      'broken.png is not an image this browser can read.',
    );
    expect(await page.textContent('#tile-count')).toBe('7');
    expect(errors).toEqual([]);
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(reports, 'screenshot-phone.png'), fullPage: true });
  });

  it('a reload reads the model from the Cache API instead of downloading it again', async () => {
    await page.reload();
    await page.waitForSelector('#load-status[data-state="ready"]', { timeout: 60_000 });
    const shown = await page
      .locator('.progress-file')
      .evaluateAll((items) =>
        items.map((item) => [
          (item as HTMLElement).dataset.file,
          item.querySelector('.file-bytes')?.textContent,
        ]),
      );
    const files = (await readdir(modelDir)).filter((name) => name !== 'config.json');
    expect(shown).toHaveLength(files.length);
    for (const [file, bytes] of shown) {
      // nvlm.json is always asked for (to notice a changed model); the rest comes from the cache.
      if (file === 'nvlm.json') expect(bytes).toMatch(/ B \/ /);
      else expect(bytes, file).toBe('cached');
    }
    expect(errors).toEqual([]);
  });

  it('a model URL that does not hold a model gets a clear error', async () => {
    const other = await context.newPage(); // its console shows the 404: kept out of `errors`
    try {
      await other.goto(`${server.url}/`);
      await other.waitForSelector('#load-status[data-state="ready"]', { timeout: 60_000 });
      await other.fill('#model-url', './no-model-here/');
      await other.press('#model-url', 'Enter');
      await other.waitForSelector('#load-status[data-state="error"]', { timeout: 30_000 });
      expect(await other.textContent('#load-status')).toBe(
        `Could not load the model: BAD_MODEL: cannot fetch ${server.url}/no-model-here/nvlm.json: HTTP 404 Not Found`,
      );
      expect(await other.isDisabled('#send')).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('streams an answer on WebGPU (SwiftShader) when the browser offers an adapter', async () => {
    const gpuBrowser = await launch(true);
    const gpuErrors: string[] = [];
    try {
      const gpuPage = await gpuBrowser.newPage();
      watch(gpuPage, gpuErrors);
      await gpuPage.goto(`${server.url}/`);
      await gpuPage.waitForSelector('#load-status[data-state="ready"]', { timeout: 60_000 });
      expect(await gpuPage.getAttribute('#backend', 'data-backend')).toBe('webgpu');
      expect(await gpuPage.textContent('#backend')).toBe('Backend: WebGPU');
      await gpuPage.click('#sampling summary');
      await gpuPage.fill('#max-new-tokens', '6');
      await gpuPage.fill('#prompt', 'Hello!');
      await gpuPage.click('#send');
      const answer = gpuPage.locator('#transcript li.assistant').nth(0);
      await answer.locator('xpath=self::*[@data-finish]').waitFor({ timeout: 60_000 });
      expect(await answer.getAttribute('data-finish')).toBe('length');
      expect(Number(await answer.getAttribute('data-chunks'))).toBeGreaterThan(1);
      expect(await gpuPage.textContent('#stats')).toMatch(/^6 tokens · TTFT \d+ ms · \d+\.\d tokens\/s/);
      expect(gpuErrors).toEqual([]);
    } finally {
      await gpuBrowser.close();
    }
  });
});
