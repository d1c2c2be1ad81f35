import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/client.ts';
import type { Services } from '../services.ts';
import type { SlugMemo } from './fields.ts';

export interface AuthUser {
  id: string;
  username: string;
  is_superuser: boolean;
  is_staff: boolean;
  is_active: boolean;
  is_public_user: boolean;
  is_stock_manager: boolean;
}

/** Everything a field, filter or hook needs to know about the request it serves. */
export interface RequestContext {
  /** the database, or the open transaction during writes */
  db: Queryable;
  user: AuthUser | null;
  /** scheme://host of the request (honours X-Forwarded-Proto/Host), for absolute URLs */
  baseUrl: string;
  config: Config;
  services: Services;
  request?: FastifyRequest;
  /** natural keys this request resolved, for the answer of its write (fields.ts) */
  slugs?: SlugMemo;
}

export function baseUrlOf(request: FastifyRequest): string {
  const fwdProto = request.headers['x-forwarded-proto'];
  const fwdHost = request.headers['x-forwarded-host'];
  const proto = (Array.isArray(fwdProto) ? fwdProto[0] : fwdProto)?.split(',')[0].trim() || request.protocol || 'http';
  const host =
    (Array.isArray(fwdHost) ? fwdHost[0] : fwdHost)?.split(',')[0].trim() || request.headers.host || 'localhost';
  return `${proto}://${host}`;
}

export function contextOf(request: FastifyRequest, services: Services): RequestContext {
  return {
    db: services.db,
    user: (request as FastifyRequest & { user?: AuthUser | null }).user ?? null,
    baseUrl: baseUrlOf(request),
    config: services.config,
    services,
    request,
  };
}
