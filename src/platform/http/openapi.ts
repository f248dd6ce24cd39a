// The OpenAPI document, generated from the same route definitions that the router mounts, so
// the document cannot drift from what is served.
import { z } from 'zod';
import { CLIENT_ROLES } from './context.ts';
import { ERROR_STATUS } from './errors.ts';
import type { RouteDef } from './route.ts';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

export function buildOpenApi(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const roles = r.roles === 'public' ? [] : r.roles;
    const machine = roles.some((role) => (CLIENT_ROLES as readonly string[]).includes(role));
    const people = roles.some((role) => !(CLIENT_ROLES as readonly string[]).includes(role));
    const security = [...(people ? [{ bearer: [] }] : []), ...(machine ? [{ hmac: [] }] : [])];
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      'x-roles': r.roles,
      security,
      parameters: [
        ...parameters(r.params, 'path'),
        ...parameters(r.query, 'query'),
        ...((machine || r.moneyMoving) && r.method === 'post' && r.idempotent !== false
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: true,
                schema: { type: 'string' },
                description: r.moneyMoving
                  ? 'required from everyone: this POST moves money'
                  : 'required from machine clients',
              },
            ]
          : []),
      ],
      responses: {
        [String(r.status ?? 200)]: r.response
          ? { description: 'success', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } }
          : { description: 'success' },
        default: {
          description: 'error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ETC customer-service centre back office',
      version,
      description: 'Clerk, supervisor, finance, bank, lane and province interfaces. Amounts are integer fen.',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'session token from POST /api/v1/sessions' },
        hmac: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Signature',
          description:
            'X-Client-Id, X-Timestamp (unix ms), X-Signature = hex HMAC-SHA256(secret, METHOD\\nPATH_WITH_QUERY\\nX-Timestamp\\nhex(SHA256(body)))',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
                message: { type: 'string' },
                field: { type: 'string' },
              },
            },
          },
        },
      },
    },
  };
}
