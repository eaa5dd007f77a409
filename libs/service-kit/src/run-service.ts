import { Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AsyncMicroserviceOptions } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TelemetryHandle } from '@flotilla/telemetry';
import { closedByRefusal } from '@flotilla/transport';
import { ControlPlaneListening } from './control-plane/control-plane-listening';
import { ControlPlaneServer } from './control-plane/control-plane.server';
import { NATS_CONNECTION } from './control-plane/control-plane.module';
import { COMMON_FLAGS, FlagError, flagInt, parseFlags } from './flags';
import { healthControllerFor } from './health/health.controller';
import { ServiceLogger } from './service-logger';

export interface ServiceDefinition {
  /** Short name: used in logs, the NATS connection name and the OpenTelemetry service name. */
  readonly name: string;
  readonly telemetry: TelemetryHandle;
  /** Builds the root module from the command line (it imports ControlPlaneModule); throw FlagError for bad flags. */
  module(argv: readonly string[]): DynamicModule | Type<unknown>;
}

/**
 * Boots one Flotilla service as a Nest microservice whose transport is the control plane: Nest's
 * NATS server over the connection ControlPlaneModule opened, so its controllers' `@MessagePattern`
 * and `@EventPattern` handlers and the service's hot path share one connection. (No Nest HTTP
 * stack: the gateway runs its own node:http server.) SIGINT/SIGTERM run Nest's shutdown hooks,
 * flush spans, and exit — within `--exit-timeout-secs` whatever happens meanwhile (a shutdown hook
 * waiting on a NATS server that is gone, say), and at once on a second signal. A bad flag prints
 * the reason and exits 2 before anything starts.
 */
export async function runService(definition: ServiceDefinition, argv = process.argv.slice(2)): Promise<void> {
  const logger = new ServiceLogger(definition.name, ['1', 'true'].includes(process.env.FLOTILLA_LOG_VERBOSE ?? ''));
  let module: DynamicModule | Type<unknown>;
  let exitTimeoutSecs: number;
  try {
    module = definition.module(argv);
    // The module checked the whole command line; only this common flag is read here.
    exitTimeoutSecs = flagInt(parseFlags(argv, COMMON_FLAGS, process.env, { ignoreUnknown: true }), 'exit-timeout-secs', 0, 24 * 3600);
  } catch (error) {
    if (error instanceof FlagError) {
      logger.error(error.message, definition.name);
      process.exit(2);
    }
    throw error;
  }

  try {
    const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(withTelemetryShutdown(module, definition.telemetry, definition.name), {
      inject: [NATS_CONNECTION, ControlPlaneListening],
      useFactory: (connection: NatsConnection, listening: ControlPlaneListening) => ({ strategy: new ControlPlaneServer(connection, listening) }),
      logger,
      abortOnError: false,
    });
    stopOnSignals(() => app.close(), exitTimeoutSecs, logger, definition.name);
    // Runs every module's init and bootstrap hooks, then subscribes the controllers' patterns.
    await app.listen();
    logger.log(`ready (pid ${process.pid})`);
    exitWhenRefused(app.get<NatsConnection>(NATS_CONNECTION), logger, definition.name);
  } catch (error) {
    // e.g. the HTTP port is taken: say so in one line and stop, rather than print a stack trace.
    logger.error(`failed to start: ${error instanceof Error ? error.message : String(error)}`, definition.name);
    process.exit(1);
  }
}

/**
 * A bus that refuses the service's credentials on a reconnect (its nats-server was replaced by
 * another deployment's, or the credentials were revoked) closes the connection for good: nothing
 * the service does can reach anyone any more, so it says why and exits 1 rather than linger as a
 * process that looks alive. (The same refusal at start fails the start: connectNats.)
 */
function exitWhenRefused(connection: NatsConnection, logger: ServiceLogger, context: string): void {
  void closedByRefusal(connection).then((refusal) => {
    if (!refusal) return;
    logger.error(`nats-server refused this service's credentials after a reconnect (${refusal.message}): the server belongs to another deployment now, or the credentials changed; exiting`, context);
    process.exit(1);
  });
}

const SIGNAL_NUMBERS: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * The first SIGINT/SIGTERM closes the app (Nest's shutdown hooks: drain, answer or fail what it
 * holds, flush spans) and exits 0; if that takes longer than `exitTimeoutSecs`, the service exits
 * 1 anyway, saying so. A second signal exits at once, with the shell's code for that signal.
 */
function stopOnSignals(close: () => Promise<void>, exitTimeoutSecs: number, logger: ServiceLogger, context: string): void {
  let stopping = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopping) {
      logger.warn(`${signal} again: stopping now`, context);
      process.exit(128 + SIGNAL_NUMBERS[signal]);
    }
    stopping = true;
    setTimeout(() => {
      logger.error(`still stopping after --exit-timeout-secs=${exitTimeoutSecs}: exiting without finishing`, context);
      process.exit(1);
    }, exitTimeoutSecs * 1000).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`, context);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Flushes buffered spans as the last step of Nest's shutdown, so a stopping service loses none;
 * and answers the service's health probe (`SUBJECTS.health(name)`), whatever the service.
 */
function withTelemetryShutdown(root: DynamicModule | Type<unknown>, telemetry: TelemetryHandle, name: string): DynamicModule {
  class TelemetryShutdown implements OnApplicationShutdown {
    onApplicationShutdown(): Promise<void> {
      return telemetry.shutdown().catch(() => undefined);
    }
  }
  @Module({ imports: [root], providers: [TelemetryShutdown], controllers: [healthControllerFor(name)] })
  class ServiceRoot {}
  return { module: ServiceRoot };
}
