import { Controller, Inject, Optional, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { hostname } from 'node:os';
import { SUBJECTS, type ServiceHealth } from '@flotilla/contracts';

interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
}

/** What a service adds to its health answer: whether it can do its work, and why not. */
export interface ServiceReadiness {
  /** How this instance is named in the answer (an executor's id); default `<host>:<pid>`. */
  readonly instance?: string;
  readiness(): Readiness | Promise<Readiness>;
}

/** Provide this (optional) to make a service's health answer say more than "it answers". */
export const SERVICE_READINESS = Symbol('ServiceReadiness');

/**
 * The liveness/readiness probe every service answers on NATS, `SUBJECTS.health(<service>)`,
 * added to each service by runService. Why NATS rather than an HTTP port per service: NATS is the
 * one thing every service already speaks, so no port is allocated, opened or documented per
 * process, and the probe goes through the very connection the service works through — a service
 * whose NATS connection is dead cannot answer, where an HTTP port would still say it is alive.
 * Without a readiness provider a service is ready as soon as it answers: its controllers listen.
 */
export function healthControllerFor(service: string): Type<unknown> {
  const startedAt = Date.now();

  @Controller()
  class HealthController {
    constructor(@Optional() @Inject(SERVICE_READINESS) private readonly readiness?: ServiceReadiness) {}

    @MessagePattern(SUBJECTS.health(service))
    async health(): Promise<ServiceHealth> {
      const { ready, reasons } = (await this.readiness?.readiness()) ?? { ready: true, reasons: [] };
      return {
        service,
        instance: this.readiness?.instance ?? `${hostname()}:${process.pid}`,
        pid: process.pid,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        live: true,
        ready,
        reasons,
      };
    }
  }
  return HealthController;
}
