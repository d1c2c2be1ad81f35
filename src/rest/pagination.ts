// DRF LimitOffsetPagination: every list is paginated (default 250, cap 1000), and the envelope
// keys come in the order ONE checks: count, next, previous, results.

export const DEFAULT_LIMIT = 250;
export const MAX_LIMIT = 1000;

export interface Page {
  count: number;
  limit: number;
  offset: number;
  results: unknown[];
}

function positiveInt(value: string | null): number | null {
  if (value === null || !/^\s*\+?\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

export function paginationParams(query: URLSearchParams): { limit: number; offset: number } {
  const l = positiveInt(query.get('limit'));
  const limit = l === null || l <= 0 ? DEFAULT_LIMIT : Math.min(l, MAX_LIMIT);
  const o = positiveInt(query.get('offset'));
  return { limit, offset: o === null ? 0 : o };
}

/** Python's urlencode(quote_plus): everything but [A-Za-z0-9_.~-] is escaped, spaces become +. */
export function pyQuotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** Rebuilds a query string the way DRF's replace_query_param does: keys sorted, values re-encoded. */
export function buildQuery(params: Array<[string, string]>): string {
  const sorted = [...params].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return sorted.map(([k, v]) => `${pyQuotePlus(k)}=${pyQuotePlus(v)}`).join('&');
}

/** The envelope, with absolute next/previous links built from the request URL. */
export function envelope(page: Page, absoluteUrl: string): Record<string, unknown> {
  const url = new URL(absoluteUrl);
  // the scheme, host and path exactly as the client sent them: URL.host drops a default port
  // (`Host: h:80`), and ONE strips its base URL (which may carry it) from `next` verbatim
  const base = absoluteUrl.split(/[?#]/)[0];
  const others = [...url.searchParams.entries()].filter(([k]) => k !== 'limit' && k !== 'offset');
  const link = (offset: number | null) => {
    const params: Array<[string, string]> = [...others, ['limit', String(page.limit)]];
    if (offset !== null) params.push(['offset', String(offset)]);
    return `${base}?${buildQuery(params)}`;
  };
  const next = page.offset + page.limit >= page.count ? null : link(page.offset + page.limit);
  let previous: string | null = null;
  if (page.offset > 0) previous = page.offset - page.limit <= 0 ? link(null) : link(page.offset - page.limit);
  return { count: page.count, next, previous, results: page.results };
}
