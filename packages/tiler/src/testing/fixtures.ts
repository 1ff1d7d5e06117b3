/** Reads the Pillow golden fixtures in packages/tiler/fixtures (Node-only, test-only). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under packages/tiler/fixtures. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../../fixtures/${relative}`, import.meta.url));
}

/** The bytes of a fixture file. */
export function readFixture(relative: string): Uint8Array {
  const buffer = readFileSync(fixturePath(relative));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

interface Common {
  image: string;
  tileSize: number;
  minTiles: number;
  maxTiles: number;
  thumbnail: boolean;
  grid: [number, number];
  tiles: number;
}

/** packages/tiler/fixtures/manifest.json, as make_fixtures.py writes it. */
export interface Manifest {
  pillow: string;
  resample: {
    name: string;
    source: 'pattern' | 'noise';
    in: [number, number];
    out: [number, number];
    file: string;
  }[];
  convert: { image: string; pillowMode: string; size: [number, number]; file: string }[];
  tiling: (Common & { file: string })[];
  e2e: (Common & { sha256: string[] })[];
}

/** packages/tiler/fixtures/grids.json. */
export interface GridFixtures {
  columns: string[];
  /** [width, height, tileSize, minTiles, maxTiles, cols, rows] */
  cases: [number, number, number, number, number, number, number][];
  /** CPython's sorted(set(...)) candidate order, keyed by maxTiles. */
  pythonSetOrder: Record<string, [number, number][]>;
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(fixturePath('manifest.json'), 'utf8')) as Manifest;
}

export function readGridFixtures(): GridFixtures {
  return JSON.parse(readFileSync(fixturePath('grids.json'), 'utf8')) as GridFixtures;
}
