export * from './errors';
export * from './json-control';
export * from './incoming-message';
export * from './message-bus';
export { DeadlineTimer } from './deadline-timer';
export { NoRespondersError, RequestTimeoutError } from './reply-inbox';
