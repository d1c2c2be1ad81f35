import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers.ts';
import { todayInZone } from '../../src/rest/values.ts';
import { imageExtension, notePath, safeBaseName } from '../../src/apps/misc/notes.ts';

// a 1x1 transparent PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function multipart(fields: Record<string, string>, file?: { name: string; filename: string; type: string; data: Buffer }) {
  const boundary = '----alyxtestboundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
    );
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

let t: TestApp;
let subjectId: string;
beforeAll(async () => {
  t = await startTestApp();
  const r = await t.post('/subjects', { nickname: 'note_subject', lab: 'cortexlab' });
  expect(r.status).toBe(201);
  subjectId = r.body.id;
});
afterAll(async () => {
  await t?.close();
});

describe('note helpers', () => {
  it('recognises images, sanitises names and builds dated paths', () => {
    expect(imageExtension(PNG)).toBe('.png');
    expect(imageExtension(Buffer.from('hello'))).toBeNull();
    expect(safeBaseName('../../etc/my file?.png')).toBe('my_file.png');
    expect(safeBaseName('C:\\x\\y.jpg')).toBe('y.jpg');
    expect(notePath('img.png', 'abc', '2024-03-12', '.png')).toBe('2024/03/12/img.abc.png');
    expect(notePath('..', 'abc', '2024-03-12', '.png')).toBe('2024/03/12/image.abc.png');
    expect(notePath('noext', 'abc', '2024-03-12', '.jpg')).toBe('2024/03/12/noext.abc.jpg');
  });
});

