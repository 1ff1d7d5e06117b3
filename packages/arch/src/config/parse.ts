/** zod plumbing shared by the config parsers: one `INVALID_CONFIG` error naming the field at fault. */
import type { z } from 'zod';
import { ArchError } from '../errors.js';

/** Parses `raw` with `schema`; on failure throws `ArchError('INVALID_CONFIG')` naming each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  throw new ArchError('INVALID_CONFIG', `${where}: ${problems.join('; ')}`);
}

/** Throws `INVALID_CONFIG` for a broken invariant, naming the fields involved. */
export function check(condition: boolean, where: string, message: string): void {
  if (!condition) throw new ArchError('INVALID_CONFIG', `${where}: ${message}`);
}
