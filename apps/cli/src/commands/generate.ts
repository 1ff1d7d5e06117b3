/** `nvlm generate`: one answer from a model directory, streamed to stdout. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type GenerationResult, loadPipeline } from '@nvlm-ts/runtime';
import { defineCommand, intOption, numberOption, UsageError } from '../command.js';
import { RUNTIME_OPTIONS, runtimeOptions } from '../util/runtime-options.js';

export const generateCommand = defineCommand({
  name: 'generate',
  summary: 'Generate an answer to a prompt (and images) with a converted or Hugging Face model',
  description:
    'Streams the answer to stdout. Greedy by default (as NVLM is evaluated); --temperature > 0 samples.\n' +
    'A Hugging Face checkpoint directory is converted once into the cache ($NVLM_CACHE or ~/.cache/nvlm-ts).',
  options: {
    model: {
      type: 'string',
      short: 'm',
      valueName: 'DIR',
      description: 'Model directory (nvlm-ts ONNX or Hugging Face)',
    },
    image: {
      type: 'string',
      short: 'i',
      multiple: true,
      valueName: 'PATH',
      description: 'An image (placed as <image> in order)',
    },
    prompt: { type: 'string', short: 'p', valueName: 'TEXT', description: 'The user message' },
    system: {
      type: 'string',
      valueName: 'TEXT',
      description: "System message (default: the chat template's)",
    },
    'max-new-tokens': {
      type: 'string',
      valueName: 'N',
      default: '256',
      description: 'Most tokens to generate',
    },
    temperature: {
      type: 'string',
      valueName: 'T',
      default: '0',
      description: 'Sampling temperature; 0 = greedy',
    },
    'top-p': { type: 'string', valueName: 'P', default: '1', description: 'Nucleus sampling mass' },
    'top-k': {
      type: 'string',
      valueName: 'K',
      default: '0',
      description: 'Keep the K most likely tokens; 0 = off',
    },
    'min-p': {
      type: 'string',
      valueName: 'P',
      default: '0',
      description: 'Drop tokens below P x the top probability',
    },
    'repetition-penalty': {
      type: 'string',
      valueName: 'R',
      default: '1',
      description: 'HF repetition penalty; 1 = off',
    },
    seed: { type: 'string', valueName: 'S', description: 'Sampling seed (same seed, same output)' },
    stop: { type: 'string', multiple: true, valueName: 'TEXT', description: 'Stop before this string' },
    ...RUNTIME_OPTIONS,
    json: {
      type: 'boolean',
      description:
        'Print one JSON object {text, token_ids, prompt_token_ids, usage, timings} instead of streaming',
    },
    logits: {
      type: 'string',
      valueName: 'OUT',
      description: "Write the first generated position's logits (raw float32 LE)",
    },
    verbose: { type: 'boolean', short: 'v', description: 'Print token counts and speeds to stderr' },
  },
  examples: [
    'nvlm generate --model models/tiny-d-onnx --prompt "Hello"',
    'nvlm generate -m NVLM-D-72B-int4 -i chart.png -p "What is the peak value?" --json',
  ],
  async run({ values, io }) {
    if (values.model === undefined) throw new UsageError('--model DIR is required');
    if (values.prompt === undefined) throw new UsageError('--prompt TEXT is required');
    const sampling = {
      maxNewTokens: intOption(values['max-new-tokens'], 'max-new-tokens', { min: 1, max: 1_000_000 }, 256),
      temperature: numberOption(values.temperature, 'temperature', { min: 0, max: 100 }, 0),
      topP: numberOption(values['top-p'], 'top-p', { min: Number.MIN_VALUE, max: 1 }, 1),
      topK: intOption(values['top-k'], 'top-k', { min: 0, max: 1_000_000 }, 0),
      minP: numberOption(values['min-p'], 'min-p', { min: 0, max: 1 }, 0),
      repetitionPenalty: numberOption(
        values['repetition-penalty'],
        'repetition-penalty',
        { min: 0.01, max: 100 },
        1,
      ),
      ...(values.seed !== undefined && {
        seed: intOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }, 0),
      }),
    };
    const pipeline = await loadPipeline(resolve(io.cwd, values.model), runtimeOptions(values));
    try {
      let firstLogits: Float32Array | undefined;
      const stream = pipeline.generate({
        prompt: values.prompt,
        ...(values.system !== undefined && { system: values.system }),
        images: values.image.map((path) => resolve(io.cwd, path)),
        ...sampling,
        ...(values.stop.length > 0 && { stop: values.stop }),
        ...(values.logits !== undefined && {
          onFirstLogits: (l: Float32Array) => {
            firstLogits = l;
          },
        }),
      });
      if (!values.json) for await (const chunk of stream) io.stdout.write(chunk.text);
      const result = await stream.result;
      if (values.logits !== undefined && firstLogits) {
        await writeFile(
          resolve(io.cwd, values.logits),
          new Uint8Array(firstLogits.buffer, firstLogits.byteOffset, firstLogits.byteLength),
        );
      }
      if (values.json) io.stdout.write(`${JSON.stringify(toJson(result))}\n`);
      else io.stdout.write('\n');
      if (values.verbose) {
        const t = result.timings;
        io.stderr.write(
          `${result.usage.promptTokens} prompt tokens (${result.usage.imageTokens} image, ${result.usage.cachedTokens} cached), ` +
            `${result.usage.completionTokens} generated, finish: ${result.finishReason}; ttft ${t.ttftMs.toFixed(0)} ms, ` +
            `prefill ${t.prefillTokensPerSecond.toFixed(1)} tok/s, decode ${t.decodeTokensPerSecond.toFixed(1)} tok/s\n`,
        );
      }
      return 0;
    } finally {
      await pipeline.dispose();
    }
  },
});

/** The `--json` shape (DESIGN.md: text, token_ids, usage, timings; plus prompt_token_ids). */
function toJson(r: GenerationResult) {
  return {
    text: r.text,
    token_ids: r.tokenIds,
    prompt_token_ids: r.promptTokenIds,
    finish_reason: r.finishReason,
    usage: {
      prompt_tokens: r.usage.promptTokens,
      completion_tokens: r.usage.completionTokens,
      total_tokens: r.usage.totalTokens,
      image_tokens: r.usage.imageTokens,
      cached_tokens: r.usage.cachedTokens,
    },
    timings: {
      ttft_ms: r.timings.ttftMs,
      vision_ms: r.timings.visionMs,
      prefill_ms: r.timings.prefillMs,
      prefill_tokens_per_second: r.timings.prefillTokensPerSecond,
      decode_ms: r.timings.decodeMs,
      decode_tokens_per_second: r.timings.decodeTokensPerSecond,
      total_ms: r.timings.totalMs,
      tiles: r.timings.tiles,
    },
  };
}
