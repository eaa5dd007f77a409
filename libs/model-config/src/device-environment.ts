/** What normalisation and validation need to know about the host. */
export interface DeviceEnvironment {
  /**
   * Ids of the GPUs instances may use (Triton: visible CUDA devices with at least the minimum
   * compute capability). Empty on a CPU-only host.
   */
  readonly gpus: readonly number[];
}
