import { Injectable } from '@nestjs/common';
import { FleetView } from '@flotilla/service-kit';

/**
 * The GPUs the fleet offers — Flotilla's counterpart of the GPUs Triton sees on its host. Every
 * `gpu:N` executor that announces itself adds N. A GPU whose executor leaves stays listed: its
 * models keep their placement, and a restarted executor takes its slots back.
 */
@Injectable()
export class DeviceInventory {
  private readonly gpus = new Set<number>();

  constructor(private readonly fleet: FleetView) {}

  /** Starts listening; `onNewGpu` fires whenever a GPU id not seen before appears. */
  watch(initial: readonly number[], onNewGpu: () => void): void {
    for (const id of initial) this.gpus.add(id);
    this.fleet.onChange(({ executor }) => {
      const match = executor && /^gpu:(\d+)$/.exec(executor.device);
      if (!match || this.gpus.has(Number(match[1]))) return;
      this.gpus.add(Number(match[1]));
      onNewGpu();
    });
  }

  list(): number[] {
    return [...this.gpus].sort((a, b) => a - b);
  }
}
