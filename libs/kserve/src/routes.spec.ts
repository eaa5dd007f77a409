import { matchRoute } from './routes';

describe('matchRoute', () => {
  it.each([
    ['GET', '/v2/health/live', { kind: 'health-live' }],
    ['GET', '/v2/health/ready', { kind: 'health-ready' }],
    ['GET', '/v2', { kind: 'server-metadata' }],
    ['GET', '/v2/models/simple', { kind: 'model-metadata', model: 'simple' }],
    ['GET', '/v2/models/simple/versions/3', { kind: 'model-metadata', model: 'simple', version: '3' }],
    ['GET', '/v2/models/simple/ready', { kind: 'model-ready', model: 'simple' }],
    ['GET', '/v2/models/simple/versions/1/ready', { kind: 'model-ready', model: 'simple', version: '1' }],
    ['GET', '/v2/models/simple/config', { kind: 'model-config', model: 'simple' }],
    ['POST', '/v2/models/simple/infer', { kind: 'model-infer', model: 'simple' }],
    ['POST', '/v2/models/simple/versions/12/infer', { kind: 'model-infer', model: 'simple', version: '12' }],
    ['GET', '/v2/models/stats', { kind: 'model-stats' }],
    ['GET', '/v2/models/simple/stats', { kind: 'model-stats', model: 'simple' }],
    ['GET', '/v2/models/simple/versions/2/stats', { kind: 'model-stats', model: 'simple', version: '2' }],
    ['GET', '/v2/models/my%20model%2Fx/ready', { kind: 'model-ready', model: 'my model/x' }],
    ['GET', '/v2/health/live?verbose=1', { kind: 'health-live' }],
    ['POST', '/v2/models/simple/infer?x=/y', { kind: 'model-infer', model: 'simple' }],
    ['POST', '/v2/repository/index', { kind: 'repository-index' }],
    ['POST', '/v2/repository/other/index', { kind: 'repository-index', repository: 'other' }],
    ['POST', '/v2/repository/models/simple/load', { kind: 'repository-load', model: 'simple' }],
    ['POST', '/v2/repository/models/simple/unload', { kind: 'repository-unload', model: 'simple' }],
    ['POST', '/v2/repository/other/models/a%20b/unload', { kind: 'repository-unload', model: 'a b', repository: 'other' }],
    ['GET', '/v2/flotilla/slots', { kind: 'flotilla-slots' }],
    ['GET', '/v2/flotilla/rate-limiter', { kind: 'flotilla-rate-limiter' }],
    ['GET', '/v2/flotilla/health', { kind: 'flotilla-health' }],
    ['GET', '/v2/trace/setting', { kind: 'trace-setting', method: 'GET' }],
    ['POST', '/v2/trace/setting', { kind: 'trace-setting', method: 'POST' }],
    ['GET', '/v2/models/simple/trace/setting', { kind: 'trace-setting', method: 'GET', model: 'simple' }],
    ['POST', '/v2/models/a%20b/trace/setting', { kind: 'trace-setting', method: 'POST', model: 'a b' }],
  ])('%s %s', (method, path, expected) => {
    expect(matchRoute(method, path)).toEqual(expected);
  });

  it.each([
    ['POST', '/v2/health/live', ['GET']],
    ['PUT', '/v2', ['GET']],
    ['GET', '/v2/models/simple/infer', ['POST']],
    ['POST', '/v2/models/simple', ['GET']],
    ['DELETE', '/v2/models/stats', ['GET']],
    ['GET', '/v2/repository/models/simple/load', ['POST']],
    ['PUT', '/v2/trace/setting', ['GET', 'POST']],
    ['DELETE', '/v2/models/simple/trace/setting', ['GET', 'POST']],
  ])('%s %s is not allowed', (method, path, allowed) => {
    expect(matchRoute(method, path)).toEqual({ kind: 'method-not-allowed', allowed });
  });

  it.each([
    '/',
    '/v1',
    '/v2/',
    '/v2/health',
    '/v2/health/live/',
    '/v2/models',
    '/v2/models/',
    '/v2/models/simple/',
    '/v2/models/simple/versions',
    '/v2/models/simple/versions/x',
    '/v2/models/simple/versions//infer',
    '/v2/models/simple/constructor',
    '/v2/models/simple/infer/extra',
    '/v2/models/bad%zz/ready',
    '/v2/repository/other',
    '/v2/repository/models/simple',
    '/v2/repository/models/simple/reload',
    '/v2/trace',
    '/v2/models/simple/versions/1/trace/setting',
    '/v2/repository/x/models/simple/load/extra',
    'v2/health/live',
  ])('%s is not found', (path) => {
    expect(matchRoute('GET', path)).toEqual({ kind: 'not-found' });
  });
});
