/** Which tensor backend a run uses; printed and logged with every run. */
export type BackendName = 'tensorflow' | 'tensorflow-gpu' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export interface BackendInfo {
  readonly name: BackendName;
  readonly threads: number;
  readonly tfjsVersion: string;
}
