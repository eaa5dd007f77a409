import type { ModelRecord } from '@flotilla/contracts';
import { parseRequestJson } from '../parse-request-json';
import type { TraceSampling } from './trace-sampling';
import { parseTraceSettingsUpdate, traceSettingsJson, type TraceSettingsJson, type TraceSettingsUpdate } from './trace-settings';

/**
 * Triton's trace extension (`GET/POST v2[/models/<m>]/trace/setting`, gRPC `TraceSetting`), once
 * for both protocols: each frontend turns its request into a plain object and calls this. A model
 * must be known to the repository; its answer is the settings in force for it. `changed` hears
 * every accepted change (the gateway tells the other gateways).
 */
export class TraceSettingOperations {
  constructor(
    private readonly models: { get(name: string): Promise<ModelRecord> },
    private readonly sampling: TraceSampling,
    private readonly changed: (model: string | undefined, update: TraceSettingsUpdate) => void = () => undefined,
  ) {}

  async get(model: string | undefined): Promise<TraceSettingsJson> {
    if (model !== undefined) await this.models.get(model);
    return traceSettingsJson(this.sampling.settings(model));
  }

  /** Checks the whole body before changing anything: a refused key leaves every setting as it was. */
  async update(model: string | undefined, body: unknown): Promise<TraceSettingsJson> {
    const update = parseTraceSettingsUpdate(body);
    if (model !== undefined) await this.models.get(model);
    const settings = this.sampling.update(model, update);
    if (Object.keys(update).length > 0) this.changed(model, update);
    return traceSettingsJson(settings);
  }

  /** HTTP's POST: the body is the JSON object of settings; an empty body changes nothing. */
  updateFromBody(model: string | undefined, body: Buffer): Promise<TraceSettingsJson> {
    return this.update(model, body.byteLength === 0 ? {} : parseRequestJson(body, body.byteLength));
  }
}
