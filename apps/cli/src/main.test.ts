import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { type Command, defineCommand, intOption, type OptionSpecs, UsageError } from './command.js';
import { COMMANDS } from './commands/index.js';
import { main } from './main.js';
import { memoryIO } from './testing/memory-io.js';

/** A command that echoes what it parsed, to test the frame without real work. */
const echo = defineCommand({
  name: 'echo',
  summary: 'Echo parsed arguments',
  options: {
    count: { type: 'string', valueName: 'N', default: '1', description: 'How many times' },
    tag: { type: 'string', multiple: true, short: 't', description: 'A tag' },
    json: { type: 'boolean', description: 'JSON output' },
  },
  positionals: [{ name: 'WORD', description: 'What to echo' }],
  examples: ['nvlm echo hi --count 2'],
  run({ values, positionals, io }) {
    const count = intOption(values.count, 'count', { min: 1, max: 10 }, 1);
    io.stdout.write(`${JSON.stringify({ count, tag: values.tag, json: values.json, positionals })}\n`);
    return 0;
  },
});
const failing = defineCommand({
  name: 'fail',
  summary: 'Always fails',
  options: {},
  run() {
    const error = new Error('disk on fire\nsecond line') as Error & { code: string };
    error.name = 'TokenizerError';
    error.code = 'BAD_JSON';
    throw error;
  },
});
const commands = [echo, failing] as unknown as Command<OptionSpecs>[];

async function run(argv: string[], cmds = commands) {
  const io = memoryIO();
  const code = await main(argv, io, cmds);
  return { code, out: io.out(), err: io.err() };
}

describe('nvlm frame', () => {
  it('prints the command list for --help, -h and help, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { code, out, err } = await run(argv);
      expect(code).toBe(0);
      expect(err).toBe('');
      expect(out).toMatch(/^nvlm \S+: /);
      expect(out).toContain('Usage: nvlm <command> [options]');
      expect(out).toMatch(/\n {2}echo +Echo parsed arguments\n/);
      expect(out).toMatch(/\n {2}fail +Always fails\n/);
    }
  });

  it('prints help and exits 2 with no arguments', async () => {
    const { code, out } = await run([]);
    expect(code).toBe(2);
    expect(out).toContain('Commands:');
  });

  it('prints the package.json version', async () => {
    for (const flag of ['--version', '-v', '-V']) {
      const { code, out } = await run([flag]);
      expect(code).toBe(0);
      expect(out).toBe(`${pkg.version}\n`);
    }
  });

  it('rejects an unknown command with one line, a suggestion and exit 2', async () => {
    const { code, out, err } = await run(['ecko']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe("nvlm: unknown command 'ecko'; did you mean 'echo'? (see 'nvlm --help')\n");
    const far = await run(['zzzzzz']);
    expect(far.err).toBe("nvlm: unknown command 'zzzzzz' (see 'nvlm --help')\n");
  });

  it('rejects a global option it does not know', async () => {
    const { code, err } = await run(['--frobnicate']);
    expect(code).toBe(2);
    expect(err.split('\n')).toHaveLength(2);
    expect(err).toContain("unknown option '--frobnicate'");
  });

  it('shows subcommand help for --help anywhere and for `help NAME`', async () => {
    for (const argv of [
      ['echo', '--help'],
      ['echo', 'x', '--bogus', '-h'],
      ['help', 'echo'],
    ]) {
      const { code, out } = await run(argv);
      expect(code).toBe(0);
      expect(out.split('\n')[0]).toBe('Usage: nvlm echo [options] WORD');
      expect(out).toMatch(/ {2}--count N +How many times \(default: 1\)/);
      expect(out).toMatch(/ {2}-t, --tag VALUE +A tag \(repeatable\)/);
      expect(out).toMatch(/ {2}-h, --help +Show this help/);
      expect(out).toContain('Examples:\n  nvlm echo hi --count 2');
    }
  });

  it('parses options, defaults, repeats, short flags and positionals', async () => {
    const { code, out } = await run(['echo', 'hello', '-t', 'a', '--tag=b', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ count: 1, tag: ['a', 'b'], json: true, positionals: ['hello'] });
    const other = await run(['echo', '--count', '7', 'w']);
    expect(JSON.parse(other.out)).toEqual({ count: 7, tag: [], json: false, positionals: ['w'] });
  });

  it('treats arguments after -- as positionals', async () => {
    const { out } = await run(['echo', '--', '--help']);
    expect(JSON.parse(out).positionals).toEqual(['--help']);
  });

  it.each([
    [['echo', 'w', '--nope'], "nvlm: unknown option '--nope' (see 'nvlm echo --help')\n"],
    [['echo', 'w', '--count'], "nvlm: option '--count' needs a value (see 'nvlm echo --help')\n"],
    [['echo', 'w', '--json=yes'], "nvlm: option '--json' takes no value (see 'nvlm echo --help')\n"],
    [['echo'], "nvlm: missing argument WORD (see 'nvlm echo --help')\n"],
    [['echo', 'a', 'b'], "nvlm: unexpected argument 'b' (see 'nvlm echo --help')\n"],
    [
      ['echo', 'w', '--count', '0'],
      "nvlm: --count must be an integer in [1, 10], got '0' (see 'nvlm echo --help')\n",
    ],
    [
      ['echo', 'w', '--count', '2.5'],
      "nvlm: --count must be an integer in [1, 10], got '2.5' (see 'nvlm echo --help')\n",
    ],
  ])('usage error %j gives one line and exit 2', async (argv, expected) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(expected);
  });

  it('reports a failing command as one line with name and code, exit 1', async () => {
    const { code, err } = await run(['fail']);
    expect(code).toBe(1);
    expect(err).toBe('nvlm: TokenizerError [BAD_JSON]: disk on fire second line\n');
  });

  it('keeps the UsageError type for commands that throw it themselves', async () => {
    const thrower = defineCommand({
      name: 'throws',
      summary: 's',
      options: {},
      run() {
        throw new UsageError('bad combination');
      },
    });
    const { code, err } = await run(['throws'], [thrower as unknown as Command<OptionSpecs>]);
    expect(code).toBe(2);
    expect(err).toBe("nvlm: bad combination (see 'nvlm throws --help')\n");
  });
});

describe('real commands', () => {
  it('every command has a summary, unique name and renders help', async () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const command of COMMANDS) {
      expect(command.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(command.summary.length).toBeGreaterThan(0);
      const io = memoryIO();
      expect(await main([command.name, '--help'], io)).toBe(0);
      expect(io.out()).toMatch(new RegExp(`^Usage: nvlm ${command.name}`));
      for (const option of Object.keys(command.options)) expect(io.out()).toContain(`--${option}`);
    }
  });

  it('info --json reports this node version', async () => {
    const io = memoryIO();
    expect(await main(['info', '--json'], io)).toBe(0);
    const info = JSON.parse(io.out());
    expect(info.node).toBe(process.versions.node);
    expect(info.nvlm).toBe(pkg.version);
  });
});
