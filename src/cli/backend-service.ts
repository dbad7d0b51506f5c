import type { BackendChoice, BackendInfo } from '../registry/contracts/index.js';
import type { BackendService } from '../registry/container.js';

/** Starts the tensor backend once, on first use (commands that never train never load tfjs). */
export function lazyBackend(choice: BackendChoice): BackendService {
  let started: Promise<BackendInfo> | null = null;
  return {
    ensure: () => {
      started ??= import('../backend/index.js').then((m) => m.initBackend(choice));
      return started;
    },
  };
}
