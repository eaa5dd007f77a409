import { Registry } from 'prom-client';
import { FlotillaFamilies } from './flotilla-families';
import type { MetricsConfig } from './metrics-config';
import type { MetricsInput } from './metrics-input';
import { TritonFamilies } from './triton-families';

/**
 * The text a scrape of `/metrics` gets, in Prometheus' exposition format (prom-client writes it).
 * Each scrape sets every value afresh from its reading of the deployment, so nothing counts
 * requests on the request path; a model version no longer READY leaves the page, as Triton drops
 * an unloaded model's metrics.
 */
export class MetricsPage {
  private readonly registry = new Registry();
  private readonly triton: TritonFamilies;
  private readonly flotilla: FlotillaFamilies;

  constructor(config: MetricsConfig) {
    this.triton = new TritonFamilies(this.registry, config);
    this.flotilla = new FlotillaFamilies(this.registry);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Sets and writes every family. Resetting and setting happen in one synchronous step and
   * prom-client reads the values as the write starts, so two scrapes at once each get a whole reading.
   */
  render(input: MetricsInput): Promise<string> {
    this.registry.resetMetrics();
    this.triton.set(input);
    this.flotilla.set(input);
    return this.registry.metrics();
  }
}
