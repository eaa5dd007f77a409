import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { FlotillaError } from '@flotilla/contracts';
import { toWireError } from './control-codecs';

/**
 * Every control handler's failure, once: a FlotillaError keeps its code and message, anything else
 * is an INTERNAL error and a bug worth a log line. The reply serializer puts the result in the
 * envelope; an event has nobody to answer, so its failure is only logged.
 */
@Catch()
export class ControlErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('control-plane');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const wire = toWireError(exception);
    const subject = host.switchToRpc().getContext<NatsContext>()?.getSubject?.() ?? '?';
    if (exception instanceof FlotillaError) this.logger.debug(`${subject}: ${wire.code} ${wire.message}`);
    else this.logger.error(`${subject}: ${exception instanceof Error ? exception.stack || exception.message : String(exception)}`);
    return throwError(() => wire);
  }
}
