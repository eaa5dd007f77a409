import { FlotillaError, invalidArg, notFound, unavailable } from '@flotilla/contracts';
import { errorBody, METHOD_NOT_ALLOWED, NOT_FOUND } from './error-body';
import { HttpStatusError } from './http/http-status-error';

describe('errorBody', () => {
  it.each([
    [invalidArg('bad input'), 400],
    [notFound('no such version'), 404],
    [unavailable('shutting down'), 503],
    [new FlotillaError('UNSUPPORTED', 'nope'), 501],
    [new FlotillaError('INTERNAL', 'boom'), 500],
  ])('uses the FlotillaError status (%s)', (error, status) => {
    expect(errorBody(error)).toEqual({ status, body: JSON.stringify({ error: error.message }) });
  });

  it("uses an HttpStatusError's own status (transport limits), also from another module copy", () => {
    expect(errorBody(new HttpStatusError(413, 'too big'))).toEqual({ status: 413, body: '{"error":"too big"}' });
    const foreign = Object.assign(new Error('too long'), { name: 'HttpStatusError', status: 414 });
    expect(errorBody(foreign).status).toBe(414);
  });

  it('answers 500 for unknown errors and keeps their message', () => {
    expect(errorBody(new TypeError('x is undefined'))).toEqual({ status: 500, body: '{"error":"x is undefined"}' });
    expect(errorBody('plain string')).toEqual({ status: 500, body: '{"error":"plain string"}' });
  });

  it('recognises errors carrying a Flotilla code from another module copy', () => {
    const foreign = Object.assign(new Error('gone'), { code: 'NOT_FOUND' });
    expect(errorBody(foreign).status).toBe(404);
  });

  it('has Triton’s route error texts', () => {
    expect(NOT_FOUND).toEqual({ status: 404, body: '{"error":"Not Found"}' });
    expect(METHOD_NOT_ALLOWED).toEqual({ status: 405, body: '{"error":"Method Not Allowed"}' });
  });
});
