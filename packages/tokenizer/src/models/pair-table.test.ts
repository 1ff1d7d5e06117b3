import { describe, expect, it } from 'vitest';
import { PairTable } from './pair-table.js';

describe('PairTable', () => {
  it('stores and finds pairs, and reports absence', () => {
    const table = new PairTable(4);
    table.set(1, 2, 0, 10);
    table.set(2, 1, 1, 11);
    table.set(100000, 3, 2, 12);
    expect(table.size).toBe(3);
    const s = table.find(2, 1);
    expect(table.rankAt(s)).toBe(1);
    expect(table.mergedAt(s)).toBe(11);
    expect(table.mergedAt(table.find(100000, 3))).toBe(12);
    expect(table.find(3, 100000)).toBe(-1);
    expect(table.find(1, 1)).toBe(-1);
  });

  it('keeps the later rank for a repeated pair, as the Rust HashMap collect does', () => {
    const table = new PairTable(2);
    table.set(5, 6, 0, 7);
    table.set(5, 6, 9, 8);
    expect(table.size).toBe(1);
    expect(table.rankAt(table.find(5, 6))).toBe(9);
  });

  it('survives many colliding inserts', () => {
    const table = new PairTable(5000);
    for (let i = 0; i < 5000; i++) table.set(i, i * 7, i, i + 1);
    for (let i = 0; i < 5000; i++) expect(table.mergedAt(table.find(i, i * 7))).toBe(i + 1);
  });
});
