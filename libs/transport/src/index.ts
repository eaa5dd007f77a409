export * from './errors';
export * from './json-codec';
export * from './incoming-message';
export * from './message-bus';
export { DeadlineTimer } from './deadline-timer';
export { NoRespondersError, RequestTimeoutError } from './reply-inbox';
export { BusDownError, BusLink, type LinkState } from './bus-link';
export * from './bus-credentials';
export * from './bus-credential-files';
