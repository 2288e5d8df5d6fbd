import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly commit: string;
}

export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    commit: gitCommit(),
  };
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${commit} (with uncommitted changes in src/ or migrations/)` : commit;
  } catch {
    return 'unknown';
  }
}

/**
 * The machine is shared (other builds and test runs), so the 1-minute load
 * average is sampled through the run and reported with the figures: a load
 * above the core count means the numbers are noisier than usual.
 */
export class LoadSampler {
  private readonly samples: number[] = [loadavg()[0]];
  private readonly timer = setInterval(() => this.samples.push(loadavg()[0]), 5_000);

  constructor() {
    this.timer.unref();
  }

  stop(): { min: number; max: number; mean: number } {
    clearInterval(this.timer);
    this.samples.push(loadavg()[0]);
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      min: round(Math.min(...this.samples)),
      max: round(Math.max(...this.samples)),
      mean: round(this.samples.reduce((sum, value) => sum + value, 0) / this.samples.length),
    };
  }
}
