import { invalidArg, notFound, unavailable, unsupported, type ModelRecord, type SchedulerStatus, type StatisticsSnapshot } from '@flotilla/contracts';
import { dataTypeToDatatype, modelMetadata, type ModelConfig, type ModelMetadata } from '@flotilla/model-config';
import { modelStatistics } from './model-statistics';
import type { RawInputModel } from './raw-binary-request';
import { repositoryIndexRows, type RepositoryIndexRow } from './repository-index';
import { serverMetadata, type ServerMetadata } from './server-metadata';
import { serverReadiness, type Readiness } from './server-readiness';

/** What the operations ask the rest of the fleet (the gateway's ModelCatalog answers). */
export interface FleetCatalog {
  /** The model's record; Triton's "unknown model" error when the repository has none. */
  get(name: string): Promise<ModelRecord>;
  /** Every model record, asked of the repository now. */
  refresh(): Promise<ModelRecord[]>;
  schedulerStatus(): Promise<SchedulerStatus>;
  statistics(): Promise<StatisticsSnapshot>;
}

export interface KserveOperationsOptions {
  /** Triton's --strict-readiness: the server is ready only when every model is. */
  readonly strictReadiness: boolean;
  /** The version `ServerMetadata` reports. */
  readonly serverVersion: string;
}

/** Triton's answer to load and unload while the repository is loaded once at start (control mode `none`). */
export const MODEL_CONTROL_DISABLED = 'explicit model load / unload is not allowed if polling is enabled';

/**
 * KServe v2's health, metadata, configuration, statistics and repository operations, once for
 * both protocols: the HTTP router and the gRPC service each decode their request into a call here
 * and encode what comes back, so both answer the same thing with the same error codes and texts.
 * `version` is undefined when the request names none. Inference has its own shared path
 * (the gateway's InferPipeline).
 */
export class KserveOperations {
  constructor(
    private readonly catalog: FleetCatalog,
    private readonly options: KserveOperationsOptions,
  ) {}

  /** The gateway answers, so it is live. */
  serverLive(): boolean {
    return true;
  }

  /**
   * Ready when the repository and scheduler answer and every loaded model version can execute;
   * with --strict-readiness (Triton's default) a model that failed to load also makes it unready.
   */
  async serverReady(): Promise<boolean> {
    return (await this.serverReadiness()).ready;
  }

  /** serverReady, with the reasons it is not: each names the model version or the service that does not answer. */
  async serverReadiness(): Promise<Readiness> {
    const [models, status] = await Promise.allSettled([this.catalog.refresh(), this.catalog.schedulerStatus()]);
    const why = (service: string, result: PromiseSettledResult<unknown>) =>
      result.status === 'rejected' ? [`the ${service} does not answer: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`] : [];
    if (models.status === 'rejected' || status.status === 'rejected') return { ready: false, reasons: [...why('model repository', models), ...why('scheduler', status)] };
    return serverReadiness(models.value, status.value, this.options.strictReadiness);
  }

  serverMetadata(): ServerMetadata {
    return serverMetadata(this.options.serverVersion);
  }

  async modelMetadata(model: string, version: string | undefined): Promise<ModelMetadata> {
    const record = await this.catalog.get(model);
    return modelMetadata(configOf(record), readyVersions(record, version));
  }

  /**
   * The normalised config (one per model: every version shares it; a named version must be ready),
   * and the settings in it Flotilla accepted without acting on, for the frontend to pass on.
   */
  async modelConfig(model: string, version: string | undefined): Promise<{ config: ModelConfig; warnings: readonly string[] }> {
    const record = await this.catalog.get(model);
    readyVersions(record, version);
    return { config: configOf(record), warnings: record.warnings ?? [] };
  }

  async modelReady(model: string, version: string | undefined): Promise<boolean> {
    const record = await this.catalog.get(model);
    const status = await this.catalog.schedulerStatus();
    const ready = status.models.filter((m) => m.name === model && m.ready).map((m) => m.version);
    if (version === undefined) return ready.length > 0;
    if (!record.versions.some((v) => String(v.version) === version)) throw notFound(`Request for unknown model: '${model}' version ${version} is not found`);
    return ready.includes(Number(version));
  }

  /** Triton's statistics extension, for every model when `model` is undefined. */
  async modelStatistics(model: string | undefined, version: string | undefined): Promise<ReturnType<typeof modelStatistics>> {
    const [records, snapshot] = await Promise.all([this.catalog.refresh(), this.catalog.statistics()]);
    return modelStatistics(records, snapshot, model, version);
  }

  async repositoryIndex(request: { repository?: string; readyOnly?: boolean } = {}): Promise<RepositoryIndexRow[]> {
    refuseNamedRepository(request.repository);
    return repositoryIndexRows(await this.catalog.refresh(), request.readyOnly);
  }

  /**
   * Load and unload: the model repository loads every model once at start, which is Triton's
   * control mode `none`, and Triton answers both with UNAVAILABLE and this text there.
   */
  repositoryModelControl(request: { repository?: string; model: string }): never {
    refuseNamedRepository(request.repository);
    throw unavailable(MODEL_CONTROL_DISABLED);
  }

  /** For HTTP raw binary requests: the model's single input, whose shape the body's length decides. */
  async rawInput(model: string): Promise<{ modelInputCount: number; rawInput?: RawInputModel }> {
    const config = configOf(await this.catalog.get(model));
    if (config.input.length !== 1) return { modelInputCount: config.input.length };
    const [input] = config.input;
    return {
      modelInputCount: 1,
      rawInput: { name: input.name, datatype: dataTypeToDatatype(input.data_type), shape: input.dims, batched: config.max_batch_size > 0 },
    };
  }
}

function configOf(record: ModelRecord): ModelConfig {
  if (!record.config) throw invalidArg(`model '${record.name}' is not available: ${record.reason}`);
  return record.config as unknown as ModelConfig;
}

/** The READY versions, or the one requested, which must be READY. */
function readyVersions(record: ModelRecord, requested: string | undefined): number[] {
  const ready = record.versions.filter((v) => v.state === 'READY').map((v) => v.version);
  if (requested === undefined) return ready;
  if (!ready.includes(Number(requested))) throw notFound(`Request for unknown model: '${record.name}' version ${requested} is not found`);
  return [Number(requested)];
}

/** Flotilla serves one repository; Triton's text for naming one. */
function refuseNamedRepository(repository: string | undefined): void {
  if (repository) throw unsupported("'repository_name' specification is not supported");
}
