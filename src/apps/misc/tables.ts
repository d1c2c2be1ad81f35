// misc app tables: lab members (the user model), tokens, labs, memberships, locations, notes and
// the housing reference tables. Table and column names follow upstream Alyx so that SQL written
// for an upstream database, and imports of its dumps, keep working. TS keys are Django field names.
import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { joinTable } from '../../db/join-table.ts';
import { model } from '../../db/models.ts';

export const users = pgTable(
  'misc_labmember',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    password: varchar('password', { length: 128 }).notNull().default(''),
    last_login: timestamp('last_login', { mode: 'string' }),
    is_superuser: boolean('is_superuser').notNull().default(false),
    username: varchar('username', { length: 150 }).notNull().unique(),
    first_name: varchar('first_name', { length: 150 }).notNull().default(''),
    last_name: varchar('last_name', { length: 150 }).notNull().default(''),
    email: varchar('email', { length: 254 }).notNull().default(''),
    is_staff: boolean('is_staff').notNull().default(false),
    is_active: boolean('is_active').notNull().default(true),
    date_joined: timestamp('date_joined', { mode: 'string' }).notNull().defaultNow(),
    is_stock_manager: boolean('is_stock_manager').notNull().default(false),
    is_public_user: boolean('is_public_user').notNull().default(false),
  },
);

/** Delegation: `from` may act for... upstream's non-symmetrical allowed_users. */
export const userAllowedUsers = joinTable(
  'misc_labmember_allowed_users',
  ['from_labmember', 'from_labmember_id', () => users.id],
  ['to_labmember', 'to_labmember_id', () => users.id],
);

/**
 * API tokens. `key` is the token's keyed digest (src/rest/secrets.ts), `encrypted` the token sealed
 * with the key outside the database; a row with `encrypted` null holds a plain key (an upstream
 * import or an older database) and is sealed at start-up.
 */
export const authTokens = pgTable('authtoken_token', {
  key: varchar('key', { length: 40 }).primaryKey(),
  encrypted: text('encrypted'),
  user: uuid('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  created: timestamp('created', { mode: 'string' }).notNull().defaultNow(),
});

/** Browser sessions of the web UI (cookie `alyx_session`); `key` is the SHA-256 of the cookie value. */
export const webSessions = pgTable(
  'alyx_websession',
  {
    key: varchar('key', { length: 64 }).primaryKey(),
    user: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    created: timestamp('created', { mode: 'string' }).notNull().defaultNow(),
    expires: timestamp('expires', { mode: 'string' }).notNull(),
  },
  (t) => [index().on(t.user)],
);

export const cageTypes = pgTable('misc_cagetype', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().default(''),
  json: jsonb('json'),
  description: varchar('description', { length: 1023 }).notNull().default(''),
});

export const enrichments = pgTable('misc_enrichment', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
  description: varchar('description', { length: 1023 }).notNull().default(''),
});

export const foods = pgTable('misc_food', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
  description: varchar('description', { length: 1023 }).notNull().default(''),
});

export const labs = pgTable('misc_lab', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
  institution: varchar('institution', { length: 255 }).notNull().default(''),
  address: varchar('address', { length: 255 }).notNull().default(''),
  timezone: varchar('timezone', { length: 64 }).notNull().default(''),
  reference_weight_pct: doublePrecision('reference_weight_pct').notNull().default(0),
  zscore_weight_pct: doublePrecision('zscore_weight_pct').notNull().default(0),
  cage_type: uuid('cage_type_id').references(() => cageTypes.id, { onDelete: 'set null' }),
  enrichment: uuid('enrichment_id').references(() => enrichments.id, { onDelete: 'set null' }),
  food: uuid('food_id').references(() => foods.id, { onDelete: 'set null' }),
  cage_cleaning_frequency_days: integer('cage_cleaning_frequency_days'),
  light_cycle: integer('light_cycle'),
});

export const labMemberships = pgTable(
  'misc_labmembership',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    user: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lab: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    role: varchar('role', { length: 255 }).notNull().default(''),
    start_date: date('start_date', { mode: 'string' }),
    end_date: date('end_date', { mode: 'string' }),
  },
  (t) => [index().on(t.user), index().on(t.lab)],
);

export const labLocations = pgTable(
  'misc_lablocation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull(),
    json: jsonb('json'),
    lab: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
  },
  (t) => [index().on(t.name), index().on(t.lab)],
);

/**
 * Notes attach to any object through (content_type, object_id), a generic relation as upstream.
 * content_type holds the "<app>.<model>" label rather than a django_content_type id.
 */
export const notes = pgTable(
  'misc_note',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    user: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    date_time: timestamp('date_time', { mode: 'string' }).notNull().defaultNow(),
    text: text('text').notNull().default(''),
    image: varchar('image', { length: 255 }),
    content_type: varchar('content_type', { length: 100 }).notNull(),
    object_id: uuid('object_id').notNull(),
  },
  (t) => [index().on(t.object_id), index().on(t.content_type)],
);

export const housings = pgTable('misc_housing', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().default(''),
  json: jsonb('json'),
  cage_name: varchar('cage_name', { length: 64 }).notNull(),
  cage_type: uuid('cage_type_id').references(() => cageTypes.id, { onDelete: 'set null' }),
  enrichment: uuid('enrichment_id').references(() => enrichments.id, { onDelete: 'set null' }),
  food: uuid('food_id').references(() => foods.id, { onDelete: 'set null' }),
  cage_cleaning_frequency_days: integer('cage_cleaning_frequency_days'),
  light_cycle: integer('light_cycle'),
});

model(users, {
  name: 'LabMember',
  app: 'misc',
  m2m: {
    allowed_users: {
      through: userAllowedUsers,
      from: userAllowedUsers.from_labmember,
      to: userAllowedUsers.to_labmember,
      target: users,
      reverseName: 'allowed_by',
    },
  },
});
model(authTokens, { name: 'Token', app: 'authtoken', secret: ['key', 'encrypted'] });
model(webSessions, { name: 'WebSession', app: 'alyx', secret: ['key'] });
model(cageTypes, { name: 'CageType', app: 'misc' });
model(enrichments, { name: 'Enrichment', app: 'misc' });
model(foods, { name: 'Food', app: 'misc' });
model(labs, { name: 'Lab', app: 'misc' });
model(labMemberships, { name: 'LabMembership', app: 'misc', relatedNames: { user: 'labmembership_set', lab: 'labmembership_set' } });
model(labLocations, { name: 'LabLocation', app: 'misc', relatedNames: { lab: 'lablocation_set' } });
model(notes, { name: 'Note', app: 'misc', relatedNames: { user: 'note_set' } });
model(housings, { name: 'Housing', app: 'misc' });