describe('/notes', () => {
  it('creates a text note with content type given as model name', async () => {
    const r = await t.post('/notes', { user: 'test_admin', content_type: 'subject', object_id: subjectId, text: 'gnagnagna' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['id', 'user', 'date_time', 'content_type', 'object_id', 'text', 'image', 'json']);
    expect(r.body).toMatchObject({
      user: 'test_admin',
      content_type: 'subjects.subject',
      object_id: subjectId,
      text: 'gnagnagna',
      image: null,
      json: null,
    });
    expect(r.body.date_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const got = await t.get(`/notes/${r.body.id}`);
    expect(got.body).toEqual(r.body);
  });

  it('refuses unknown content types, missing objects and missing fields with 400s', async () => {
    let r = await t.post('/notes', { user: 'test_admin', content_type: 'nothing', object_id: subjectId });
    expect(r.status).toBe(400);
    expect(r.body.content_type[0]).toMatch(/is not a known content type/);
    r = await t.post('/notes', { user: 'test_admin', content_type: 'misc.lab', object_id: subjectId });
    expect(r.status).toBe(400);
    r = await t.post('/notes', { user: 'test_admin', content_type: 'subjects.subject', object_id: '00000000-0000-4000-8000-000000000000' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      object_id: ['Object with id=00000000-0000-4000-8000-000000000000 does not exist in subjects.subject.'],
      status_code: 400,
    });
    r = await t.post('/notes', { object_id: 'nope' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      user: ['This field is required.'],
      content_type: ['This field is required.'],
      object_id: ['Must be a valid UUID.'],
      status_code: 400,
    });
    r = await t.post('/notes', { user: 'test_admin', content_type: 'subject', object_id: subjectId, image: 'http://x/y.png' });
    expect(r.status).toBe(400);
    expect(r.body.image).toEqual(['The submitted data was not a file. Check the encoding type on the form.']);
  });

  it('uploads an image over multipart and serves it at /uploaded/<path>', async () => {
    const { payload, headers } = multipart(
      { user: 'test_admin', content_type: 'subject', object_id: subjectId, text: 'with image', width: 'orig' },
      { name: 'image', filename: 'img.png', type: 'image/png', data: PNG },
    );
    const r = await t.request('POST', '/notes', payload, { headers });
    expect(r.status).toBe(201);
    const day = todayInZone(t.config.timeZone).replace(/-/g, '/');
    expect(r.body.image).toBe(`http://localhost:80/uploaded/${day}/img.${subjectId}.png`);
    const stored = path.join(t.config.mediaDir, day, `img.${subjectId}.png`);
    expect(fs.readFileSync(stored)).toEqual(PNG);
    const file = await t.get(`/uploaded/${day}/img.${subjectId}.png`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(Buffer.from(file.text, 'latin1').length).toBeGreaterThan(0);
    expect((await t.get(`/uploaded/${day}/img.${subjectId}.png`, { token: null })).status).toBe(403);

    // a second upload with the same name does not overwrite the first
    const again = await t.request('POST', '/notes', payload, { headers });
    expect(again.status).toBe(201);
    expect(again.body.image).not.toBe(r.body.image);
    expect(again.body.image).toMatch(new RegExp(`/img\\.${subjectId}_[0-9a-f]{7}\\.png$`));
  });

  it('resizes PNGs to 800 px wide by default, to `width`, or keeps them with width=orig', async () => {
    const { decodePng } = await import('./png-decode.ts');
    const zlib = await import('node:zlib');
    // a 1000x20 RGB PNG built by hand
    const w = 1000, h = 20;
    const raw = Buffer.alloc((w * 3 + 1) * h, 90);
    for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length, 0);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
      return Buffer.concat([head, data, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const big = Buffer.concat([PNG.subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
    const upload = async (width?: string) => {
      const fields: Record<string, string> = { user: 'test_admin', content_type: 'subject', object_id: subjectId };
      if (width !== undefined) fields.width = width;
      const { payload, headers } = multipart(fields, { name: 'image', filename: 'big.png', type: 'image/png', data: big });
      return t.request('POST', '/notes', payload, { headers });
    };
    const stored = (url: string) => fs.readFileSync(path.join(t.config.mediaDir, url.replace(/^.*\/uploaded\//, '')));
    let r = await upload();
    expect(r.status).toBe(201);
    let img = decodePng(stored(r.body.image))!;
    expect([img.width, img.height]).toEqual([800, 16]);
    expect(img.pixels[0]).toBe(90);
    r = await upload('100');
    img = decodePng(stored(r.body.image))!;
    expect([img.width, img.height]).toEqual([100, 2]);
    r = await upload('orig');
    expect(stored(r.body.image)).toEqual(big);
    const before = (await t.get('/notes')).body.count;
    r = await upload('wide');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ width: ['Enter "orig" or a positive whole number of pixels.'], status_code: 400 });
    expect((await t.get('/notes')).body.count).toBe(before);
    for (const n of (await t.get('/notes?django=image__icontains,big')).body.results) expect((await t.del(`/notes/${n.id}`)).status).toBe(204);
  });

  it('refuses a file that is not an image', async () => {
    const { payload, headers } = multipart(
      { user: 'test_admin', content_type: 'subject', object_id: subjectId },
      { name: 'image', filename: 'x.png', type: 'image/png', data: Buffer.from('not an image at all') },
    );
    const r = await t.request('POST', '/notes', payload, { headers });
    expect(r.status).toBe(400);
    expect(r.body.image).toEqual(['Upload a valid image. The file you uploaded was either not an image or a corrupted image.']);
  });

  it('404s unknown or escaping /uploaded paths', async () => {
    expect((await t.get('/uploaded/nothing/here.png')).status).toBe(404);
    expect((await t.get('/uploaded/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await t.get('/uploaded/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });

  it('patches, filters with django, deletes; 404s bad ids', async () => {
    const list = await t.get('/notes');
    expect(list.body.count).toBe(3);
    const id = list.body.results[0].id;
    let r = await t.patch(`/notes/${id}`, { text: 'changed', json: { k: 1 } });
    expect(r.status).toBe(200);
    expect(r.body.text).toBe('changed');
    r = await t.get('/notes?django=text__icontains,CHANGED');
    expect(r.body.count).toBe(1);
    r = await t.get("/notes?django=text,x' or 1=1 --");
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(0);
    expect((await t.get('/notes/not-a-uuid')).status).toBe(404);
    expect((await t.get('/notes/00000000-0000-4000-8000-000000000000')).body).toEqual({
      detail: 'No Note matches the given query.',
      status_code: 404,
    });
    expect((await t.del(`/notes/${id}`)).status).toBe(204);
    expect((await t.get('/notes')).body.count).toBe(2);
  });
});

describe('seeds', () => {
  it('are idempotent', async () => {
    const { apps } = await import('../../src/apps/index.ts');
    for (const a of apps) if (a.name === 'subjects') await a.seed!(t.services);
    for (const a of apps) if (a.name === 'subjects') await a.seed!(t.services);
    expect((await t.get('/cage-types')).body.count).toBe(4);
    expect((await t.get('/enrichments')).body.count).toBe(5);
    expect((await t.get('/sources')).body.count).toBe(4);
    expect((await t.get('/species')).body.count).toBe(1);
  });
});

describe('misc reference resources', () => {
  it('has the seeded housing reference data', async () => {
    let r = await t.get('/cage-types');
    expect(r.body.results.map((x: { name: string }) => x.name)).toEqual(['Allentown', 'GM500', 'IVC', 'Micro-Isolator']);
    r = await t.get('/enrichments?name=wheel');
    expect(r.body.results).toEqual([{ id: '535c8de9-feb0-44b8-871e-2a4e0866d3c5', name: 'Wheel', description: '', json: null }]);
    r = await t.get('/food');
    expect(r.body.count).toBe(4);
    r = await t.get('/sources');
    expect(r.body.results.map((x: { name: string }) => x.name)).toEqual(['Allen Institute', 'Charles River', 'Cruciform BSU', 'Jax']);
    r = await t.get('/species');
    expect(r.body.results).toEqual([
      { id: '60f915ba-bdf4-444a-ada0-be7ebd3c1826', name: 'Mus musculus', nickname: 'Laboratory mouse', json: null },
    ]);
  });

  it('refuses duplicate enrichment names', async () => {
    const r = await t.post('/enrichments', { name: 'Wheel' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ name: ['enrichment with this name already exists.'], status_code: 400 });
  });

  it('manages lab memberships', async () => {
    await t.createUser('member');
    let r = await t.post('/lab-memberships', { user: 'member', lab: 'cortexlab', role: 'PhD' });
    expect(r.status).toBe(201);
    expect(r.body.start_date).toBe(todayInZone(t.config.timeZone));
    expect((await t.get('/users/member')).body.lab).toEqual(['cortexlab']);
    r = await t.get('/lab-memberships?user=member&active=true');
    expect(r.body.count).toBe(1);
    r = await t.patch(`/lab-memberships/${r.body.results[0].id}`, { end_date: '2000-01-01' });
    expect(r.status).toBe(400);
    expect(r.body.end_date).toEqual(['The end date must not precede the start date.']);
    r = await t.post('/lab-memberships', { user: 'ghost', lab: 'cortexlab' });
    expect(r.body.user).toEqual(['Object with username=ghost does not exist.']);
  });

  it('manages housings with their current subjects', async () => {
    let r = await t.post('/housings', { cage_name: 'C1', cage_type: 'IVC', food: 'Envigo 2018', light_cycle: 1 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ cage_name: 'C1', cage_type: 'IVC', enrichment: null, food: 'Envigo 2018', light_cycle: 1, subjects: [] });
    const { housingSubjects } = await import('../../src/apps/subjects/tables.ts');
    await t.services.db.insert(housingSubjects).values({ housing: r.body.id, subject: subjectId, start_datetime: '2024-01-01 00:00:00' });
    r = await t.get(`/housings/${r.body.id}`);
    expect(r.body.subjects).toEqual(['note_subject']);
    r = await t.get('/subjects?django=housings__cage_name,C1');
    expect(r.body.count).toBe(1);
    const c2 = await t.post('/housings', { cage_name: 'C2' });
    r = await t.post('/housing-subjects', { subject: 'note_subject', housing: c2.body.id, start_datetime: '2024-02-01T08:00:00' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ subject: 'note_subject', housing: c2.body.id, start_datetime: '2024-02-01T08:00:00', end_datetime: null });
    r = await t.get('/housing-subjects?subject=note_subject');
    expect(r.body.results.map((l: { start_datetime: string; end_datetime: string | null }) => [l.start_datetime, l.end_datetime])).toEqual([
      ['2024-01-01T00:00:00', '2024-02-01T08:00:00'],
      ['2024-02-01T08:00:00', null],
    ]);
    expect((await t.get('/housing-subjects?subject=note_subject&current=true')).body.count).toBe(1);
    r = await t.post('/housing-subjects', { subject: 'note_subject', housing: c2.body.id, start_datetime: '2024-03-01T00:00:00', end_datetime: '2024-02-01T00:00:00' });
    expect(r.status).toBe(400);
    expect(r.body.end_datetime).toEqual(['The end must not precede the start.']);
    r = await t.post('/housing-subjects', { subject: 'note_subject', housing: 'not-a-uuid', start_datetime: 'yesterday' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      housing: ['“not-a-uuid” is not a valid UUID.'],
      start_datetime: ['Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'],
      status_code: 400,
    });
    // changing the conditions of an inhabited housing keeps the old conditions in a copy (4.13)
    r = await t.patch(`/housings/${c2.body.id}`, { food: 'Envigo 2914', name: 'renamed' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: c2.body.id, cage_name: 'C2', food: 'Envigo 2914', name: 'renamed', subjects: ['note_subject'] });
    const all = (await t.get('/housings?name=C2')).body.results;
    expect(all).toHaveLength(2);
    const old = all.find((h: { id: string }) => h.id !== c2.body.id);
    expect(old).toMatchObject({ cage_name: 'C2', food: null, name: '', subjects: [] });
    const links = (await t.get('/housing-subjects?subject=note_subject')).body.results;
    expect(links.map((l: { housing: string; end_datetime: string | null }) => [l.housing, l.end_datetime === null])).toEqual([
      [(await t.get('/housings?name=C1')).body.results[0].id, false],
      [old.id, false],
      [c2.body.id, true],
    ]);
    // a name change alone is in place
    r = await t.patch(`/housings/${c2.body.id}`, { name: 'again' });
    expect((await t.get('/housings?name=C2')).body.count).toBe(2);
    r = await t.post('/housings', { cage_name: 'C2', light_cycle: 5 });
    expect(r.status).toBe(400);
    expect(r.body.light_cycle).toEqual(['"5" is not a valid choice.']);
  });
});
