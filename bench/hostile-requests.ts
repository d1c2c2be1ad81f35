// Hostile requests for every endpoint the OpenAPI document lists: junk types, NUL characters, lone
// surrogates, deep JSON, broken multipart and JSON, huge lists, odd django= lookups, odd paging.
// Used by bench/hostile-sweep.ts (thousands of requests) and test/trust/hostile-sweep.test.ts (a
// sample). The sender is given: Fastify's inject in process, or fetch against a running server.

export interface HostileRequest {
  method: string;
  /** path and query string, already encoded */
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** what the request tries, for the report */
  kind: string;
}

export interface HostileResponse {
  status: number;
  body: string;
}

export type Sender = (r: HostileRequest) => Promise<HostileResponse>;

type Doc = {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
};

/** A small seeded generator, so that a sweep is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const enc = encodeURIComponent;
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Values for query parameters, already URL-encoded. */
export const QUERY_VALUES: string[] = [
  '%00', 'a%00b', '%ED%A0%80', '%F0%9F%98%80', '%C0%80', 'None', 'null', 'true', '[]', '()', '[[[', enc(deepArray(3000)),
  '-1', '0', '1e999', 'NaN', '99999999999999999999', enc('2024-13-45'), enc('2024-01-01T10:00:00+99:00'), 'x'.repeat(5000),
  enc("'"), enc('\\'), enc('%'), enc('_'), enc('a,b,c'), enc(','), enc('00000000-0000-0000-0000-000000000000'), 'not-a-uuid',
  enc('../..'), enc('<script>'), enc('1;select 1'),
];

/** Odd `django=` filters: lookups, transforms, paths, literals. */
export const DJANGO_VALUES: string[] = [
  'pk__regex,(', 'pk__iregex,[', 'id__in,[', 'id__in,[None]', 'id__in,(1,', 'pk__range,(1,)', 'pk__range,("a","b","c")',
  'x__y__z,1', 'json__a__b__gt,1', 'json__has_key,a%00', 'pk__year__gt,abc', 'pk__date,2020-01-01', '~pk,None', '~~pk,1',
  'pk,', ',', ',,,,', 'pk__in,' + enc(`[${Array.from({ length: 1500 }, (_, k) => k).join(',')}]`), 'name__icontains,%00',
  'name__icontains,%ED%A0%80', 'pk__gt,' + enc(deepArray(50)), Array.from({ length: 25 }, (_, k) => `a${k},1`).join(','),
  Array.from({ length: 12 }, () => 'lab').join('__') + ',1', 'password__startswith,p', 'created_by__password__startswith,p',
  'auto_datetime__hour__lt,-1', 'start_time__week_day,9', 'pk__isnull,maybe', 'name__regex,' + enc('(a+)+$'), 'pk__in,' + enc("['a'"),
];

/** Values for body fields (JSON values). */
export const BODY_VALUES: unknown[] = [
  true, false, null, 0, -1, 1e308, 2 ** 53 + 1, '', 'x', 'a\u0000b', 'a\ud800b', 'x'.repeat(100_000), [], [[]], {}, { a: [1, { b: null }] },
  ['x'], Array.from({ length: 5000 }, (_, k) => `n${k}`), '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '2024-13-45',
  '2024-01-01T10:00:00+99:00', '2024-01-01T25:00:00', 'http://x/y', 'None', 'NaN', '[1,2]',
];

/** Whole bodies that are broken in themselves: [content type, payload, kind]. */
export const RAW_BODIES: Array<[string, string | Buffer, string]> = [
  ['multipart/form-data', 'a=1', 'multipart without boundary'],
  ['multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc', 'multipart cut short'],
  ['multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="a"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\u0001', 'multipart file cut short'],
  ['multipart/form-data; boundary=', '', 'multipart empty boundary'],
  ['application/json', deepArray(6000), 'deep JSON array'],
  ['application/json', deepObject(6000), 'deep JSON object'],
  ['application/json', '{"a":', 'truncated JSON'],
  ['application/json', '[]', 'JSON list'],
  ['application/json', 'null', 'JSON null'],
  ['application/json', '"text"', 'JSON string'],
  ['application/json', '1e999', 'JSON huge number'],
  ['application/json', '{"a":"\\u0000"}', 'JSON NUL escape'],
  ['application/json', '{"a":"\\ud800"}', 'JSON lone surrogate'],
  ['application/json', `[${Array.from({ length: 2000 }, () => '{}').join(',')}]`, 'bulk of 2000'],
  ['application/x-www-form-urlencoded', 'a=%00&b=%ED%A0%80&c', 'form with NUL and bad UTF-8'],
  ['application/x-www-form-urlencoded', 'a=' + '%5B'.repeat(5000), 'form with brackets'],
  ['text/plain', 'hello', 'unsupported media type'],
  ['application/xml', '<a/>', 'xml'],
];

