#!/usr/bin/env node
/**
 * Sums the vitest JSON reports of every workspace package into one closing line,
 * `tests: N passed, N failed`, and exits non-zero when anything failed, when a package with a
 * `test` script left no report, or when no test ran at all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

for (const group of ['packages', 'apps']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    const pkgPath = join(dir, name, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const reportPath = join(dir, name, '.reports', 'vitest.json');
    if (!existsSync(reportPath)) {
      problems.push(`${pkg.name}: no test report (its tests did not run)`);
      failed += 1;
      continue;
    }
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    // A test file that fails to load has no failed test, only a failed suite.
    const brokenFiles = report.testResults.filter(
      (file) => file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed'),
    );
    for (const file of brokenFiles) {
      problems.push(
        `${pkg.name}: ${file.name.slice(root.length)} failed to run: ${(file.message ?? '').split('\n')[0]}`,
      );
      failed += 1;
    }
  }
}

for (const problem of problems) process.stderr.write(`${problem}\n`);
if (passed + failed === 0) process.stderr.write('no test ran\n');
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
