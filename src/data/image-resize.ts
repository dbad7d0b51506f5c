/** An RGB (or grey) image in row-major HWC bytes. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

/**
 * Crops a centred square, `cropFraction` of the shorter side (1 = the whole square) and resizes it bilinearly to
 * size x size, writing HWC bytes into `out` at `offset`. The crop-then-resize order is the
 * Inception/MobileNet evaluation preprocessing (central 87.5% of the image, then 224x224).
 */
export function centerCropResize(img: RawImage, size: number, cropFraction: number, out: Uint8Array, offset: number): void {
  // A centred square of the shorter side times the fraction, as evaluation code crops.
  const w = Math.max(1, Math.min(img.width, img.height) * cropFraction);
  const h = w;
  const x0 = (img.width - w) / 2;
  const y0 = (img.height - h) / 2;
  const c = img.channels;
  const sx = w / size;
  const sy = h / size;
  for (let y = 0; y < size; y++) {
    const fy = Math.min(Math.max(y0 + (y + 0.5) * sy - 0.5, 0), img.height - 1);
    const iy = Math.floor(fy);
    const iy1 = Math.min(iy + 1, img.height - 1);
    const dy = fy - iy;
    for (let x = 0; x < size; x++) {
      const fx = Math.min(Math.max(x0 + (x + 0.5) * sx - 0.5, 0), img.width - 1);
      const ix = Math.floor(fx);
      const ix1 = Math.min(ix + 1, img.width - 1);
      const dx = fx - ix;
      for (let ch = 0; ch < 3; ch++) {
        const src = c === 1 ? 0 : ch;
        const a = img.data[(iy * img.width + ix) * c + src]!;
        const b = img.data[(iy * img.width + ix1) * c + src]!;
        const d = img.data[(iy1 * img.width + ix) * c + src]!;
        const e = img.data[(iy1 * img.width + ix1) * c + src]!;
        const v = (a * (1 - dx) + b * dx) * (1 - dy) + (d * (1 - dx) + e * dx) * dy;
        out[offset + (y * size + x) * 3 + ch] = Math.round(v);
      }
    }
  }
}
