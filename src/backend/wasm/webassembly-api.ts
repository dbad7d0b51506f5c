/**
 * The slice of the WebAssembly JS API releq uses, typed here because the project's TypeScript libs
 * (ES2022, no DOM) do not declare the WebAssembly global.
 */
export interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer }
export interface WasmModuleDescriptor { readonly module?: string; readonly name: string; readonly kind: string }
export type WasmModule = object;
export interface WasmApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): WasmModuleDescriptor[];
    exports(module: WasmModule): WasmModuleDescriptor[];
  };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
