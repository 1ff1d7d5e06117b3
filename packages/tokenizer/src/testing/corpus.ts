/**
 * Test and benchmark text: a fixed corpus of hard cases for differential tests, and a deterministic
 * generator of a large mixed (multilingual + code) corpus. Not part of the public API.
 */

/** Hand-picked strings covering the cases tokenizers disagree on. */
export const FIXED_CORPUS: readonly string[] = [
  '',
  ' ',
  'Hello world',
  'Hello, world! How are you doing today?',
  "I'm sure you'll LOVE it. We've, they'd, she's, IT'S, You'Re, 'S 'T",
  '日本語のテキストと漢字、中文文本，繁體中文。한국어 문장도 있습니다.',
  'Привет, мир! Съешь же ещё этих мягких французских булок.',
  'مرحبا بالعالم! هذه جملة عربية مع أرقام ١٢٣٤٥.',
  'नमस्ते दुनिया। यह हिन्दी का वाक्य है।',
  'emoji: 😀 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 ❤️ 🫠',
  'combining: e\u0301 a\u0308 n\u0303 o\u0302\u0323 \u1100\u1161\u11a8 Å Å',
  'full-width: ＡＢＣ１２３！？　ｶﾀｶﾅ ﬁ ﬂ ℌ ①',
  'code: function add(a, b) {\n  return a + b; // sum\n}\n\tconst x = [1, 2, 3].map((v) => v * 2);',
  'def f(x):\n    if x > 0:\n        return x ** 2\n    else:\n        return -x\n',
  '    leading and trailing    ',
  `aaa${' '.repeat(17)}b${'\t'.repeat(5)}c${'\n'.repeat(4)}d`,
  'digits 0 12 345 6789 1234567890 3.14159 1,000,000 ٣٤٥',
  'CRLF line one\r\nline two\r\n\r\nline four\rold mac',
  '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n',
  '<Image><tile_1><|vision_pad|><|vision_pad|><tile_2><|vision_pad|><tile_global_thumbnail><|vision_pad|></Image>\nDescribe it.',
  'text<|endoftext|>more<|im_end|>x <s> </s> <unk> <|begin_of_text|><|eot_id|>',
  'special-ish: <|im_start <|im_end|| |im_end|> <<|im_end|>>',
  'URL https://example.com/path?query=1&x=%20y#frag and e-mail a.b@c.org',
  'mixed 中文English混合text123数字 and ελληνικά κείμενο, עברית טקסט',
  'math: ∑_{i=1}^{n} x_i² ≤ ∞, √2 ≈ 1.414, α→β, ∀x∃y',
  'zero width: a\u200bb\u200cc\u200dd\ufeffe \u00a0nbsp \u2028ls \u2029ps \u0085nel \u3000ideo',
  'control: \u0000\u0001\u0007\u001b[31mred\u001b[0m',
  'tabs\tand\tmore\t\ttabs \t \t mixed',
  'private use \ue000 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱 and long s ſ and Kelvin K',
  "apostrophes: ’s 's 'S 'ſ 'll 'LL 'Ll",
  'Thai: สวัสดีครับ ภาษาไทย; Georgian: გამარჯობა; Armenian: Բարեւ',
  'repeated punctuation!!!??? ... --- ___ *** ### $$$ %%% ^^^',
  `${'ã'.repeat(40)} ${'🙂'.repeat(20)}`,
];

/** A small seeded PRNG (mulberry32), so generated corpora are identical across runs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS: readonly string[] = [
  'the',
  'model',
  'tokenizer',
  'image',
  'tile',
  'vision',
  'language',
  'attention',
  'layer',
  'weights',
  'inference',
  'browser',
  'quickly',
  'Transformer',
  'NVIDIA',
  'multimodal',
  'résumé',
  'naïve',
  'café',
  '数据',
  '模型',
  '图像',
  '语言',
  '东京',
  'こんにちは',
  'データ',
  '画像',
  'модель',
  'данные',
  'изображение',
  'نموذج',
  'بيانات',
  'मॉडल',
  'डेटा',
  'Ελλάδα',
  'δεδομένα',
  '데이터',
  '모델',
  'über',
  'Straße',
];
const CODE: readonly string[] = [
  'const x = await fetch(url);',
  'for (let i = 0; i < n; i++) {',
  '  sum += a[i] * b[i];',
  '}',
  'def forward(self, x):',
  '    return self.proj(x) + x',
  'import numpy as np',
  '#include <stdio.h>',
  'SELECT id, name FROM users WHERE age > 30;',
  '    if (err != nil) { return err }',
];

/** A deterministic mixed corpus of about `bytes` UTF-8 bytes: prose in many scripts, numbers, code. */
export function generateCorpus(bytes: number, seed = 42): string {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const parts: string[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  while (size < bytes) {
    let chunk: string;
    const r = rand();
    if (r < 0.55) {
      const words: string[] = [];
      const n = 5 + Math.floor(rand() * 20);
      for (let k = 0; k < n; k++) {
        let w = pick(WORDS);
        if (rand() < 0.1) w = w[0]!.toUpperCase() + w.slice(1);
        if (rand() < 0.08) w += String(Math.floor(rand() * 100000));
        words.push(w);
      }
      chunk = `${words.join(rand() < 0.9 ? ' ' : '  ')}${pick(['.', ',', '!', '?', ';', '。', '،'])} `;
    } else if (r < 0.8) {
      const lines: string[] = [];
      const n = 2 + Math.floor(rand() * 6);
      for (let k = 0; k < n; k++) lines.push(pick(CODE).replace('x', `v${Math.floor(rand() * 1000)}`));
      chunk = `\n${lines.join('\n')}\n`;
    } else if (r < 0.9) {
      chunk = `${Math.floor(rand() * 1e9)} ${(rand() * 1000).toFixed(3)} ${pick(['😀', '👍🏽', '🚀', '👨‍👩‍👧', '✓'])} `;
    } else {
      chunk = pick(FIXED_CORPUS);
    }
    parts.push(chunk);
    size += encoder.encode(chunk).length;
  }
  return parts.join('');
}
