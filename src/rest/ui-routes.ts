// GET /api/me: who the web UI is talking to, whether upstream's admin rule lets them in, and what
// they may change (src/rest/ui-permissions.ts).
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';
import { contextOf } from './context.ts';
import { requireUser } from './permissions.ts';
import type { Resource } from './resource.ts';
import { uiLogin, uiRights } from './ui-permissions.ts';

export function registerUiRoutes(app: FastifyInstance, services: Services, resources: Resource[]): void {
  app.get('/api/me', async (request, reply) => {
    const user = requireUser(contextOf(request, services).user);
    const login = uiLogin(user);
    reply.header('cache-control', 'private, no-store');
    return {
      id: user.id,
      username: user.username,
      is_active: user.is_active,
      is_staff: user.is_staff,
      is_superuser: user.is_superuser,
      is_public_user: user.is_public_user,
      is_stock_manager: user.is_stock_manager,
      ui_allowed: login.allowed,
      ...(login.reason ? { reason: login.reason } : {}),
      permissions: uiRights(user, resources),
    };
  });
}
