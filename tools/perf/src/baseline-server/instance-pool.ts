// A model's instances, each an onnxruntime session on its own worker thread (WorkerInstance), fed
// from one FIFO queue: a request runs on whichever instance is idle, or waits for the first to free up.
// This is the whole "scheduler" a single-process server needs, and the floor Flotilla's
// gateway → scheduler → executor hops are measured against.
import { defaultIntraOpThreads } from '@flotilla/backends';
import type { Tensor } from '@flotilla/contracts';
import { WorkerInstance } from '../worker-instance/worker-instance';
import type { ExecuteResult } from '../worker-instance/worker-instance-messages';
import type { ServedModel } from './repository-models';

interface Waiting {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly string[] | undefined;
  resolve(result: ExecuteResult): void;
  reject(error: Error): void;
}

export class InstancePool {
  private readonly queue: Waiting[] = [];

  private constructor(
    readonly model: ServedModel,
    private readonly idle: WorkerInstance[],
    private readonly all: readonly WorkerInstance[],
  ) {}

  /** Starts every instance; threads per instance as Flotilla's executor picks them (cores / instances). */
  static async start(model: ServedModel, cores: number): Promise<InstancePool> {
    const intraOpThreads = model.intraOpThreads ?? defaultIntraOpThreads(cores, model.instances);
    const workers = await Promise.all(
      Array.from({ length: model.instances }, (_, index) =>
        WorkerInstance.start({
          slotId: `${model.name}_${index}`,
          modelName: model.name,
          modelVersion: model.version,
          modelPath: model.modelPath,
          backend: 'onnxruntime',
          executionProvider: 'cpu',
          deviceId: 0,
          intraOpThreads,
          interOpThreads: 1,
        }),
      ),
    );
    return new InstancePool(model, [...workers], workers);
  }

  execute(inputs: readonly Tensor[], outputs: readonly string[] | undefined): Promise<ExecuteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ inputs, outputs, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((worker) => worker.close()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const next = this.queue.shift()!;
      worker
        .execute(next.inputs, next.outputs)
        .then(next.resolve, next.reject)
        .finally(() => {
          this.idle.push(worker);
          this.dispatch();
        });
    }
  }
}
