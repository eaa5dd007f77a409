// How many intra-op threads each CPU slot gets. ONNX Runtime spins its threads while a run is in
// progress, so slots × threads beyond the core count does not add throughput: it makes every slot
// slower and latency erratic.

/** Cores shared evenly among the slots on one device, at least one thread each. */
export function defaultIntraOpThreads(cores: number, slotsOnDevice: number): number {
  if (slotsOnDevice <= 0) return Math.max(1, Math.floor(cores));
  return Math.max(1, Math.floor(cores / slotsOnDevice));
}

/** A message to log when the slots would ask for more threads than there are cores; otherwise undefined. */
export function oversubscriptionWarning(cores: number, slots: number, threadsPerSlot: number): string | undefined {
  const wanted = slots * threadsPerSlot;
  if (wanted <= cores) return undefined;
  return (
    `${slots} instance slot(s) × ${threadsPerSlot} intra-op thread(s) = ${wanted} threads on ${cores} core(s): ` +
    `the CPU is oversubscribed, so runs will slow each other down. ` +
    `Lower the instance count or set parameters { key: "intra_op_thread_count" value: { string_value: "${defaultIntraOpThreads(cores, slots)}" } }.`
  );
}
