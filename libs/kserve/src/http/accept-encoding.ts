export type ResponseEncoding = 'gzip' | 'deflate';

/**
 * The encoding to compress a response with, from `Accept-Encoding`; undefined to send it as is.
 * q-values rank the candidates and `q=0` refuses one; `*` stands for any coding not named. On a
 * tie gzip wins (every client that sends deflate also takes gzip). Identity is chosen when the
 * client rates it above both.
 */
export function responseEncoding(header: string | readonly string[] | undefined): ResponseEncoding | undefined {
  if (header === undefined) return undefined;
  const weights = new Map<string, number>();
  for (const entry of (typeof header === 'string' ? header : header.join(',')).split(',')) {
    const [name, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (!name) continue;
    const coding = name === 'x-gzip' ? 'gzip' : name;
    const q = quality(params);
    // The first mention of a coding counts, as with any repeated preference.
    if (q !== undefined && !weights.has(coding)) weights.set(coding, q);
  }
  const wildcard = weights.get('*');
  const weight = (coding: string) => weights.get(coding) ?? wildcard ?? 0;
  const gzip = weight('gzip');
  const deflate = weight('deflate');
  const best = Math.max(gzip, deflate);
  if (best <= 0) return undefined;
  const identity = weights.get('identity');
  if (identity !== undefined && identity > best) return undefined;
  return gzip >= deflate ? 'gzip' : 'deflate';
}

/** The q parameter, 1 when absent; undefined for a malformed one, which drops the entry. */
function quality(params: readonly string[]): number | undefined {
  const q = params.find((param) => param.startsWith('q='));
  if (q === undefined) return 1;
  const value = q.slice(2).trim();
  if (!/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(value)) return undefined;
  return Number(value);
}
