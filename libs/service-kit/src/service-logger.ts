import type { LoggerService } from '@nestjs/common';

/** Nest's own start-up chatter: which modules loaded. Nobody operating Flotilla needs it. */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'NestFactory', 'NestApplication', 'RoutesResolver', 'RouterExplorer', 'NestMicroservice']);

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
const LABEL: Record<Level, string> = { log: 'INFO', error: 'ERROR', warn: 'WARN', debug: 'DEBUG', verbose: 'TRACE', fatal: 'FATAL' };

/**
 * One line per event, `<time> <LEVEL> [<context>] <message>`: short enough to read when the
 * launcher interleaves five services. Debug lines appear with `--log-verbose 1`.
 */
export class ServiceLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly showDebug = false,
  ) {}

  log(message: unknown, context?: string): void {
    this.write('log', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.write('error', message, context ?? stackOrContext);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    if (this.showDebug) this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    if (this.showDebug) this.write('verbose', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: Level, message: unknown, context?: string): void {
    if (context && FRAMEWORK_CONTEXTS.has(context)) return;
    // `||`, not `??`: some libraries' errors carry an empty stack or message.
    const text = message instanceof Error ? message.stack || `${message.name}: ${message.message}` : typeof message === 'string' ? message : JSON.stringify(message);
    const line = `${new Date().toISOString().slice(11, 23)} ${LABEL[level].padEnd(5)} [${context || this.service}] ${text}\n`;
    (level === 'error' || level === 'fatal' || level === 'warn' ? process.stderr : process.stdout).write(line);
  }
}