/** A path with its parameters filled: a real lookup value when known, else hostile ones. */
function fillPath(path: string, real: string | undefined, pick: () => number): string[] {
  if (!path.includes('{')) return [path];
  const values = [real, 'x', '%00', '%ED%A0%80', '00000000-0000-0000-0000-000000000000', 'a'.repeat(2000), '..%2F..', '-1', 'None'].filter(
    (v): v is string => v !== undefined,
  );
  // a real value first (reaches the handler), then two hostile ones at random
  const out = real ? [path.replace(/\{[^}]+\}/g, enc(real))] : [];
  for (let k = 0; k < 2; k++) out.push(path.replace(/\{[^}]+\}/g, values[Math.floor(pick() * values.length)]));
  return out;
}

/**
 * Every hostile request for the document; `real` gives a known lookup value per collection path
 * (so detail routes reach their handlers), `perParam` bounds the query values tried per parameter.
 */
export function hostileRequests(
  doc: Doc,
  auth: Record<string, string>,
  real: Record<string, string>,
  opts: { seed?: number; perParam?: number; bodyValues?: number; djangoValues?: number; rawBodies?: number; perOperation?: number } = {},
): HostileRequest[] {
  const pick = rng(opts.seed ?? 9);
  const sample = <T>(list: T[], n: number): T[] => {
    if (n >= list.length) return list;
    const copy = [...list];
    const out: T[] = [];
    while (out.length < n) out.push(copy.splice(Math.floor(pick() * copy.length), 1)[0]);
    return out;
  };
  const perParam = opts.perParam ?? QUERY_VALUES.length;
  const bodyValues = opts.bodyValues ?? BODY_VALUES.length;
  const out: HostileRequest[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    const collection = path.replace(/\/\{[^}]+\}.*$/, '');
    for (const url of fillPath(path, real[collection], pick)) {
      for (const [method, op] of Object.entries(ops)) {
        const M = method.toUpperCase();
        if (M === 'GET') {
          const params = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
          for (const name of [...params, 'limit', 'offset', 'format']) {
            const values = name === 'django' ? sample(DJANGO_VALUES, opts.djangoValues ?? DJANGO_VALUES.length) : sample(QUERY_VALUES, perParam);
            for (const v of values) out.push({ method: M, url: `${url}?${enc(name)}=${v}`, headers: auth, kind: `query ${name}` });
          }
          out.push({ method: M, url: `${url}?${'%00'}=1`, headers: auth, kind: 'NUL parameter name' });
          continue;
        }
        if (M === 'DELETE') {
          if (url.includes('%') || !real[collection]) out.push({ method: M, url, headers: auth, kind: 'delete' });
          continue;
        }
        // writes: each field with junk values, then broken whole bodies
        const ref = op.requestBody?.content?.['application/json']?.schema?.$ref?.split('/').pop();
        const props = Object.keys((ref && doc.components?.schemas?.[ref]?.properties) || {});
        for (const field of props.length ? props : ['name']) {
          for (const v of sample(BODY_VALUES, bodyValues)) {
            out.push({ method: M, url, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify({ [field]: v }), kind: `body ${field}` });
          }
        }
        for (const [type, payload, kind] of sample(RAW_BODIES, opts.rawBodies ?? RAW_BODIES.length)) out.push({ method: M, url, headers: { ...auth, 'content-type': type }, payload, kind });
      }
    }
  }
  if (!opts.perOperation) return out;
  // a sample that still reaches every operation: at most perOperation requests per method and path
  const byOperation = new Map<string, HostileRequest[]>();
  for (const r of out) {
    const key = `${r.method} ${r.url.split('?')[0]}`;
    byOperation.set(key, [...(byOperation.get(key) ?? []), r]);
  }
  return [...byOperation.values()].flatMap((list) => sample(list, opts.perOperation!));
}

export interface SweepResult {
  sent: number;
  byStatus: Record<string, number>;
  serverErrors: Array<{ request: string; kind: string; status: number; body: string }>;
}

/** Sends the requests one at a time (a sweep measures robustness, not throughput). */
export async function sweep(requests: HostileRequest[], send: Sender): Promise<SweepResult> {
  const result: SweepResult = { sent: 0, byStatus: {}, serverErrors: [] };
  for (const r of requests) {
    const res = await send(r);
    result.sent++;
    const klass = `${Math.floor(res.status / 100)}xx`;
    result.byStatus[klass] = (result.byStatus[klass] ?? 0) + 1;
    if (res.status >= 500) result.serverErrors.push({ request: `${r.method} ${r.url.slice(0, 200)}`, kind: r.kind, status: res.status, body: res.body.slice(0, 300) });
  }
  return result;
}

/** A lookup value of each list endpoint's first row: its `url`'s last segment, else its id or name. */
export async function realLookups(doc: Doc, send: Sender, auth: Record<string, string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (path.includes('{') || !ops.get || !Object.keys(doc.paths).some((p) => p.startsWith(`${path}/{`))) continue;
    const res = await send({ method: 'GET', url: `${path}?limit=1`, headers: auth, kind: 'lookup' });
    if (res.status !== 200) continue;
    try {
      const body = JSON.parse(res.body);
      const row = (Array.isArray(body) ? body : body.results)?.[0];
      if (!row) continue;
      const v = typeof row.url === 'string' ? decodeURIComponent(row.url.split('/').pop()!) : (row.id ?? row.name ?? row.nickname);
      if (v !== undefined && v !== null) out[path] = String(v);
    } catch {
      /* not JSON: no real lookup for this path */
    }
  }
  return out;
}
