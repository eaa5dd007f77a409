import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { SUBJECTS, type ControlReply, type ServiceHealth } from '@flotilla/contracts';
import { KserveOperations, type Readiness } from '@flotilla/kserve';
import { NATS_CONNECTION, type ServiceReadiness } from '@flotilla/service-kit';
import { decodeJson } from '@flotilla/transport';

/** The services of a deployment, each answering its health probe (`SUBJECTS.health`). */
export const SERVICES = ['gateway', 'model-repository', 'scheduler', 'rate-limiter', 'executor'] as const;

/** How long `GET /v2/flotilla/health` gathers answers: every instance of every service answers. */
const GATHER_MS = 500;

export interface HealthReport extends Readiness {
  /** Every instance that answered, per service; an empty list: none is running. */
  readonly services: Record<string, readonly ServiceHealth[]>;
}

/**
 * The gateway's readiness (`/v2/health/ready`, gRPC ServerReady, its own health answer) with the
 * reasons it is not ready, logged when it changes so that an operator sees why; and
 * `GET /v2/flotilla/health`, every service instance's own answer beside them.
 */
@Injectable()
export class GatewayHealth implements ServiceReadiness {
  private readonly logger = new Logger('gateway');
  private lastReasons = '';

  constructor(
    private readonly operations: KserveOperations,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
  ) {}

  async readiness(): Promise<Readiness> {
    const readiness = await this.operations.serverReadiness();
    const reasons = readiness.reasons.join('; ');
    if (reasons !== this.lastReasons) {
      if (readiness.ready) this.logger.log('ready again');
      else this.logger.warn(`not ready: ${reasons}`);
      this.lastReasons = reasons;
    }
    return readiness;
  }

  async report(): Promise<HealthReport> {
    const [readiness, ...answers] = await Promise.all([this.readiness(), ...SERVICES.map((service) => this.gather(service))]);
    return { ...readiness, services: Object.fromEntries(SERVICES.map((service, i) => [service, answers[i]])) };
  }

  /** Every answer to one service's probe within the window; none when no instance runs. */
  private async gather(service: string): Promise<ServiceHealth[]> {
    const answers: ServiceHealth[] = [];
    try {
      const replies = await this.connection.requestMany(SUBJECTS.health(service), new Uint8Array(0), { strategy: 'timer', maxWait: GATHER_MS });
      for await (const reply of replies) {
        if (reply.data.byteLength === 0) continue; // NATS' no-responders status: nobody runs it
        const envelope = decodeJson<ControlReply<ServiceHealth>>(reply.data);
        if (envelope.ok) answers.push(envelope.value);
      }
    } catch {
      // No responders ends the gathering early: no instance of the service runs.
    }
    return answers.sort((a, b) => a.instance.localeCompare(b.instance));
  }
}
