import { FlotillaError } from '@flotilla/contracts';

/**
 * Why registering instances with the rate limiter failed (triton-spec §2.3). Both are INVALID_ARG
 * with Triton's exact texts, so the model load that registered them fails as Triton's does; the
 * fields let callers and tests tell the cases apart without parsing the message.
 */
export type ResourceLimitProblem =
  | { readonly kind: 'limited'; readonly name: string; readonly available: number; readonly required: number }
  | { readonly kind: 'global-and-device'; readonly name: string };

export class ResourceLimitError extends FlotillaError {
  constructor(readonly problem: ResourceLimitProblem) {
    super('INVALID_ARG', ResourceLimitError.text(problem));
    this.name = 'ResourceLimitError';
  }

  private static text(problem: ResourceLimitProblem): string {
    return problem.kind === 'limited'
      ? `Resource count for "${problem.name}" is limited to ${problem.available} which will prevent scheduling of one or more model instances, the minimum required count is ${problem.required}`
      : `Resource "${problem.name}" is present as both global and device-specific resource in the model configuration.`;
  }
}
