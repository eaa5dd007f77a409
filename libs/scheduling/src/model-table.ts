import { FlotillaError, invalidArg, notFound, type ModelRecord } from '@flotilla/contracts';

/**
 * The models the scheduler may route to, as the model repository last reported them, and
 * Triton's rules for turning a requested version into a concrete one (triton-spec §4.2).
 */
export class ModelTable {
  private readonly models = new Map<string, ModelRecord>();

  replaceAll(records: readonly ModelRecord[]): void {
    this.models.clear();
    for (const record of records) this.models.set(record.name, record);
  }

  upsert(record: ModelRecord): void {
    this.models.set(record.name, record);
  }

  remove(name: string): void {
    this.models.delete(name);
  }

  get(name: string): ModelRecord | undefined {
    return this.models.get(name);
  }

  all(): ModelRecord[] {
    return [...this.models.values()];
  }

  /**
   * The version a request runs on: the one it names, or the highest READY one.
   * Error texts are Triton's, so clients that match on them keep working.
   */
  resolve(name: string, requested: string): number {
    const record = this.models.get(name);
    if (!record) throw invalidArg(`Request for unknown model: '${name}' is not found`);
    const ready = record.versions.filter((v) => v.state === 'READY').map((v) => v.version);
    if (requested === '') {
      if (ready.length === 0) throw notFound(`Request for unknown model: '${name}' has no available versions`);
      return Math.max(...ready);
    }
    const version = Number(requested);
    if (!/^\d+$/.test(requested) || !ready.includes(version)) {
      throw new FlotillaError('NOT_FOUND', `Request for unknown model: '${name}' version ${requested} is not found`);
    }
    return version;
  }
}
