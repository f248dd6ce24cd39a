// The OpenAPI document, generated from the same route definitions that the router mounts, so
// the document cannot drift from what is served.
import { z } from 'zod';
import { isMachineRole } from './context.ts';
import { registeredErrorCodes } from './errors.ts';
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

// every route declares its success answer (RouteSuccess): a JSON schema, a content type, or none
function successResponse(r: RouteDef): Record<string, unknown> {
  if (r.response)
    return { description: 'success', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } };
  if (r.produces) {
    const types: readonly string[] = typeof r.produces === 'string' ? [r.produces] : r.produces;
    return {
      description: 'success',
      content: Object.fromEntries(
        types.map((t) => [t, { schema: { type: 'string', ...(textual(t) ? {} : { format: 'binary' }) } }]),
      ),
    };
  }
  return { description: 'success, no content' };
}

const textual = (contentType: string) => /^text\/|^application\/(json|x-ndjson|x-pem-file)/.test(contentType);

// the document's own shape, declared like every other answer (its paths are open-ended)
export const openApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.strictObject({ title: z.string(), version: z.string(), description: z.string() }),
  paths: z.record(
    z.string(),
    z.record(z.string(), z.looseObject({ summary: z.string(), responses: z.looseObject({}) })),
  ),
  components: z.looseObject({}),
});

export function buildOpenApi(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const roles = r.roles === 'public' ? [] : r.roles;
    const machine = roles.some((role) => isMachineRole(role));
    const people = roles.some((role) => !isMachineRole(role));
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
        [String(r.noContent ? 204 : (r.status ?? 200))]: successResponse(r),
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
                code: { type: 'string', enum: [...registeredErrorCodes().keys()].sort() },
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
