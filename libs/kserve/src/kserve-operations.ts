import {
  invalidArg,
  notFound,
  unsupported,
  type ExecutorAnnouncement,
  type ModelRecord,
  type RepositoryLoadRequest,
  type RepositorySnapshot,
  type SchedulerStatus,
  type StatisticsSnapshot,
} from '@flotilla/contracts';
import { dataTypeToDatatype, modelConfigToJson, modelMetadata, type ModelConfig, type ModelMetadata } from '@flotilla/model-config';
import { parseLoadParameters, versionSlots, type LoadParameterValue } from '@flotilla/repository';
import { modelStatistics } from './model-statistics';
import type { RawInputModel } from './raw-binary-request';
import { repositoryIndexRows, type RepositoryIndexRow } from './repository-index';
import { serverMetadata, type ServerMetadata } from './server-metadata';
import { routableVersions, serverReadiness, type Readiness } from './server-readiness';

/** What the operations ask the rest of the fleet (the gateway's ModelCatalog answers). */
export interface FleetCatalog {
  /** The model's record; Triton's "unknown model" error when the repository has none. */
  get(name: string): Promise<ModelRecord>;
  /** Every model record, asked of the repository now. */
  refresh(): Promise<ModelRecord[]>;
  /** The repository's whole index, asked now: records, control mode, folders never loaded. */
  index(): Promise<RepositorySnapshot>;
  /** The executors' last announcements: which instance slots exist, and in which state. */
  executors(): readonly ExecutorAnnouncement[];
  /** Asks the repository to (re)load a model; resolves once it serves. */
  loadModel(request: RepositoryLoadRequest): Promise<void>;
  /** Asks the repository to unload a model; resolves once its queued requests are done. */
  unloadModel(model: string): Promise<void>;
  schedulerStatus(): Promise<SchedulerStatus>;
  statistics(): Promise<StatisticsSnapshot>;
}

export interface KserveOperationsOptions {
  /** Triton's --strict-readiness: the server is ready only when every model is. */
  readonly strictReadiness: boolean;
  /** The version `ServerMetadata` reports. */
  readonly serverVersion: string;
}

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
   * Triton's server readiness. Strict (--strict-readiness, the default): every model the
   * repository loaded has all its versions READY — none loading, unloading or failed; unloaded
   * models do not count — and every instance each READY version needs has a loaded session.
   * Not strict: models that failed do not count, but nothing may be loading and every READY
   * version must still have all its instances. Both need the repository and the scheduler to answer.
   */
  async serverReady(): Promise<boolean> {
    return (await this.serverReadiness()).ready;
  }

  /** serverReady, with the reasons it is not: each names the model version or the service that does not answer. */
  async serverReadiness(): Promise<Readiness> {
    const [snapshot, status] = await Promise.allSettled([this.catalog.index(), this.catalog.schedulerStatus()]);
    const why = (service: string, result: PromiseSettledResult<unknown>) =>
      result.status === 'rejected' ? [`the ${service} does not answer: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`] : [];
    if (snapshot.status === 'rejected' || status.status === 'rejected') return { ready: false, reasons: [...why('model repository', snapshot), ...why('scheduler', status)] };
    return serverReadiness(snapshot.value.models, status.value, this.catalog.executors(), this.options.strictReadiness);
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

  /**
   * A version is ready when the repository holds it READY, every instance its config needs is
   * announced with a loaded session, and the scheduler can route to it (it has heard of a slot
   * that takes requests: an executor's announcement reaches the gateway and the scheduler
   * separately); without a version, when some version is.
   */
  async modelReady(model: string, version: string | undefined): Promise<boolean> {
    const record = await this.catalog.get(model);
    const executors = this.catalog.executors();
    const routable = routableVersions(await this.catalog.schedulerStatus().catch(() => ({ models: [] })));
    const ready = (v: ModelRecord['versions'][number]) =>
      v.state === 'READY' && versionSlots(record, v.version, executors).kind === 'ready' && routable.has(`${record.name}/${v.version}`);
    if (version === undefined) return record.versions.some(ready);
    const named = record.versions.find((v) => String(v.version) === version);
    if (!named) throw notFound(`Request for unknown model: '${model}' version ${version} is not found`);
    return ready(named);
  }

  /** Triton's statistics extension, for every model when `model` is undefined. */
  async modelStatistics(model: string | undefined, version: string | undefined): Promise<ReturnType<typeof modelStatistics>> {
    const [records, snapshot] = await Promise.all([this.catalog.refresh(), this.catalog.statistics()]);
    return modelStatistics(records, snapshot, model, version);
  }

  async repositoryIndex(request: { repository?: string; readyOnly?: boolean } = {}): Promise<RepositoryIndexRow[]> {
    refuseNamedRepository(request.repository);
    const snapshot = await this.catalog.index();
    return repositoryIndexRows(snapshot.models, request.readyOnly, snapshot.notLoaded);
  }

  /**
   * Loads or reloads a model (Triton's repository extension): `parameters` may hold `config` (a
   * JSON config replacing config.pbtxt) and `file:<version>/<path>` contents. Checked here, at the
   * edge, and again by the model repository, which refuses it outside control mode `explicit`.
   */
  async repositoryLoad(request: { repository?: string; model: string; parameters?: Readonly<Record<string, LoadParameterValue>> }): Promise<void> {
    refuseNamedRepository(request.repository);
    const overrides = parseLoadParameters(request.model, request.parameters ?? {});
    await this.catalog.loadModel({
      model: request.model,
      ...(overrides.config ? { config: modelConfigToJson(overrides.config) } : {}),
      ...(overrides.files.length > 0 ? { files: overrides.files.map((file) => ({ version: file.version, path: file.path, base64: Buffer.from(file.contents).toString('base64') })) } : {}),
    });
  }

  /**
   * Unloads a model. `unload_dependents` (a boolean) is accepted: Flotilla has no ensembles, so a
   * model never has dependents and both values do the same. Any other parameter is refused.
   */
  async repositoryUnload(request: { repository?: string; model: string; parameters?: Readonly<Record<string, LoadParameterValue>> }): Promise<void> {
    refuseNamedRepository(request.repository);
    for (const [key, value] of Object.entries(request.parameters ?? {})) {
      if (key === 'unload_dependents' && typeof value === 'boolean') continue;
      throw invalidArg(`Unrecognized unload parameter '${key}' with type '${typeof value === 'boolean' ? 'bool' : typeof value === 'string' ? 'string' : typeof value === 'number' ? 'int64' : 'bytes'}'`);
    }
    await this.catalog.unloadModel(request.model);
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
  if (!record.config && !record.reason) throw notFound(`Request for unknown model: '${record.name}' has no available versions`);
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
