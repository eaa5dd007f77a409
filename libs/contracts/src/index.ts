export const PROBE = 1;
