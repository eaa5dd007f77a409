import type { RateLimitMode } from './rate-limit-mode';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter';

/**
 * The rate limiter a mode calls for: none with `off` (Triton's default). Callers then send work
 * straight to instances and register nothing, so `rate_limiter` resources and priorities are
 * ignored and can never fail a model load (triton-spec §2.4, checklist 14).
 */
export function rateLimiterFor(mode: RateLimitMode, options: RateLimiterOptions = {}): RateLimiter | undefined {
  return mode === 'off' ? undefined : new RateLimiter(options);
}
