/** `nvlm info`: what this installation is running on, for bug reports. */
import os from 'node:os';
import { defineCommand } from '../command.js';
import { VERSION } from '../version.js';

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'Print versions and platform details for bug reports',
  options: {
    json: { type: 'boolean', description: 'Print one JSON object instead of text' },
  },
  examples: ['nvlm info', 'nvlm info --json'],
  run({ values, io }) {
    const info = {
      nvlm: VERSION,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      cpus: os.availableParallelism(),
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    };
    if (values.json) {
      io.stdout.write(`${JSON.stringify(info)}\n`);
    } else {
      const width = Math.max(...Object.keys(info).map((k) => k.length));
      for (const [key, value] of Object.entries(info)) io.stdout.write(`${key.padEnd(width)}  ${value}\n`);
    }
    return 0;
  },
});
