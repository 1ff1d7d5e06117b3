#!/usr/bin/env node
/**
 * Workspace hygiene, run as part of `pnpm lint` (STYLE.md rule 20, in the spirit of sherif/publint):
 * every package and app has the scripts, README, engines and exports layout the repo relies on, one
 * version of each external dependency is used across the workspace, apps stay private, and the
 * tightly coupled packages share one fixed changeset version group.
 * Prints one line per problem and exits 1 when there is any.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Packages whose versions must move together (graph op sets and runtime must agree). */
const FIXED_GROUP = ['@nvlm-ts/arch', '@nvlm-ts/onnx', '@nvlm-ts/runtime'];
const REQUIRED_SCRIPTS = ['build', 'typecheck', 'test'];
/** Packages kept private although they live in packages/ (STYLE.md rule 19: eval). */
const PRIVATE_PACKAGES = new Set(['@nvlm-ts/eval']);
const SOURCE_CONDITION = '@nvlm-ts/source';

const rootPkg = readJson(join(root, 'package.json'));
const workspaces = [];
for (const group of ['packages', 'apps']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (existsSync(join(path, 'package.json')))
      workspaces.push({ group, name, path, pkg: readJson(join(path, 'package.json')) });
  }
}

/** Checks that `types` comes first in every conditional branch and that targets are sane. */
function checkExports(where, exportsField, path) {
  const visit = (node, key) => {
    if (typeof node === 'string') {
      if (!node.startsWith('./')) fail(where, `exports ${key} target '${node}' must start with './'`);
      if (key.includes(SOURCE_CONDITION) && !existsSync(join(path, node))) {
        fail(where, `exports ${key} points to missing ${node}`);
      }
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    const conditions = keys.filter((k) => !k.startsWith('.'));
    if (conditions.includes('types')) {
      const allowedBefore = new Set([SOURCE_CONDITION]);
      const typesIndex = conditions.indexOf('types');
      if (conditions.slice(0, typesIndex).some((k) => !allowedBefore.has(k))) {
        fail(where, `exports ${key}: 'types' must come first in its branch`);
      }
    }
    for (const k of keys) visit(node[k], `${key}/${k}`);
  };
  visit(exportsField, '');
}

const externalVersions = new Map();
for (const { group, name, path, pkg } of workspaces) {
  const where = relative(root, path);
  if (!pkg.name?.startsWith('@nvlm-ts/')) fail(where, `name '${pkg.name}' must be in the @nvlm-ts scope`);
  if (pkg.name && pkg.name !== `@nvlm-ts/${name}`)
    fail(where, `name '${pkg.name}' should be '@nvlm-ts/${name}' (folder name)`);
  if (pkg.type !== 'module') fail(where, 'must set "type": "module"');
  if (pkg.engines?.node !== rootPkg.engines.node)
    fail(where, `engines.node must be '${rootPkg.engines.node}'`);
  for (const script of REQUIRED_SCRIPTS)
    if (!pkg.scripts?.[script]) fail(where, `missing script '${script}'`);
  if (!existsSync(join(path, 'README.md'))) fail(where, 'missing README.md');
  if (!existsSync(join(path, 'vitest.config.ts')))
    fail(where, 'missing vitest.config.ts (use tooling/vitest.shared.ts)');
  if (group === 'apps' && pkg.private !== true) fail(where, 'apps are private: set "private": true');
  if (group === 'packages' && PRIVATE_PACKAGES.has(pkg.name)) {
    if (pkg.private !== true) fail(where, `${pkg.name} is private (STYLE.md): set "private": true`);
  } else if (group === 'packages') {
    if (pkg.private) fail(where, 'packages are published: remove "private"');
    if (!pkg.license) fail(where, 'missing license');
    if (!pkg.files?.includes('dist')) fail(where, '"files" must include "dist"');
    if (!pkg.exports?.['./package.json']) fail(where, 'exports must include "./package.json"');
    if (!pkg.exports?.['.']?.[SOURCE_CONDITION])
      fail(where, `exports "." needs a "${SOURCE_CONDITION}" condition`);
  }
  if (pkg.exports) checkExports(where, pkg.exports, path);
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (dep.startsWith('@nvlm-ts/')) {
        if (field !== 'peerDependencies' && range !== 'workspace:*' && range !== 'workspace:^') {
          fail(where, `${dep} must use the workspace: protocol, got '${range}'`);
        }
        continue;
      }
      if (field === 'peerDependencies') continue;
      const seen = externalVersions.get(dep);
      if (seen && seen.range !== range)
        fail(where, `${dep}@${range} differs from ${seen.where} (${seen.range}); use one version`);
      else if (!seen) externalVersions.set(dep, { range, where });
    }
  }
}
for (const [dep, range] of Object.entries(rootPkg.devDependencies ?? {})) {
  const seen = externalVersions.get(dep);
  if (seen && seen.range !== range)
    fail('package.json', `${dep}@${range} differs from ${seen.where} (${seen.range}); use one version`);
}

const changesetConfig = readJson(join(root, '.changeset', 'config.json'));
if (changesetConfig.baseBranch !== 'main') fail('.changeset/config.json', 'baseBranch must be "main"');
const present = FIXED_GROUP.filter((n) => workspaces.some((w) => w.pkg.name === n));
if (present.length > 0) {
  const group = (changesetConfig.fixed ?? []).find((g) => present.some((n) => g.includes(n)));
  const missing = present.filter((n) => !group?.includes(n));
  if (missing.length > 0)
    fail(
      '.changeset/config.json',
      `fixed group must hold ${present.join(', ')} (missing ${missing.join(', ')})`,
    );
}

for (const problem of problems) process.stderr.write(`${problem}\n`);
if (problems.length > 0) {
  process.stderr.write(`check-workspace: ${problems.length} problem(s)\n`);
  process.exit(1);
}
process.stdout.write(`check-workspace: ${workspaces.length} workspace package(s) ok\n`);
