/** Images in NHWC order, one byte per channel value (0..255), decoded once and cached on disk. */
export interface ImageSplit {
  readonly images: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
}

export interface LoadedDataset {
  readonly name: string;
  /** [height, width, channels] */
  readonly shape: readonly [number, number, number];
  readonly numClasses: number;
  /** Training images minus the held-out validation split. */
  readonly train: ImageSplit;
  /** Held out from the training set; the search's accuracy is measured here. */
  readonly validation: ImageSplit;
  /** Only for final reporting. */
  readonly test: ImageSplit;
  /** Per-channel normalisation applied to pixel/255. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /**
   * Hash of what decides the arrays (source, image size, split fraction and seed): checkpoints and
   * evaluation caches are keyed by it, so a different split never reuses a stale result.
   */
  readonly fingerprint: string;
}

export interface Dataset {
  load(): Promise<LoadedDataset>;
}
