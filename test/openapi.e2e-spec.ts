import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { METHODS } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './support/test-app.js';

const SEED_EXAMPLE = {
  migration_id: 'f1e2d3c4-b5a6-7890-4321-abcdef123456',
  tenant_schema_id: 'a1b2c3d4-e5f6-7890-1234-567890abcdef',
  tenant_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) as unknown,
  version_applied: 3,
  status: 'success',
  details: "Applied schema version 3. Created table 'payments'. Added column 'due_date' to 'invoices'.",
  applied_by: 'user:admin@example.com',
  created_at: '2024-03-15T10:28:00Z',
  updated_at: '2024-03-15T10:30:05Z',
};

type Operation = {
  tags?: string[];
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema?: { format?: string } }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};
type OpenApiDoc = {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, Record<string, unknown>> };
};

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Every (method, path) the app registered on Express, in OpenAPI's `{param}` form. */
function registeredRoutes(t: TestApp): { method: string; path: string }[] {
  const express = t.app.getHttpAdapter().getInstance() as { _router?: { stack: Layer[] }; router?: { stack: Layer[] } };
  const stack: Layer[] = express._router?.stack ?? express.router?.stack ?? [];
  return stack.flatMap((layer) => {
    if (!layer.route) return [];
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    // Nest mounts middleware such as the request logger's (forRoutes('*')) with app.all(): a route
    // layer for every method. Those are not endpoints; a controller route has one method per layer.
    if (layer.route.methods._all || METHODS.every((m) => layer.route!.methods[m.toLowerCase()])) return [];
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
    return paths.flatMap((path) => methods.map((method) => ({ method, path: path.replace(/:(\w+)/g, '{$1}') })));
  });
}

describe('OpenAPI', () => {
  let t: TestApp;
  let doc: OpenApiDoc;

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.headers['content-type']).toMatch(/json/);
    doc = res.body as OpenApiDoc;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the document without a token', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('BSS tenant schema migrations');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.info.description).toContain('/admin/queues');
  });

  it('serves the Swagger UI as HTML without a token', async () => {
    const res = await t.http().get('/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('describes every route the app registered', () => {
    // The operator pages (the board, the fleet page) are HTML for people, not API.
    const routes = registeredRoutes(t).filter(({ path }) => !path.startsWith('/docs') && !path.startsWith('/admin/'));
    // Sanity: the router stack was found and holds the API.
    expect(routes).toEqual(expect.arrayContaining([{ method: 'post', path: '/v1/tenant-schemas' }, { method: 'get', path: '/health' }]));
    const missing = routes.filter(({ method, path }) => !doc.paths[path]?.[method]).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/admin/'))).toEqual([]);
  });

  it('gives every /v1 operation a tag, a summary, the bearer scheme, 401 and 403 in the error shape', () => {
    const v1 = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThanOrEqual(12);
    for (const [path, ops] of v1) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, tags: op.tags?.length ?? 0, summary: Boolean(op.summary) }).toEqual({ where, tags: 1, summary: true });
        expect({ where, security: op.security }).toEqual({ where, security: [{ bearer: [] }] });
        for (const status of ['401', '403']) {
          expect({ where, status, ref: op.responses[status]?.content?.['application/json']?.schema?.$ref }).toEqual({
            where,
            status,
            ref: '#/components/schemas/Error',
          });
        }
        for (const param of op.parameters?.filter((p) => p.in === 'path') ?? []) {
          expect({ where, param: param.name, format: param.schema?.format }).toEqual({ where, param: param.name, format: 'uuid' });
        }
      }
    }
  });

  it('has the bearer security scheme and the error shape', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toMatchObject({
      required: expect.arrayContaining(['statusCode', 'error', 'message']) as unknown,
      properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: expect.any(Object) as unknown },
    });
  });

  it("gives the migration record schema the seed's example record, field by field too", () => {
    const schema = doc.components.schemas.MigrationRecord as { example: Record<string, unknown>; properties: Record<string, { example: unknown }>; required: string[] };
    expect(schema.example).toEqual(SEED_EXAMPLE);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(SEED_EXAMPLE).sort());
    expect([...schema.required].sort()).toEqual(Object.keys(SEED_EXAMPLE).sort());
    for (const [field, value] of Object.entries(schema.properties)) expect(value.example).toEqual(schema.example[field]);
  });

  it('documents bodies, query parameters and error responses where they apply', () => {
    const op = (method: string, path: string) => doc.paths[path][method];
    const queryNames = (o: Operation) => (o.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();

    expect(queryNames(op('get', '/v1/tenants/{tenant_id}/migrations'))).toEqual(['cursor', 'limit', 'status']);
    expect(queryNames(op('get', '/v1/tenant-schemas/{schema_id}/migrations'))).toEqual(['status']);
    expect(queryNames(op('post', '/v1/retention/purge'))).toEqual(['dry_run']);

    for (const [method, path] of [
      ['post', '/v1/tenant-schemas'],
      ['post', '/v1/migrations'],
      ['post', '/v1/migrations/bulk'],
      ['post', '/v1/migrations/{migration_id}/retry'],
    ]) {
      expect(op(method, path).requestBody).toBeDefined();
      expect(op(method, path).responses).toHaveProperty('413');
    }
    expect(Object.keys(op('post', '/v1/tenant-schemas').responses).sort()).toEqual(['201', '400', '401', '403', '409', '413']);
    expect(Object.keys(op('post', '/v1/migrations').responses).sort()).toEqual(['202', '400', '401', '403', '404', '409', '413']);
    expect(Object.keys(op('get', '/v1/migrations/{migration_id}').responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(op('get', '/v1/migrations/{migration_id}').responses['200'].content?.['application/json']?.schema?.$ref).toBe(
      '#/components/schemas/MigrationRecord',
    );
    expect(Object.keys(op('get', '/health').responses).sort()).toEqual(['200', '503']);
    // Public routes say so explicitly (redocly's security-defined rule).
    expect(op('get', '/health').security).toEqual([]);
    expect(op('get', '/metrics').security).toEqual([]);
  });

  it('passes `redocly lint` with its recommended rules, offline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bss-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const { code, output } = await redocly(['lint', file, '--extends=recommended', '--format=stylish']);
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('Your API description is valid') as unknown });
      // Warnings are advice (a license, a 4XX on /health and /metrics); errors fail the lint.
      expect(output).not.toMatch(/\berror\b/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The installed Redocly CLI, with telemetry, update checks and notices off, so it needs no network. */
function redocly(args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = join(process.cwd(), 'node_modules/@redocly/cli/bin/cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH, HOME: tmpdir(), NO_COLOR: '1', CI: 'true', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}
