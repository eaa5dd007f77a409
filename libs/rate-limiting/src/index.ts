export * from './rate-limit-mode';
