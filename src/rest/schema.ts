// The API description, derived from the resource declarations (and from the `schema` of custom
// routes): OpenAPI 3 at /api/schema (what ONE reads to learn endpoints, actions and filter names)
// and the legacy coreapi document at /docs for older clients.
//
// We build the document ourselves instead of through @fastify/swagger because ONE depends on
// details that plugin does not let us control without fighting it: request bodies as `$ref`s to
// named components, path parameter names ({nickname}, {id}), and DRF-style list parameters.
import { sortableColumns } from './admin.ts';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Resource } from './resource.ts';
import type { JsonSchema } from './fields.ts';

export interface CustomRouteDoc {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

const VERSION = '3.6.1';

function openapiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

function firstSegment(url: string): string {
  return url.split('/').filter(Boolean)[0] ?? '';
}

function listParameters(resource: Resource): Array<Record<string, unknown>> {
  const params = Object.entries(resource.allFilters).map(([name, f]) => ({
    name,
    in: 'query',
    required: false,
    schema: f.schema ?? { type: 'string' },
    ...(f.help ? { description: f.help } : {}),
  }));
  // DRF's OrderingFilter and SearchFilter (the UI's sortable headers and search box)
  if (!resource.allFilters.ordering) {
    const sortable = [...sortableColumns(resource, resource.admin).keys()];
    params.push({
      name: 'ordering',
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description: `Which field to use when ordering the results (comma-separated, "-" for descending): ${sortable.join(', ')}.`,
    });
  }
  if (resource.admin?.search?.length && !resource.allFilters.search) {
    params.push({ name: 'search', in: 'query', required: false, schema: { type: 'string' }, description: 'A search term.' });
  }
  params.push(
    { name: 'limit', in: 'query', required: false, schema: { type: 'integer' }, description: 'Number of results to return per page.' },
    { name: 'offset', in: 'query', required: false, schema: { type: 'integer' }, description: 'The initial index from which to return the results.' },
  );
  return params;
}

function schemaName(resource: Resource): string {
  return resource.name ?? resource.modelName;
}

function requestBody(ref: string) {
  const schema = { $ref: `#/components/schemas/${ref}` };
  return {
    content: {
      'application/json': { schema },
      'application/x-www-form-urlencoded': { schema },
      'multipart/form-data': { schema },
    },
    required: true,
  };
}

/** The document under construction: paths (unsorted) and component schemas, in insertion order. */
interface DocBuilder {
  paths: Record<string, Record<string, unknown>>;
  schemas: Record<string, JsonSchema>;
  add(path: string, method: string, op: Record<string, unknown>): void;
}

function docBuilder(): DocBuilder {
  const paths: Record<string, Record<string, unknown>> = {};
  const security = [{ tokenAuth: [] }, { cookieAuth: [] }];
  return {
    paths,
    schemas: {},
    add(path, method, op) {
      paths[path] ??= {};
      paths[path][method] = { ...op, security };
    },
  };
}

const ok = (ref: string, status = '200') => ({
  [status]: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } }, description: '' },
});

/** The resource's component schemas: list and detail responses, request bodies, the list page. */
function addResourceSchemas(doc: DocBuilder, r: Resource, name: string): void {
  doc.schemas[`${name}List`] = r.responseSchema(r.listFields);
  doc.schemas[name] = r.responseSchema(r.detailFields);
  const reqSchema = r.requestSchema();
  doc.schemas[`${name}Request`] = reqSchema;
  doc.schemas[`Patched${name}Request`] = { ...reqSchema, required: undefined };
  if (r.actions.includes('list')) {
    doc.schemas[`Paginated${name}List`] = {
      type: 'object',
      properties: {
        count: { type: 'integer' },
        next: { type: 'string', nullable: true, format: 'uri' },
        previous: { type: 'string', nullable: true, format: 'uri' },
        results: { type: 'array', items: { $ref: `#/components/schemas/${name}List` } },
      },
    };
  }
}

/** The operations of a resource's collection (/x) and detail (/x/{lookup}) routes, by action. */
function addResourceOperations(doc: DocBuilder, r: Resource, name: string): void {
  const tags = [r.path];
  const collection = `/${r.path}`;
  const detail = `/${r.path}/{${r.lookupParam}}`;
  const parameters = [{ name: r.lookupParam, in: 'path', required: true, schema: { type: 'string' } }];
  const has = (action: Resource['actions'][number]) => r.actions.includes(action);
  if (has('list')) {
    const list = { operationId: `${r.path}_list`, description: r.description ?? '', parameters: listParameters(r), tags };
    doc.add(collection, 'get', { ...list, responses: ok(`Paginated${name}List`) });
  }
  if (has('create')) {
    const response = r.createResponse === 'list' ? `${name}List` : name;
    doc.add(collection, 'post', { operationId: `${r.path}_create`, tags, requestBody: requestBody(`${name}Request`), responses: ok(response, '201') });
  }
  if (has('read')) doc.add(detail, 'get', { operationId: `${r.path}_retrieve`, parameters, tags, responses: ok(name) });
  if (has('update')) {
    doc.add(detail, 'put', { operationId: `${r.path}_update`, parameters, tags, requestBody: requestBody(`${name}Request`), responses: ok(name) });
  }
  if (has('partial_update')) {
    const body = { ...requestBody(`Patched${name}Request`), required: false };
    doc.add(detail, 'patch', { operationId: `${r.path}_partial_update`, parameters, tags, requestBody: body, responses: ok(name) });
  }
  if (has('delete')) {
    const responses = { '204': { description: 'No response body' } };
    doc.add(detail, 'delete', { operationId: `${r.path}_destroy`, parameters, tags, responses });
  }
}

