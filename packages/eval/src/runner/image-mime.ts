/**
 * Image MIME types from magic bytes, for the `data:` URLs sent to endpoints (the formats vLLM's
 * Pillow and the nvlm-ts server decode). File signatures: PNG (RFC 2083), JPEG (JFIF/Exif SOI),
 * GIF87a/89a, WebP (RIFF....WEBP), BMP, TIFF (II*\0 / MM\0*).
 */

/** The MIME type of an encoded image, or `application/octet-stream` when the signature is unknown. */
export function sniffImageMime(bytes: Uint8Array): string {
  const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  if (at(0, 0x42, 0x4d)) return 'image/bmp';
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  return 'application/octet-stream';
}

/** `data:<mime>;base64,...` for an encoded image (Node `Buffer` base64). */
export function imageDataUrl(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return `data:${sniffImageMime(bytes)};base64,${base64}`;
}
