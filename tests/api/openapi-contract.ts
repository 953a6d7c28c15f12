import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Every answer the API test suite receives, checked against the OpenAPI document the
 * API serves: the route and method are documented, the status is declared for them,
 * and the body matches the declared schema (Ajv; it resolves the document's $refs
 * itself). Routes are matched from the document's paths, so a route added later is
 * checked as soon as it is documented, and an undocumented one fails by name.
 */
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

export interface Answer {
  method: string;
  /** The path and query as requested. */
  route: string;
  status: number;
  contentType: string;
  /** The body parsed as JSON when it is JSON, else the text. */
  body: unknown;
}

// The document itself and Swagger UI's assets: not API routes.
const DOCS = /^\/api\/docs(-json)?(\/|$)/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const DOCUMENT_ID = 'openapi.json';

export class OpenApiContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { template: string; pattern: RegExp; literal: number }[];

  constructor(private readonly document: Document) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.routes = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/[.]/g, '\\.')}$`),
        // The more literal characters, the more specific: /api/runs/stats before /api/runs/{id}.
        literal: template.replace(/\{[^}]+\}/g, '').length,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  static async load(apiUrl: string): Promise<OpenApiContract> {
    const response = await fetch(`${apiUrl}/api/docs-json`);
    if (!response.ok) throw new Error(`GET /api/docs-json answered ${response.status}`);
    return new OpenApiContract((await response.json()) as Document);
  }

  /** What is wrong with this answer by the document; empty when nothing is. */
  problems(answer: Answer): string[] {
    const path = answer.route.split('?')[0] ?? '';
    if (DOCS.test(path) || !METHODS.has(answer.method)) return [];
    const said = `${answer.method} ${path.length > 80 ? `${path.slice(0, 80)}…` : path} answered ${answer.status}`;
    const template = this.routes.find((route) => route.pattern.test(path))?.template;
    const method = answer.method.toLowerCase();
    const operation = template ? this.document.paths[template]?.[method] : undefined;
    if (!template || !operation) {
      // A route the API does not have: its 404 is still in the error shape, and so is the
      // 400 of a URL or a body refused before routing.
      if (answer.status === 404 || answer.status === 400) {
        return this.check('#/components/schemas/Error', answer, `${said} (no such route)`);
      }
      return [
        `${said}, but the OpenAPI document has no ${answer.method} ${template ?? path}: document the route (@ApiOperation, @ApiResponse) so clients and this check know it.`,
      ];
    }
    const where = `${answer.method} ${template}`;
    const statusKey = String(answer.status);
    const declared = operation.responses[statusKey] ?? operation.responses.default;
    if (!declared) {
      return [
        `${said}, a status the OpenAPI document does not declare for ${where} (it declares ${Object.keys(operation.responses).join(', ')}): add @ApiResponse or @ApiErrors for it.`,
      ];
    }
    const json = declared.content?.['application/json'];
    // A text answer (GET /metrics): its type is what is checked.
    if (!json && declared.content?.['text/plain']) {
      return answer.contentType.startsWith('text/plain')
        ? []
        : [`${said} with Content-Type "${answer.contentType}", where the document declares text/plain.`];
    }
    if (!json) {
      return answer.body === ''
        ? []
        : [`${said} with a body, where the document declares none for ${where}.`];
    }
    if (!answer.contentType.includes('application/json')) {
      return [
        `${said} with Content-Type "${answer.contentType}", where the document declares application/json.`,
      ];
    }
    const pointer = [
      'paths',
      template,
      method,
      'responses',
      operation.responses[statusKey] ? statusKey : 'default',
    ]
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    return this.check(`#/${pointer}/content/application~1json/schema`, answer, said);
  }

  private check(pointer: string, answer: Answer, said: string): string[] {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    if (validate(answer.body)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${said}; its body does not match the document at ${error.instancePath || '(root)'}: ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`,
    );
  }
}
