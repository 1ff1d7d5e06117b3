import { describe, expect, it } from 'vitest';
import { ArchError } from '../errors.js';
import preset from '../presets/nvlm-d-72b.json' with { type: 'json' };
import { loadConfig, resolveArchitecture } from '../registry.js';
import { countParameters, graphShape } from '../weights.js';
import { parseNvlmConfig } from './nvlm.js';

function clone<T>(x: T): T {
  return structuredClone(x);
}

function expectArchError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArchError);
    expect((error as ArchError).code).toBe(code);
    expect((error as ArchError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected an ArchError');
}

describe('NVLM-D-72B config', () => {
  const { architecture, config } = loadConfig(preset);

  it('derives the values of NVLM.md 4-9', () => {
    expect(architecture.id).toBe('nvlm-d');
    expect(config.vision.gridSize).toBe(32);
    expect(config.vision.headDim).toBe(128);
    expect(config.vision.numDummyHeads).toBe(7); // 25 heads padded to 32 (NVLM.md 5.3)
    expect(config.imageTokensPerTile).toBe(256); // (448/14)^2 * 0.5^2
    expect(config.projector).toEqual({
      kind: 'mlp',
      inputSize: 12800,
      hiddenSize: 29568,
      outputSize: 8192,
      layerNormEps: 1e-5,
    });
    expect(config.text.numKvHeads).toBe(8);
    expect(config.text.headDim).toBe(128);
    expect(config.text.attentionBias).toBe(true);
    expect(config.text.ropeTheta).toBe(1e6);
    expect(config.maxTiles).toBe(6);
    expect(config.crossAttentionLayers).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.vision)).toBe(true);
  });

  it('counts 79,379,593,344 parameters with the padded vision tower (NVLM.md 16)', () => {
    const specs = architecture.weightSpecs(config);
    expect(countParameters(specs)).toBe(79_379_593_344);
    const part = (prefix: string) => countParameters(specs.filter((s) => s.name.startsWith(prefix)));
    expect(part('language_model.')).toBe(72_706_203_648);
    expect(part('vision_model.')).toBe(6_052_672_640);
    expect(part('mlp1.')).toBe(620_717_056);
  });

  it('lists the padded qkv/proj shapes and the sliced graph shapes (NVLM.md 5.3, 16)', () => {
    const specs = architecture.weightSpecs(config);
    const byName = new Map(specs.map((s) => [s.name, s]));
    const qkv = byName.get('vision_model.encoder.layers.44.attn.qkv.weight')!;
    expect(qkv.shape).toEqual([12288, 3200]);
    expect(graphShape(qkv)).toEqual([9600, 3200]);
    expect(graphShape(byName.get('vision_model.encoder.layers.0.attn.proj.weight')!)).toEqual([3200, 3200]);
    expect(byName.get('vision_model.encoder.layers.0.attn.q_norm.weight')!.shape).toEqual([4096]);
    expect(byName.get('language_model.model.layers.79.self_attn.k_proj.weight')!.shape).toEqual([1024, 8192]);
    expect(byName.has('language_model.model.layers.80.self_attn.k_proj.weight')).toBe(false);
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
  });

  it('honours an explicit num_dummy_heads, including 0 (unpadded)', () => {
    const raw = clone(preset) as Record<string, any>;
    raw.vision_config.num_dummy_heads = 0;
    const { architecture: a, config: c } = loadConfig(raw);
    expect(countParameters(a.weightSpecs(c).filter((s) => s.name.startsWith('vision_model.')))).toBe(
      5_536_496_000,
    );
  });
});

describe('config errors', () => {
  it('names the supported model types for an unknown one', () => {
    expectArchError(
      () => resolveArchitecture('llava'),
      'UNSUPPORTED_MODEL_TYPE',
      /"llava".*supported: NVLM_D/,
    );
    expectArchError(() => loadConfig({}), 'UNSUPPORTED_MODEL_TYPE', /null/);
    expectArchError(() => loadConfig([]), 'INVALID_CONFIG', /JSON object/);
  });

  it('accepts model_type aliases', () => {
    expect(resolveArchitecture('nvlm_d').id).toBe('nvlm-d');
  });

  it('rejects heads that do not divide the hidden size, naming the field', () => {
    const raw = clone(preset) as Record<string, any>;
    raw.llm_config.num_attention_heads = 60;
    expectArchError(
      () => loadConfig(raw),
      'INVALID_CONFIG',
      /llm_config.*hidden_size 8192.*num_attention_heads 60/,
    );
    const raw2 = clone(preset) as Record<string, any>;
    raw2.vision_config.num_attention_heads = 7;
    expectArchError(() => loadConfig(raw2), 'INVALID_CONFIG', /vision_config.*num_attention_heads 7/);
  });

  it('rejects KV heads that do not divide the heads', () => {
    const raw = clone(preset) as Record<string, any>;
    raw.llm_config.num_key_value_heads = 7;
    expectArchError(() => loadConfig(raw), 'INVALID_CONFIG', /num_key_value_heads 7 does not divide/);
  });

  it('names the path of a mistyped or missing field', () => {
    const raw = clone(preset) as Record<string, any>;
    raw.llm_config.hidden_size = '8192';
    expectArchError(() => loadConfig(raw), 'INVALID_CONFIG', /llm_config: hidden_size: /);
    const raw2 = clone(preset) as Record<string, any>;
    delete raw2.vision_config.num_hidden_layers;
    expectArchError(() => loadConfig(raw2), 'INVALID_CONFIG', /vision_config: num_hidden_layers/);
    const raw3 = clone(preset) as Record<string, any>;
    delete raw3.llm_config;
    expectArchError(() => loadConfig(raw3), 'INVALID_CONFIG', /llm_config/);
  });

  it('rejects pixel shuffle v1 and other unsupported layouts', () => {
    const raw = clone(preset) as Record<string, any>;
    raw.ps_version = 'v1';
    expectArchError(() => loadConfig(raw), 'INVALID_CONFIG', /ps_version 'v1'/);
    const raw2 = clone(preset) as Record<string, any>;
    raw2.downsample_ratio = 0.25;
    expectArchError(() => loadConfig(raw2), 'INVALID_CONFIG', /downsample_ratio/);
  });

  it('rejects cross_attention_every on NVLM-D and requires a divisor for X/H', () => {
    const raw = clone(preset) as Record<string, any>;
    raw.llm_config.cross_attention_every = 8;
    expectArchError(() => loadConfig(raw), 'INVALID_CONFIG', /NVLM-D has no cross-attention/);
    const x = clone(preset) as Record<string, any>;
    x.model_type = 'NVLM_X';
    expectArchError(
      () => parseNvlmConfig(x, 'nvlm-x'),
      'INVALID_CONFIG',
      /cross_attention_every is required/,
    );
    x.llm_config.cross_attention_every = 7;
    expectArchError(
      () => parseNvlmConfig(x, 'nvlm-x'),
      'INVALID_CONFIG',
      /7 does not divide num_hidden_layers 80/,
    );
    x.llm_config.cross_attention_every = 8;
    const c = parseNvlmConfig(x, 'nvlm-x');
    expect(c.crossAttentionLayers).toEqual([0, 8, 16, 24, 32, 40, 48, 56, 64, 72]);
    expect(c.projector.kind).toBe('linear');
  });
});
