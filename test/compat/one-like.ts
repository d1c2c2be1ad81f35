// A TypeScript stand-in for the parts of the ONE client (one/webclient.py AlyxClient, ONE 3.4.2)
// that decide whether it can talk to a server: how it authenticates, reads the REST schema,
// builds query strings (Python's urlencode), sends headers, reads errors and walks paginated
// lists. Written from one-client.md §2; it drives the app through Fastify's inject, with the
// bytes ONE would send, so the compat tests see what ONE would see.
import type { TestApp } from '../helpers.ts';

/** requests.HTTPError as ONE raises it: status, the query, and the message ONE extracts */
export class HTTPError extends Error {
  constructor(
    public status: number,
    public query: string,
    public detail: unknown,
    public text: string,
  ) {
    super(`[Errno ${status}] ${query}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
  }
}

/** what Python would raise instead of an HTTPError (TypeError/AttributeError on a non-object error body) */
export class ClientCrash extends Error {}

/** urllib.parse.quote_plus: only A-Za-z0-9_.-~ are kept, space becomes + */
export function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** urllib.parse.unquote (percent escapes only; '+' stays) */
function unquote(s: string): string {
  return s.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

/** urllib.parse.parse_qs(keep_blank_values=False), insertion-ordered */
function parseQs(q: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of q.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = unquote(part.slice(0, i).replace(/\+/g, ' '));
    const v = unquote(part.slice(i + 1).replace(/\+/g, ' '));
    if (!v) continue;
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

/** one.webclient.update_url_params: unquote, parse, update, urlencode(doseq=True) */
export function updateUrlParams(url: string, params: Record<string, string | number>): string {
  url = unquote(url);
  const hash = url.indexOf('#');
  const fragment = hash >= 0 ? url.slice(hash) : '';
  if (hash >= 0) url = url.slice(0, hash);
  const q = url.indexOf('?');
  const base = q >= 0 ? url.slice(0, q) : url;
  const args = parseQs(q >= 0 ? url.slice(q + 1) : '');
  for (const [k, v] of Object.entries(params)) args.set(k, [String(v)]);
  const query = [...args.entries()].flatMap(([k, vs]) => vs.map((v) => `${quotePlus(k)}=${quotePlus(v)}`)).join('&');
  return `${base}${query ? `?${query}` : ''}${fragment}`;
}

/** str() of a Python value as ONE joins filter values: ','.join(map(str, ensure_list(v))) */
function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return String(v);
}

type Action = 'list' | 'read' | 'create' | 'update' | 'partial_update' | 'delete';

/** RestSchemeOpenApi / RestSchemeCoreApi */
export class RestSchemes {
  static EXCLUDE = ['_type', '_meta', '', 'auth-token', 'api'];
  constructor(
    public doc: any, // eslint-disable-line
    public backend: 'open_api_v3' | 'core_api',
  ) {}

  get endpoints(): string[] {
    if (this.backend === 'core_api') return Object.keys(this.doc).filter((x) => !RestSchemes.EXCLUDE.includes(x)).sort();
    const set = new Set<string>();
    for (const p of Object.keys(this.doc.paths)) {
      const m = /^\/([^/]+)/.exec(p);
      if (m && !RestSchemes.EXCLUDE.includes(m[1])) set.add(m[1]);
    }
    return [...set].sort();
  }

  actions(endpoint: string): string[] {
    if (this.backend === 'core_api') return Object.keys(this.doc[endpoint]).filter((x) => !RestSchemes.EXCLUDE.includes(x)).sort();
    const actions = new Set<string>();
    for (const [path, ops] of Object.entries(this.doc.paths as Record<string, Record<string, unknown>>)) {
      if (!(path === `/${endpoint}` || path.startsWith(`/${endpoint}/`))) continue;
      for (const method of Object.keys(ops)) {
        const a = { get: path.includes('{') ? 'read' : 'list', post: 'create', put: 'update', patch: 'partial_update', delete: 'delete' }[method];
        if (a) actions.add(a);
      }
    }
    return [...actions].sort();
  }

  /** the first matching operation in document order, as _endpoint_action_info walks it */
  info(endpoint: string, action: Action): { url: string; parameters: Array<{ name: string }>; fields: Record<string, unknown> } {
    const http = { list: 'get', read: 'get', create: 'post', update: 'put', partial_update: 'patch', delete: 'delete' }[action];
    for (const [path, ops] of Object.entries(this.doc.paths as Record<string, Record<string, any>>)) { // eslint-disable-line
      if (!((path === `/${endpoint}` && action !== 'read') || path.startsWith(`/${endpoint}/`))) continue;
      const op = ops[http];
      if (!op) continue;
      let fields: Record<string, unknown> = {};
      if ('requestBody' in op) {
        // KeyError in Python if the JSON media type or the $ref is missing
        const ref = op.requestBody.content['application/json'].schema.$ref as string;
        fields = this.doc.components.schemas[ref.split('/').pop()!].properties;
        if (!fields) throw new ClientCrash(`component ${ref} has no properties`);
      }
      return { url: path, parameters: op.parameters ?? [], fields };
    }
    return { url: '', parameters: [], fields: {} };
  }

  fieldNames(endpoint: string, action: Action): string[] {
    if (this.backend === 'core_api') return (this.doc[endpoint][action].fields as Array<{ name: string }>).map((f) => f.name);
    const i = this.info(endpoint, action);
    return [...i.parameters.map((p) => p.name), ...Object.keys(i.fields)];
  }
}

/** _PaginatedResponse: len = count, pages fetched lazily through `next` with limit/offset rewritten */
export class PaginatedResponse {
  count: number;
  limit: number;
  query: string;
  cache: unknown[];
  fetched: string[] = [];
  constructor(
    private client: OneLike,
    rep: { count: number; next: string; results: unknown[] },
  ) {
    this.count = rep.count;
    this.limit = rep.results.length;
    this.query = rep.next;
    this.cache = new Array(this.count).fill(undefined);
    rep.results.forEach((r, i) => (this.cache[i] = r));
  }
  get length(): number {
    return this.count;
  }
  async at(i: number): Promise<any> { // eslint-disable-line
    if (i < 0) i += this.count;
    if (this.cache[i] === undefined) await this.populate(i);
    return this.cache[i];
  }
  async populate(idx: number): Promise<void> {
    const offset = this.limit * Math.floor(idx / this.limit);
    const query = updateUrlParams(this.query, { limit: this.limit, offset });
    this.fetched.push(query);
    const res = (await this.client.generic('GET', query)) as { count: number; results: unknown[] };
    if (res.count !== this.count) this.client.warnings.push(`remote results for ${query} changed`);
    res.results.slice(0, this.count - offset).forEach((r, i) => (this.cache[i + offset] = r));
  }
  async all(): Promise<any[]> { // eslint-disable-line
    const out = [];
    for (let i = 0; i < this.count; i++) out.push(await this.at(i));
    return out;
  }
}

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export class OneLike {
  token: string | null = null;
  warnings: string[] = [];
  sent: SentRequest[] = [];
  private schemes: RestSchemes | null = null;

  constructor(
    private t: TestApp,
    public username: string,
    public password: string,
    /** the client's base URL; its host is sent as the Host header */
    public baseUrl = 'http://localhost:8100',
  ) {}

  private async raw(method: string, url: string, headers: Record<string, string>, body?: string) {
    this.sent.push({ method, url, headers, body });
    // requests sends Content-Length: 0 for a body-less request other than GET/HEAD
    const h = { host: new URL(this.baseUrl).host, ...headers, ...(body === undefined && method !== 'GET' ? { 'content-length': '0' } : {}) };
    return this.t.app.inject({ method: method as 'GET', url, headers: h, payload: body ?? (method !== 'GET' ? '' : undefined) });
  }

  /** AlyxClient.authenticate(force=True) with a password */
  async authenticate(): Promise<void> {
    const body = new URLSearchParams({ username: this.username, password: this.password }).toString();
    const r = await this.raw('POST', '/auth-token', { 'content-type': 'application/x-www-form-urlencoded' }, body);
    if (r.statusCode === 400) throw new HTTPError(400, '/auth-token', `Alyx authentication failed with credentials: user = ${this.username}, password = ***`, r.body);
    if (r.statusCode < 200 || r.statusCode >= 300) throw new HTTPError(r.statusCode, '/auth-token', r.body, r.body);
    const parsed = JSON.parse(r.body);
    if (JSON.stringify(Object.keys(parsed)) !== '["token"]') throw new ClientCrash(`auth-token keys ${Object.keys(parsed)}`);
    this.token = parsed.token;
  }

  /** AlyxClient._generic_request */
  async generic(method: string, restQuery: string, data?: unknown, retried = false, redirects = 0): Promise<unknown> {
    if (!this.token) await this.authenticate();
    let q = restQuery.split(this.baseUrl).join('');
    if (!q.startsWith('/')) q = `/${q}`;
    const headers: Record<string, string> = {
      authorization: `Token ${this.token}`,
      accept: 'application/json',
      'content-type': 'application/json',
    };
    if (!retried) headers['one-api-version'] = '3.4.2';
    if (q.startsWith('/docs')) headers.accept = 'application/coreapi+json';
    if (q.startsWith('/api/schema')) {
      headers.accept = 'application/vnd.oai.openapi+json';
      headers['accept-version'] = '3.0';
    }
    const body = data !== undefined && data !== null && typeof data === 'object' ? JSON.stringify(data) : (data as string | undefined);
    const r = await this.raw(method, q, headers, body);
    if ([301, 302, 303, 307, 308].includes(r.statusCode) && redirects < 5) {
      // requests follows redirects; 301/302/303 turn a write into a GET
      if (method !== 'GET' && r.statusCode <= 303) throw new ClientCrash(`${method} ${q} redirected: the write would be lost`);
      return this.generic(method, String(r.headers.location), data, retried, redirects + 1);
    }
    if (r.statusCode === 200 || r.statusCode === 201) return JSON.parse(r.body);
    if (r.statusCode === 204) return null;
    if (r.statusCode === 403 && r.body.includes('"Invalid token."') && !retried) {
      await this.authenticate();
      return this.generic(method, q, data, true);
    }
    let message: unknown;
    try {
      message = JSON.parse(r.body);
    } catch {
      throw new HTTPError(r.statusCode, q, r.body, r.body);
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw new ClientCrash(`error body is not a JSON object: ${r.body.slice(0, 100)}`);
    }
    const m = { ...(message as Record<string, unknown>) };
    delete m.status_code;
    throw new HTTPError(r.statusCode, q, m.detail || m, r.body);
  }

  /** AlyxClient.get: unwraps the envelope when it is exactly count/next/previous/results */
  async get(url: string): Promise<unknown> {
    const rep = (await this.generic('GET', url)) as Record<string, unknown>;
    if (rep && typeof rep === 'object' && !Array.isArray(rep) && JSON.stringify(Object.keys(rep)) === '["count","next","previous","results"]') {
      const results = rep.results as unknown[];
      if (results.length < (rep.count as number)) return new PaginatedResponse(this, rep as never);
      return results;
    }
    return rep;
  }

  /** AlyxClient.rest_schemes: OpenAPI, or coreapi after a 404 */
  async restSchemes(): Promise<RestSchemes> {
    if (this.schemes) return this.schemes;
    try {
      this.schemes = new RestSchemes(await this.generic('GET', '/api/schema'), 'open_api_v3');
    } catch (e) {
      if (!(e instanceof HTTPError) || e.status !== 404) throw e;
      this.schemes = new RestSchemes(await this.generic('GET', '/docs'), 'core_api');
    }
    return this.schemes;
  }

  /** AlyxClient.rest */
  async rest(url: string, action: string, opts: { id?: string; data?: unknown } & Record<string, unknown> = {}): Promise<any> { // eslint-disable-line
    const { id, data, ...kwargs } = opts;
    const s = await this.restSchemes();
    if (url.startsWith('/')) url = url.slice(1);
    const endpoint = /^\/*[^?/]*/.exec(url)![0].replace(/\//g, '');
    if (!s.endpoints.includes(endpoint)) throw new Error(`ValueError: REST endpoint "${endpoint}" does not exist`);
    if (url.includes('?')) action = 'list';
    if (action === 'partial-update') action = 'partial_update';
    if (!s.actions(endpoint).includes(action)) throw new Error(`ValueError: Action "${action}" for REST endpoint "${endpoint}" does not exist`);
    if (action === 'list') {
      if (id) kwargs.django = `${kwargs.django !== undefined ? `${kwargs.django},` : ''}pk,${id}`;
      if (Object.keys(kwargs).length) {
        if ('django' in kwargs && kwargs.django === null) delete kwargs.django;
        const known = s.fieldNames(endpoint, 'list');
        const missing = Object.keys(kwargs).filter((k) => !known.includes(k));
        if (missing.length) this.warnings.push(`Unsupported fields '${missing}' in query parameters for endpoint ${endpoint}.`);
        const params = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(pyStr).join(',')]));
        url = updateUrlParams(url, params);
      }
      return this.get(`/${url}`);
    }
    const key = String(id ?? '').split('/').pop();
    if (action === 'read') return this.get(`/${endpoint}/${key}`);
    if (action === 'create') return this.generic('POST', `/${endpoint}`, data);
    if (action === 'delete') return this.generic('DELETE', `/${endpoint}/${key}`);
    if (action === 'partial_update') return this.generic('PATCH', `/${endpoint}/${key}`, data);
    return this.generic('PUT', `/${endpoint}/${key}`, data);
  }

  /** OneAlyx.search_terms('remote') */
  async searchTerms(endpoint = 'sessions'): Promise<string[]> {
    const names = (await this.restSchemes()).fieldNames(endpoint, 'list');
    if (endpoint !== 'sessions') return names;
    const own = ['datasets', 'date_range', 'laboratory', 'number', 'projects', 'subject', 'task_protocol', 'dataset_qc_lte'];
    return [...new Set([...own, ...names.filter((n) => n !== 'lab')])];
  }

  /** OneAlyx.search (remote): autocomplete every key, then rest('sessions', 'list', ...) */
  async search(kw: Record<string, unknown>): Promise<{ eids: string[]; raw: unknown }> {
    const terms = await this.searchTerms();
    const params: Record<string, unknown> = { django: kw.django ?? '' };
    for (const key of Object.keys(kw).filter((k) => k !== 'django').sort()) {
      const field = autocomplete(key, terms);
      if (field === 'laboratory') params.lab = kw[key];
      else params[field] = kw[key];
    }
    if (!params.django) delete params.django;
    const ses = await this.rest('sessions', 'list', params);
    const records = ses instanceof PaginatedResponse ? await ses.all() : (ses as Array<{ id?: string; url?: string }>);
    return { eids: records.map((r) => r.id ?? r.url!.slice(-36)), raw: ses };
  }
}

/** one.util.autocomplete */
export function autocomplete(term: string, terms: string[]): string {
  term = term.toLowerCase();
  if (terms.includes(term)) return term;
  const matches = terms.filter((x) => x.toLowerCase().startsWith(term));
  if (!matches.length) throw new Error(`ValueError: Invalid search term "${term}"`);
  if (matches.length > 1) throw new Error(`ValueError: Ambiguous search term "${term}"`);
  return matches[0];
}

/** Python 3.10's datetime.fromisoformat: YYYY-MM-DD[THH:MM[:SS[.fff|.ffffff]]][+HH:MM] */
export const PY310_ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{3}|\.\d{6})?)?([+-]\d{2}:\d{2})?)?$/;
