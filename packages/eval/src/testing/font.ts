/**
 * A hand-made 5×7 bitmap font (digits, A-Z, space and a few punctuation marks) to render text into
 * generated test images, so that sample datasets need no font files and render identically everywhere.
 * Each glyph is 7 rows of 5 cells, `#` = ink; glyphs are drawn `scale` pixels per cell with one empty
 * cell between characters.
 */
import type { Rgb, RgbImage } from './raster.js';

/** Glyph width and height in cells. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

// biome-ignore format: one glyph per line keeps the bitmaps readable
const GLYPH_ROWS: Readonly<Record<string, string>> = {
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '###.. #..#. #...# #...# #...# #..#. ###..',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  ' ': '..... ..... ..... ..... ..... ..... .....',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  ',': '..... ..... ..... ..... .##.. ..#.. .#...',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  '-': '..... ..... ..... ##### ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  '/': '..... ....# ...#. ..#.. .#... #.... .....',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  "'": '..#.. ..#.. .#... ..... ..... ..... .....',
};

/** The characters the font can draw. */
export const FONT_CHARACTERS: string = Object.keys(GLYPH_ROWS).join('');

/**
 * The bitmap of one character: `GLYPH_HEIGHT` rows of `GLYPH_WIDTH` booleans (true = ink).
 * @throws {RangeError} for a character the font does not have (lower-case letters included).
 */
export function glyph(char: string): readonly (readonly boolean[])[] {
  const rows = GLYPH_ROWS[char];
  if (rows === undefined) {
    throw new RangeError(
      `'char' must be one of ${JSON.stringify(FONT_CHARACTERS)}, got ${JSON.stringify(char)}`,
    );
  }
  return rows.split(' ').map((row) => Array.from(row, (c) => c === '#'));
}

/** Width and height in pixels of `text` drawn at `scale`. */
export function measureText(text: string, scale: number): { width: number; height: number } {
  const n = Array.from(text).length;
  return { width: n === 0 ? 0 : (n * (GLYPH_WIDTH + 1) - 1) * scale, height: GLYPH_HEIGHT * scale };
}

/**
 * Draws `text` with its top-left corner at `(x, y)`, each glyph cell a `scale`×`scale` square.
 * @throws {RangeError} for a character the font does not have, or a `scale` that is not an integer >= 1.
 */
export function drawText(
  image: RgbImage,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: Rgb,
): void {
  if (!Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`'scale' must be an integer >= 1, got ${scale}`);
  }
  let left = Math.floor(x);
  const top = Math.floor(y);
  for (const char of text) {
    glyph(char).forEach((row, r) => {
      row.forEach((ink, c) => {
        if (ink) image.fillRect(left + c * scale, top + r * scale, scale, scale, color);
      });
    });
    left += (GLYPH_WIDTH + 1) * scale;
  }
}
