/**
 * Triton's `--rate-limit` modes (triton-spec §2.2). `off` (the default) ignores every group's
 * `rate_limiter` resources and priority; `execution_count` grants instances by resources and
 * `execution count × priority`.
 */
export const RATE_LIMIT_MODES = ['off', 'execution_count'] as const;
export type RateLimitMode = (typeof RATE_LIMIT_MODES)[number];

/** Parses the flag's value as tritonserver does: case-insensitive, anything else is refused with its text. */
export function parseRateLimitMode(text: string): RateLimitMode {
  const mode = text.toLowerCase();
  if (!(RATE_LIMIT_MODES as readonly string[]).includes(mode)) throw new Error('invalid argument for --rate-limit');
  return mode as RateLimitMode;
}
