// A field of the UI metadata as /api/ui-meta serves it, for tests of the web UI's pure logic.
export const field = (over: Record<string, unknown> = {}) => ({
  kind: 'column',
  schema: { type: 'string' },
  readOnly: false,
  writeOnly: false,
  required: false,
  nullable: false,
  many: false,
  help: null,
  ref: null,
  ...over,
});
