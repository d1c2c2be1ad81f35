// The generic item-by-item bulk create of the resource machinery (bulkCreate: true), on the
// imaging-type table: one transaction, per-item errors, nothing written when an item fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { defineResource } from '../../src/rest/resource.ts';
import { column } from '../../src/rest/fields.ts';
import { BulkValidationError } from '../../src/rest/errors.ts';
import type { RequestContext } from '../../src/rest/context.ts';
import { imagingTypes } from '../../src/apps/experiments/tables.ts';

let t: TestApp;
let ctx: RequestContext;
beforeAll(async () => {
  t = await startTestApp();
  // a superuser asks, as through the REST endpoint (writes need a user who may write)
  const user = { id: t.adminId, username: 'admin', is_superuser: true, is_staff: true, is_active: true, is_public_user: false, is_stock_manager: false };
  ctx = { db: t.services.db, user, baseUrl: 'http://test', config: t.config, services: t.services };
});
afterAll(async () => {
  await t?.close();
});

const resource = defineResource({
  path: 'imaging-types-test',
  table: imagingTypes,
  bulkCreate: true,
  fields: { id: column(imagingTypes.id, { readOnly: true }), name: column(imagingTypes.name, { required: true, allowBlank: false }) },
  unique: { name: 'imaging type with this name already exists.' },
});

describe('bulkCreate: true', () => {
  it('creates every item in order', async () => {
    const out = await resource.createMany!(ctx, [{ name: '2P' }, { name: 'widefield' }], false);
    expect(out.map((r) => r.name)).toEqual(['2P', 'widefield']);
  });

  it('reports errors per item and writes nothing', async () => {
    const err = await resource.createMany!(ctx, [{ name: 'lightsheet' }, { name: '' }, [], { name: '2P' }, { name: 'lightsheet' }], false).catch((e) => e);
    expect(err).toBeInstanceOf(BulkValidationError);
    expect((err as BulkValidationError).items).toEqual([
      {},
      { name: ['This field may not be blank.'] },
      { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] },
      { name: ['imaging type with this name already exists.'] },
      { name: ['imaging type with this name already exists.'] },
    ]);
    const rows = await t.services.db.select().from(imagingTypes);
    expect(rows.map((r) => r.name).sort()).toEqual(['2P', 'mesoscope', 'widefield']);
  });
});
