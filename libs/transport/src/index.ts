export * from './errors';
export * from './json-codec';
export * from './incoming-message';
export * from './message-bus';
export { DeadlineTimer } from './deadline-timer';
export { NoRespondersError, RequestTimeoutError } from './reply-inbox';
export { BusDownError, BusLink, type LinkState } from './bus-link';
export { ModelObjectStore, MODEL_STORE_CHUNK_BYTES } from './model-object-store';
