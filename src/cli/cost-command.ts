import type { Command } from 'commander';
import { costCommand } from '../hardware/cost-command.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `releq cost --network resnet20 --bits 8,2,2,...`: the per-layer cost table of one assignment. */
export function registerCostCommand(program: Command, out: (text: string) => void): void {
  program.command('cost')
    .description('cost one bitwidth assignment of a network on hardware targets, per layer, against 8-bit')
    .requiredOption('--network <name>', 'network plugin, e.g. lenet, resnet20')
    .requiredOption('--bits <list>', 'weight bits per layer, comma-separated (one value = every layer; 32 = not quantized)')
    .option('--activation-bits <n>', 'activation bits (one value or one per layer)', '8')
    .option('--target <name>', 'hardware target (repeatable; default bit-serial-cpu, stripes, loom, bitfusion)', collect, [])
    .option('--cache-dir <dir>', 'timing cache folder (else $RELEQ_CACHE_DIR or ./.releq-cache)')
    .action(async (opts: { network: string; bits: string; activationBits: string; target: string[]; cacheDir?: string }) => {
      const activation = opts.activationBits.split(',').map((s) => Number(s.trim()));
      const result = await costCommand({
        network: opts.network,
        bits: opts.bits,
        activationBits: activation.length === 1 ? activation[0]! : activation,
        ...(opts.target.length === 0 ? {} : { targets: opts.target }),
        ...(opts.cacheDir ?? process.env['RELEQ_CACHE_DIR'] ? { cacheDir: (opts.cacheDir ?? process.env['RELEQ_CACHE_DIR'])! } : {}),
      });
      out(`${result.text}\n`);
    });
}
