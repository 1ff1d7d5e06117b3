/** Help text for the command list and for each subcommand. */
import type { Command, OptionSpec, OptionSpecs } from './command.js';

const INDENT = '  ';

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '    ';
  const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
  return `${short}--${name}${value}`;
}

function optionText(spec: OptionSpec): string {
  let text = spec.description;
  if (spec.type === 'string' && !spec.multiple && spec.default !== undefined) {
    text += ` (default: ${spec.default})`;
  }
  if (spec.type === 'string' && spec.multiple) text += ' (repeatable)';
  return text;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${INDENT}${left.padEnd(width)}  ${right}`.trimEnd());
}

/** `nvlm <name> [options] ARG...` */
export function usageLine(command: Command<OptionSpecs>): string {
  const parts = ['nvlm', command.name];
  if (Object.keys(command.options).length > 0) parts.push('[options]');
  for (const p of command.positionals ?? []) {
    const name = p.variadic ? `${p.name}...` : p.name;
    parts.push(p.required === false ? `[${name}]` : name);
  }
  return parts.join(' ');
}

export function commandHelp(command: Command<OptionSpecs>): string {
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary];
  if (command.description) lines.push('', command.description.trim());
  const positionals = command.positionals ?? [];
  if (positionals.length > 0) {
    lines.push('', 'Arguments:', ...table(positionals.map((p) => [p.name, p.description])));
  }
  const optionRows: [string, string][] = Object.entries(command.options).map(([name, spec]) => [
    optionLabel(name, spec),
    optionText(spec),
  ]);
  optionRows.push(['-h, --help', 'Show this help']);
  lines.push('', 'Options:', ...table(optionRows));
  if (command.examples && command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `${INDENT}${e}`));
  }
  return `${lines.join('\n')}\n`;
}

export function mainHelp(commands: readonly Command<OptionSpecs>[], version: string): string {
  const lines = [
    `nvlm ${version}: run NVLM 1.0 vision-language models (D, X, H) on onnxruntime`,
    '',
    'Usage: nvlm <command> [options]',
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'Options:',
    ...table([
      ['-h, --help', 'Show this help (or `nvlm <command> --help` for one command)'],
      ['-v, --version', 'Print the version'],
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
