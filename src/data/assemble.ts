import type { ImageSplit, LoadedDataset } from '../registry/contracts/dataset.js';
import { canonicalJson, sha256 } from '../util/json.js';
import { channelStats, holdOut } from './split.js';

export interface AssembleInput {
  readonly name: string;
  readonly shape: readonly [number, number, number];
  readonly numClasses: number;
  /** The whole official training set, before the validation split. */
  readonly trainAll: ImageSplit;
  readonly test: ImageSplit;
  readonly validationFraction: number;
  readonly splitSeed: number;
  /** What identifies the source files and decoding (folder, format, image size, crop). */
  readonly source: Readonly<Record<string, unknown>>;
  /** Fixed per-channel statistics (e.g. what pretrained weights expect); default: computed from the training split. */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** Splits off validation, computes per-channel statistics on the remaining training images, fingerprints. */
export function assembleDataset(input: AssembleInput): LoadedDataset {
  const [h, w, c] = input.shape;
  const { train, validation } = holdOut(input.trainAll, input.validationFraction, input.splitSeed, h * w * c);
  // Statistics come from the images the network trains on; fall back to the test images when none.
  const { mean, std } = input.normalization ?? channelStats(train.count > 0 ? train : input.test, c);
  const fingerprint = sha256(canonicalJson({
    name: input.name,
    shape: input.shape,
    source: input.source,
    trainCount: input.trainAll.count,
    testCount: input.test.count,
    validationFraction: input.validationFraction,
    splitSeed: input.splitSeed,
    normalization: input.normalization ?? null,
  })).slice(0, 16);
  return { name: input.name, shape: input.shape, numClasses: input.numClasses, train, validation, test: input.test, mean, std, fingerprint };
}