/** A custom route, documented from its Fastify `schema` (querystring, params, body or docBody). */
function addCustomRoute(doc: DocBuilder, route: CustomRouteDoc): void {
  const path = openapiPath(route.url);
  const method = route.method.toLowerCase();
  const s = route.schema;
  const op: Record<string, unknown> = {
    operationId: (s.operationId as string) ?? `${path.replace(/[^\w]+/g, '_').replace(/^_|_$/g, '')}_${method}`,
    tags: [firstSegment(route.url)],
    description: (s.description as string) ?? (s.summary as string) ?? '',
    responses: { '200': { description: '' } },
  };
  const params: Array<Record<string, unknown>> = [];
  const qs = s.querystring as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
  for (const [name, p] of Object.entries(qs?.properties ?? {})) {
    params.push({ name, in: 'query', required: qs?.required?.includes(name) ?? false, schema: p, ...(p.description ? { description: p.description } : {}) });
  }
  const pp = s.params as { properties?: Record<string, JsonSchema> } | undefined;
  for (const name of Object.keys(pp?.properties ?? {})) params.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  if (params.length) op.parameters = params;
  // `docBody` documents a body the handler validates itself (Fastify would validate `body`)
  const body = s.body ?? s.docBody;
  if (body) {
    const ref = `${String(op.operationId).replace(/(^|_)(\w)/g, (_m, _a, c: string) => c.toUpperCase())}Request`;
    doc.schemas[ref] = body as JsonSchema;
    op.requestBody = requestBody(ref);
  }
  doc.add(path, method, op);
}

export function buildOpenApi(resources: Resource[], custom: CustomRouteDoc[], serverUrl?: string): Record<string, unknown> {
  const doc = docBuilder();
  for (const r of resources) {
    const name = schemaName(r);
    addResourceSchemas(doc, r, name);
    addResourceOperations(doc, r, name);
  }
  for (const route of custom) addCustomRoute(doc, route);
  const { paths, schemas } = doc;

  // drf-spectacular sorts paths, so /x comes before /x/{...}; ONE takes the first match.
  const sorted: Record<string, unknown> = {};
  for (const p of Object.keys(paths).sort()) sorted[p] = paths[p];
  return {
    openapi: '3.0.3',
    info: { title: 'Alyx-local REST API', version: VERSION, description: 'Alyx-compatible REST API' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths: sorted,
    components: {
      schemas,
      securitySchemes: {
        tokenAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token-based authentication with required prefix "Token"' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'alyx_session' },
      },
    },
  };
}

/** The legacy coreapi document (`Accept: application/coreapi+json` on /docs/). */
export function buildCoreApi(openapi: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    _type: 'document',
    _meta: { url: `${baseUrl}/docs/`, title: 'Alyx REST API' },
  };
  const paths = openapi.paths as Record<string, Record<string, Record<string, unknown>>>;
  const schemas = (openapi.components as { schemas: Record<string, JsonSchema> }).schemas;
  const actionOf = (method: string, templated: boolean) =>
    ({ get: templated ? 'read' : 'list', post: 'create', put: 'update', patch: 'partial_update', delete: 'delete' })[method];
  for (const [path, ops] of Object.entries(paths)) {
    const endpoint = firstSegment(path);
    const templated = path.includes('{');
    for (const [method, op] of Object.entries(ops)) {
      const action = actionOf(method, templated);
      if (!action) continue;
      const fields: Array<Record<string, unknown>> = [];
      for (const p of (op.parameters as Array<Record<string, unknown>>) ?? []) {
        if (p.in === 'path') fields.unshift({ name: p.name, required: true, location: 'path', schema: { _type: 'string', title: '', description: '' } });
        else if (!['limit', 'offset', 'ordering', 'search'].includes(p.name as string)) {
          // (ordering and search are not in upstream's coreapi document: old clients see it unchanged)
          fields.push({ name: p.name, required: false, location: 'query', schema: { _type: 'string', title: '', description: (p.description as string) ?? '' } });
        }
      }
      const ref = ((op.requestBody as { content?: Record<string, { schema: { $ref?: string } }> })?.content?.['application/json']?.schema?.$ref ?? '').split('/').pop();
      if (ref && schemas[ref]) {
        const props = (schemas[ref].properties ?? {}) as Record<string, JsonSchema>;
        const required = (schemas[ref].required as string[]) ?? [];
        for (const [name, s] of Object.entries(props)) {
          const t = s.type === 'array' ? 'array' : s.type === 'integer' || s.type === 'number' ? 'number' : s.type === 'boolean' ? 'boolean' : 'string';
          fields.push({ name, required: required.includes(name), location: 'form', schema: { _type: t, title: name, description: (s.description as string) ?? '' } });
        }
      }
      const group = (doc[endpoint] ??= {}) as Record<string, unknown>;
      group[action] = {
        _type: 'link',
        url: path,
        action: method,
        ...(ref ? { encoding: 'application/json' } : {}),
        description: (op.description as string) ?? '',
        fields,
      };
    }
  }
  return doc;
}

/** Collects custom routes that carry a `schema`, for the API description. */
export function collectCustomRoutes(app: FastifyInstance, sink: CustomRouteDoc[]): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema || schema.hide) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      sink.push({ method, url: route.url, schema });
    }
  });
}
