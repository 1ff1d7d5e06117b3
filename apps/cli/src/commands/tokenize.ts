/**
 * `nvlm tokenize`: text to token ids with a Hugging Face tokenizer.json (DESIGN.md "The `nvlm`
 * command"). One text from `--text`, or JSONL `{"text": ...}` lines on stdin answered by one JSONL
 * `{"ids": [...]}` line each, in order. Blank lines are skipped; the first malformed line stops the
 * run with its line number (exit 1), after the lines before it have been answered.
 */
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadTokenizer, type Tokenizer } from '@nvlm-ts/tokenizer';
import { CliError, defineCommand, UsageError } from '../command.js';

export const tokenizeCommand = defineCommand({
  name: 'tokenize',
  summary: 'Turn text into token ids with a Hugging Face tokenizer.json',
  description:
    'Reads --text, or JSONL {"text": ...} lines from stdin, and writes one JSONL {"ids": [...]} line per\n' +
    'input, in order. Special tokens written in the text (e.g. <|im_start|>) are always recognised;\n' +
    '--add-special-tokens also applies the BOS/EOS template. Blank stdin lines are skipped; a malformed\n' +
    'line stops the run with its line number.',
  options: {
    tokenizer: {
      type: 'string',
      valueName: 'PATH',
      description: 'tokenizer.json, or a directory holding it (and tokenizer_config.json)',
    },
    text: { type: 'string', valueName: 'T', description: 'Text to tokenize (default: JSONL lines on stdin)' },
    'add-special-tokens': { type: 'boolean', description: "Apply the tokenizer's BOS/EOS template" },
  },
  examples: [
    'nvlm tokenize --tokenizer ./NVLM-D-72B --text "Hello <|im_end|>"',
    'echo \'{"text": "Hello"}\' | nvlm tokenize --tokenizer tokenizer.json --add-special-tokens',
  ],
  async run({ values, io }) {
    if (values.tokenizer === undefined) throw new UsageError('missing --tokenizer PATH');
    const tokenizer = await loadTokenizer(resolve(io.cwd, values.tokenizer));
    const addSpecialTokens = values['add-special-tokens'];
    if (values.text !== undefined) {
      io.stdout.write(`${JSON.stringify({ ids: tokenizer.encode(values.text, { addSpecialTokens }) })}\n`);
      return 0;
    }
    await tokenizeLines(tokenizer, addSpecialTokens, io.stdin, io.stdout);
    return 0;
  },
});

/** Answers each JSONL `{"text"}` line of `input` with a `{"ids"}` line on `output`. */
async function tokenizeLines(
  tokenizer: Tokenizer,
  addSpecialTokens: boolean,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const text = readText(line, lineNumber);
    const ok = output.write(`${JSON.stringify({ ids: tokenizer.encode(text, { addSpecialTokens }) })}\n`);
    if (!ok) await once(output, 'drain');
  }
}

function readText(line: string, lineNumber: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (cause) {
    throw new CliError(`stdin line ${lineNumber}: not valid JSON (${(cause as Error).message})`);
  }
  const text = (parsed as { text?: unknown } | null)?.text;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || typeof text !== 'string')
    throw new CliError(
      `stdin line ${lineNumber}: expected an object with a string "text", got ${line.slice(0, 80)}`,
    );
  return text;
}
