export { responseEncoding, type ResponseEncoding } from './accept-encoding';
export { clientErrorReply, rawHttpResponse, type ClientErrorReply } from './client-error';
export { compressBody } from './compress-body';
export { requestBodyEncoding, type BodyEncoding } from './content-encoding';
export { checkRequestHead, DEFAULT_HTTP_LIMITS, DEFAULT_MAX_BODY_BYTES, type HttpLimits } from './http-limits';
export { HttpStatusError, httpStatusOf } from './http-status-error';
export { readRequestBody, type ReadBodyOptions } from './read-body';
