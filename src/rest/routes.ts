// Turns resource declarations into routes: /<path> (list, create) and /<path>/<lookup> (read,
// update, partial_update, delete). Methods a resource does not allow answer 405 as DRF does.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import { contextOf } from './context.ts';
import { methodNotAllowed } from './errors.ts';
import { envelope } from './pagination.ts';
import type { Resource } from './resource.ts';
import { baseUrlOf } from './context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the body came as form-urlencoded or multipart (HTML-form semantics apply) */
    isForm?: boolean;
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function queryOf(request: FastifyRequest): URLSearchParams {
  const url = request.raw.url ?? '';
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  params.delete('format'); // reserved for DRF's format override, never a filter
  return params;
}

export function absoluteUrl(request: FastifyRequest): string {
  return `${baseUrlOf(request)}${request.raw.url ?? request.url}`;
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  // an empty body parses to {}; a JSON `null` stays null and is refused as DRF does
  if (b === undefined) return {};
  return b as Record<string, unknown>;
}

function allowHeader(resource: Resource, detail: boolean): string {
  const a = resource.actions;
  const m = detail
    ? [a.includes('read') && 'GET', a.includes('update') && 'PUT', a.includes('partial_update') && 'PATCH', a.includes('delete') && 'DELETE']
    : [a.includes('list') && 'GET', a.includes('create') && 'POST'];
  return [...m.filter(Boolean), 'HEAD', 'OPTIONS'].join(', ');
}

export function registerResource(app: FastifyInstance, resource: Resource, services: Services): void {
  const collection = `/${resource.path}`;
  const detail = `/${resource.path}/:lookup`;
  const has = (action: Resource['actions'][number]) => resource.actions.includes(action);

  const options = (request: FastifyRequest, reply: FastifyReply, isDetail: boolean) => {
    reply.header('allow', allowHeader(resource, isDetail));
    return {
      name: resource.modelName,
      description: resource.description ?? '',
      renders: ['application/json'],
      parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
    };
  };

  const hasCollection = has('list') || has('create');
  const hasDetail = has('read') || has('update') || has('partial_update') || has('delete');

  if (hasCollection) app.route({
    method: [...METHODS],
    url: collection,
    handler: async (request, reply) => {
      const ctx = contextOf(request, services);
      // HEAD is answered as GET (Fastify's HEAD sibling route drops the body), as DRF does
      if ((request.method === 'GET' || request.method === 'HEAD') && has('list')) {
        const page = await resource.list(ctx, queryOf(request));
        return envelope(page, absoluteUrl(request));
      }
      if (request.method === 'POST' && has('create') && resource.createMany && Array.isArray(request.body)) {
        const created = await resource.createMany(ctx, request.body, request.isForm ?? false);
        return reply.code(201).send(created);
      }
      if (request.method === 'POST' && has('create')) {
        const created = await resource.create(ctx, bodyOf(request), request.isForm ?? false);
        return reply.code(201).send(created);
      }
      if (request.method === 'OPTIONS') return options(request, reply, false);
      throw methodNotAllowed(request.method);
    },
  });

  if (hasDetail) app.route({
    method: [...METHODS],
    url: detail,
    handler: async (request, reply) => {
      const ctx = contextOf(request, services);
      const lookup = (request.params as { lookup: string }).lookup;
      switch (request.method) {
        case 'HEAD':
        case 'GET':
          if (has('read')) return resource.retrieve(ctx, lookup);
          break;
        case 'PUT':
          if (has('update')) return resource.update(ctx, lookup, bodyOf(request), false, request.isForm ?? false);
          break;
        case 'PATCH':
          if (has('partial_update')) return resource.update(ctx, lookup, bodyOf(request), true, request.isForm ?? false);
          break;
        case 'DELETE':
          if (has('delete')) {
            await resource.destroy(ctx, lookup);
            return reply.code(204).send();
          }
          break;
        case 'OPTIONS':
          return options(request, reply, true);
      }
      throw methodNotAllowed(request.method);
    },
  });
}
