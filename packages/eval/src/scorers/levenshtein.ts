/**
 * Levenshtein edit distance over code points (Python `str` indexing), as the RRC ANLS script and
 * `Levenshtein.distance` compute it (EVAL.md §0.3.3: iterate code points, not UTF-16 units).
 */

/** Edit distance between `a` and `b` counted in code points (insert, delete, substitute cost 1). */
export function levenshtein(a: string, b: string): number {
  let s = Array.from(a);
  let t = Array.from(b);
  if (s.length > t.length) [s, t] = [t, s];
  let prev = Array.from({ length: s.length + 1 }, (_, i) => i);
  for (let j = 1; j <= t.length; j++) {
    const cur = [j];
    for (let i = 1; i <= s.length; i++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[i] as number) + 1, (cur[i - 1] as number) + 1, (prev[i - 1] as number) + cost));
    }
    prev = cur;
  }
  return prev[s.length] as number;
}
