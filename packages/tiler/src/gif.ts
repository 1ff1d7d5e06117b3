/**
 * The colour Pillow gives a GIF's transparent pixels. Pillow opens a GIF's first frame as mode P and
 * `convert('RGB')` looks every index up in the palette, the transparent one included, while libvips
 * returns transparent pixels as black with alpha 0. This reads the first frame's palette (local,
 * else global) and its Graphic Control Extension's transparent index (GIF89a specification,
 * sections 18-23), so the Node decoder can put the palette colour back.
 */

/** The RGB colour of the first frame's transparent index, or undefined if it has none. */
export function gifTransparentColor(bytes: Uint8Array): [number, number, number] | undefined {
  if (bytes.length < 13 || bytes[0] !== 0x47 || bytes[1] !== 0x49 || bytes[2] !== 0x46) return undefined;
  const tableBytes = (packed: number) => 3 * (1 << ((packed & 7) + 1));
  let i = 13;
  let globalTable: number | undefined;
  if (bytes[10]! & 0x80) {
    globalTable = i;
    i += tableBytes(bytes[10]!);
  }
  let transparent: number | undefined;
  while (i < bytes.length) {
    const block = bytes[i]!;
    if (block === 0x21) {
      const label = bytes[i + 1]!;
      if (label === 0xf9 && i + 6 < bytes.length) transparent = bytes[i + 3]! & 1 ? bytes[i + 6]! : undefined;
      i += 2;
      while (i < bytes.length && bytes[i] !== 0) i += bytes[i]! + 1; // data sub-blocks
      i += 1;
    } else if (block === 0x2c) {
      if (transparent === undefined || i + 10 > bytes.length) return undefined;
      const packed = bytes[i + 9]!;
      const table = packed & 0x80 ? i + 10 : globalTable;
      if (table === undefined) return undefined;
      const at = table + transparent * 3;
      if (at + 3 > bytes.length) return undefined;
      return [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!];
    } else {
      return undefined;
    }
  }
  return undefined;
}
