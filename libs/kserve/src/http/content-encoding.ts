import { HttpStatusError } from './http-status-error';

export type BodyEncoding = 'identity' | 'gzip' | 'deflate';

/**
 * The one encoding a request body was sent with, from `Content-Encoding`. gzip and deflate are
 * inflated; anything else is refused with 415 rather than read as if plain, which would only fail
 * later as bad JSON or, worse, as wrong tensor bytes.
 */
export function requestBodyEncoding(header: string | readonly string[] | undefined): BodyEncoding {
  if (header === undefined) return 'identity';
  const codings = (typeof header === 'string' ? header : header.join(','))
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length > 1) {
    throw new HttpStatusError(415, `unsupported Content-Encoding '${codings.join(', ')}': send one of gzip, deflate or identity`);
  }
  const [coding] = codings;
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip';
  if (coding === 'deflate') return 'deflate';
  throw new HttpStatusError(415, `unsupported Content-Encoding '${coding.slice(0, 64)}': send one of gzip, deflate or identity`);
}
