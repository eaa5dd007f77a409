import { Controller, Injectable, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import { SUBJECTS, type TraceSettingsChanged } from '@flotilla/contracts';
import { TraceSampling, type TraceSettingsUpdate } from '@flotilla/kserve';
import { ControlPlaneClient } from '@flotilla/service-kit';

/**
 * Gateways are interchangeable, so a trace setting posted to one applies to all: the gateway that
 * took the change tells the others (`flotilla.trace.settings`), and each applies it to its own
 * `TraceSampling`. What each keeps alone is its counters (the rate's and the remaining count), and
 * a gateway started later begins from its own --trace-config.
 */
@Injectable()
export class TraceSettingsSync {
  private readonly logger = new Logger('gateway');
  readonly gatewayId = randomBytes(6).toString('hex');

  constructor(
    private readonly control: ControlPlaneClient,
    private readonly sampling: TraceSampling,
  ) {}

  publish(model: string | undefined, update: TraceSettingsUpdate): void {
    const event: TraceSettingsChanged = { gatewayId: this.gatewayId, ...(model !== undefined ? { model } : {}), update };
    this.control.emitEvent(SUBJECTS.traceSettings, event).catch((error: unknown) => this.logger.warn(`could not tell the other gateways of a trace setting change: ${String(error)}`));
  }

  apply(event: TraceSettingsChanged): void {
    if (event.gatewayId === this.gatewayId) return; // applied when it was taken
    this.sampling.update(event.model, event.update);
  }
}

@Controller()
export class TraceSettingsController {
  constructor(private readonly sync: TraceSettingsSync) {}

  @EventPattern(SUBJECTS.traceSettings)
  changed(@Payload() event: TraceSettingsChanged): void {
    this.sync.apply(event);
  }
}
