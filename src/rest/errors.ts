// DRF-shaped errors: every error body is an object with either `detail` or field lists, plus
// `status_code`. Handlers throw ApiError; the server's error handler renders it.

export type FieldErrors = Record<string, string[] | Record<string, unknown>>;

export class ApiError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly body: Record<string, unknown>,
  ) {
    super(typeof body.detail === 'string' ? body.detail : JSON.stringify(body));
  }
}

export const detailError = (status: number, detail: string) => new ApiError(status, { detail });

export const notFound = (modelName = '') =>
  new ApiError(404, { detail: modelName ? `No ${modelName} matches the given query.` : 'Not found.' });

export const permissionDenied = (detail = 'You do not have permission to perform this action.') =>
  new ApiError(403, { detail });

export const notAuthenticated = () => new ApiError(403, { detail: 'Authentication credentials were not provided.' });

export const methodNotAllowed = (method: string) => new ApiError(405, { detail: `Method "${method}" not allowed.` });

/** 400 with field errors: { field: ["message"] } or { non_field_errors: [...] } */
export const validationError = (errors: FieldErrors) => new ApiError(400, errors);

export const fieldError = (field: string, message: string) => validationError({ [field]: [message] });

export const nonFieldError = (message: string) => validationError({ non_field_errors: [message] });

export const badRequest = (detail: string) => new ApiError(400, { detail });

/** Thrown by field parsers; the resource layer collects them per field. */
export class FieldValidationError extends Error {
  constructor(public readonly messages: string[] | Record<string, unknown>) {
    super(Array.isArray(messages) ? messages.join(' ') : JSON.stringify(messages));
  }
}

export const invalid = (message: string) => new FieldValidationError([message]);

/**
 * 400 for a list body (bulk create): one error object per item, `{}` for valid items, as DRF's
 * ListSerializer reports them. The body is the list itself (no room for `status_code`).
 */
export class BulkValidationError extends ApiError {
  constructor(public readonly items: Array<Record<string, unknown>>) {
    super(400, { detail: 'Invalid items in the list.' });
  }
}

export function errorBody(err: ApiError): Record<string, unknown> | Array<Record<string, unknown>> {
  if (err instanceof BulkValidationError) return err.items;
  return { ...err.body, status_code: err.statusCode };
}

interface PgLikeError {
  code?: string;
  detail?: string;
  message?: string;
  constraint?: string;
}

/**
 * Database errors that bad input can cause become 4xx instead of upstream's 500s:
 * unique / foreign-key / not-null violations and malformed values (class 22).
 */
export function fromDatabaseError(e: unknown): ApiError | null {
  const err = (e as { cause?: PgLikeError })?.cause ?? (e as PgLikeError);
  const code = err?.code;
  if (typeof code !== 'string' || code.length !== 5) return null;
  // PostgreSQL's statement_timeout (or a cancelled query): the request was too heavy, not broken
  if (code === '57014') {
    return new ApiError(503, { detail: 'The request took longer than the server allows (statement timeout). Narrow the query or use smaller pages.' });
  }
  // the driver's own message names the SQL and its parameters: never passed on
  const safe = (text: string | undefined) => (text && !/Failed query|params:/i.test(text) ? text : undefined);
  const detail = safe(err.detail) || safe(err.message) || 'database error';
  if (code === '23505') return new ApiError(400, { non_field_errors: [`This value already exists: ${detail}`] });
  if (code === '23503') return new ApiError(400, { non_field_errors: [`Related object does not exist or is still referenced: ${detail}`] });
  if (code === '23502') return new ApiError(400, { non_field_errors: [`A required value is missing: ${detail}`] });
  if (code === '23514') return new ApiError(400, { non_field_errors: [`A value breaks a constraint: ${detail}`] });
  if (code === '2201B' || code === '42883') return new ApiError(400, { detail: `Invalid filter: ${safe(err.message) ?? detail}` });
  if (code.startsWith('22')) return new ApiError(400, { detail: `Invalid value: ${safe(err.message) ?? detail}` });
  return null;
}
