/**
 * Whether an instance group's `rate_limiter` asks for anything from a pool: a group with no
 * resources (or only counts of 0) can never wait for one, so with rate limiting on its instances
 * run without grants (the scheduler decides alone) and the rate limiter only counts their
 * executions. The scheduler and the rate limiter must agree on this, hence one definition.
 */
export function needsResources(resources: readonly { readonly count: number }[]): boolean {
  return resources.some((resource) => resource.count > 0);
}
