/**
 * The KServe v2 HTTP routes Flotilla serves (triton-spec §5.1), matched without a web framework.
 */

export type ModelRouteKind = 'model-metadata' | 'model-ready' | 'model-config' | 'model-infer';

export type RouteMatch =
  | { readonly kind: 'health-live' | 'health-ready' | 'server-metadata' | 'flotilla-slots' | 'flotilla-rate-limiter' | 'flotilla-health' }
  /** Triton's repository extension; `repository` when the path names one (`/v2/repository/<r>/...`). */
  | { readonly kind: 'repository-index'; readonly repository?: string }
  | { readonly kind: 'repository-load' | 'repository-unload'; readonly model: string; readonly repository?: string }
  | { readonly kind: ModelRouteKind; readonly model: string; readonly version?: string }
  /** Statistics for one model (and version), or for every model when `model` is absent. */
  | { readonly kind: 'model-stats'; readonly model?: string; readonly version?: string }
  /** Triton's trace extension: the global settings, or one model's when `model` is set; GET reads, POST updates. */
  | { readonly kind: 'trace-setting'; readonly method: 'GET' | 'POST'; readonly model?: string }
  /** The path exists but not for this method; `allowed` is for the `Allow` response header. */
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

const NOT_FOUND: RouteMatch = { kind: 'not-found' };
const GET_ONLY = ['GET'];
const POST_ONLY = ['POST'];

/**
 * What may follow `/v2/models/<m>[/versions/<v>]`, and the route it leads to; `undefined` is the
 * path ending right there (model metadata). A Map, so that names like "constructor" match nothing.
 */
const MODEL_SUFFIXES = new Map<string | undefined, { kind: ModelRouteKind | 'model-stats'; method: string }>([
  [undefined, { kind: 'model-metadata', method: 'GET' }],
  ['ready', { kind: 'model-ready', method: 'GET' }],
  ['config', { kind: 'model-config', method: 'GET' }],
  ['infer', { kind: 'model-infer', method: 'POST' }],
  ['stats', { kind: 'model-stats', method: 'GET' }],
]);

const VERSION = /^[0-9]+$/;

/** Matches a request to a route. The query string, if the path still has one, is ignored. */
export function matchRoute(method: string, path: string): RouteMatch {
  const queryStart = path.indexOf('?');
  const segments = (queryStart === -1 ? path : path.slice(0, queryStart)).split('/');
  if (segments[0] !== '' || segments[1] !== 'v2') return NOT_FOUND;
  const rest = segments.slice(2);

  if (rest.length === 0) return withMethod(method, 'GET', { kind: 'server-metadata' });
  if (rest.length === 2 && rest[0] === 'health' && (rest[1] === 'live' || rest[1] === 'ready')) {
    return withMethod(method, 'GET', { kind: rest[1] === 'live' ? 'health-live' : 'health-ready' });
  }
  if (rest[0] === 'repository') return matchRepositoryRoute(method, rest.slice(1));
  if (rest.length === 2 && rest[0] === 'trace' && rest[1] === 'setting') return traceSetting(method);
  // Flotilla's own: where every instance slot runs, and whether it is busy.
  if (rest.length === 2 && rest[0] === 'flotilla' && rest[1] === 'slots') return withMethod(method, 'GET', { kind: 'flotilla-slots' });
  // Flotilla's own: the rate limiter's pools, waiting instances, execution counts and priorities.
  if (rest.length === 2 && rest[0] === 'flotilla' && rest[1] === 'rate-limiter') return withMethod(method, 'GET', { kind: 'flotilla-rate-limiter' });
  // Flotilla's own: every service's liveness and readiness, and why the server is not ready.
  if (rest.length === 2 && rest[0] === 'flotilla' && rest[1] === 'health') return withMethod(method, 'GET', { kind: 'flotilla-health' });
  if (rest[0] !== 'models') return NOT_FOUND;
  // Like Triton, `/v2/models/stats` is every model's statistics, not the metadata of a model "stats".
  if (rest.length === 2 && rest[1] === 'stats') return withMethod(method, 'GET', { kind: 'model-stats' });
  // `/v2/models/<m>/trace/setting` (no version: Triton's trace settings are per model).
  if (rest.length === 4 && rest[2] === 'trace' && rest[3] === 'setting') {
    const model = decodeSegment(rest[1]);
    return model ? traceSetting(method, model) : NOT_FOUND;
  }
  return matchModelRoute(method, rest.slice(1));
}

/**
 * Triton's model repository extension: `index` (every model and why it is (not) ready) and
 * `models/<m>/load|unload`, each optionally behind a repository name.
 */
function matchRepositoryRoute(method: string, segments: readonly string[]): RouteMatch {
  const named = segments.length === 2 || segments.length === 4;
  const repository = named ? decodeSegment(segments[0]) : undefined;
  if (named && !repository) return NOT_FOUND;
  const rest = named ? segments.slice(1) : segments;
  const where = repository === undefined ? {} : { repository };
  if (rest.length === 1 && rest[0] === 'index') return withMethod(method, 'POST', { kind: 'repository-index', ...where });
  if (rest.length !== 3 || rest[0] !== 'models' || (rest[2] !== 'load' && rest[2] !== 'unload')) return NOT_FOUND;
  const model = decodeSegment(rest[1]);
  if (!model) return NOT_FOUND;
  return withMethod(method, 'POST', { kind: rest[2] === 'load' ? 'repository-load' : 'repository-unload', model, ...where });
}

/** `<m>[/versions/<v>][/<suffix>]` */
function matchModelRoute(method: string, segments: readonly string[]): RouteMatch {
  const model = decodeSegment(segments[0] ?? '');
  if (!model) return NOT_FOUND;
  let version: string | undefined;
  let suffixAt = 1;
  if (segments[1] === 'versions') {
    if (!VERSION.test(segments[2] ?? '')) return NOT_FOUND;
    version = segments[2];
    suffixAt = 3;
  }
  if (segments.length > suffixAt + 1) return NOT_FOUND;
  // A trailing slash leaves an empty last segment, which matches nothing (as in Triton).
  const route = MODEL_SUFFIXES.get(segments[suffixAt]);
  if (!route) return NOT_FOUND;
  const match = version === undefined ? { kind: route.kind, model } : { kind: route.kind, model, version };
  return withMethod(method, route.method, match);
}

function traceSetting(method: string, model?: string): RouteMatch {
  if (method !== 'GET' && method !== 'POST') return { kind: 'method-not-allowed', allowed: ['GET', 'POST'] };
  return model === undefined ? { kind: 'trace-setting', method } : { kind: 'trace-setting', method, model };
}

function withMethod(method: string, allowed: string, match: RouteMatch): RouteMatch {
  if (method === allowed) return match;
  return { kind: 'method-not-allowed', allowed: allowed === 'GET' ? GET_ONLY : POST_ONLY };
}

/** Model names may be percent-encoded; a malformed escape cannot name any model. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
