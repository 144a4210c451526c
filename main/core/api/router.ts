// Dispatches a method call: checks the name and role, validates input, runs it, returns data, never throws.
import { z } from 'zod';
import {
  ApiFailure,
  isMethodName,
  methods,
  type ApiError,
  type CameraScope,
  type MethodName,
  type MethodSpec,
  type MethodOutput,
  type Permission,
  type Result,
  type Role,
} from '../../common/contract/index.js';
import { redactSecrets } from '../../common/redact.js';
import { fieldIssues } from '../../common/zod-errors.js';
import { createLogger } from '../log/index.js';
import { cameraOutsideScope, scopeInput, viewerRefusal } from './scope.js';

const log = createLogger('api');

export interface CallContext {
  /** The caller as the request that carries the call authenticated it; a viewer without a grant has none (deny by default). */
  user: { name: string; role: Role; permissions?: readonly Permission[]; cameras?: CameraScope };
  /** Where the call came from: an IP address, or 'desktop' for the local window. */
  origin: string;
}

export type Implementation = {
  [M in MethodName]: (input: z.infer<(typeof methods)[M]['input']>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

export interface AuditSink {
  record(entry: { actor: string; action: string; target: string; origin: string; ok: boolean; details?: unknown }): void;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, admin: 1 };

export function roleAllows(have: Role, need: Role): boolean {
  return ROLE_RANK[have] >= ROLE_RANK[need];
}

export class Router {
  /**
   * @param cameraIds every camera's id, to narrow a viewer's "all cameras" to theirs
   */
  constructor(
    private readonly impl: Implementation,
    private readonly audit?: AuditSink,
    private readonly cameraIds: () => string[] = () => [],
  ) {}

  /** Every method name, for transports and for the test that proves each is guarded. */
  static methodNames(): MethodName[] {
    return Object.keys(methods) as MethodName[];
  }

  async dispatch(ctx: CallContext, method: string, input: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) {
      return fail({ code: 'unknown_method', message: `Unknown method ${JSON.stringify(method.slice(0, 100))}` });
    }
    const spec = methods[method];
    if (!roleAllows(ctx.user.role, spec.role)) {
      return fail({ code: 'forbidden', message: `${method} needs the ${spec.role} role` });
    }
    const access = (spec as MethodSpec).viewer;
    const refused = viewerRefusal(method, access, ctx.user);
    if (refused) return fail(refused);
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      return fail({
        code: 'invalid_input',
        message: issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; '),
        details: { issues: issues.slice(0, 20) },
      });
    }
    const outOfScope = ctx.user.role === 'admin' ? undefined : scopeInput(access, ctx.user, parsed.data, this.cameraIds);
    if (outOfScope) return fail(outOfScope);
    const t0 = performance.now();
    let result: Result<unknown>;
    try {
      const fn = this.impl[method] as (i: unknown, c: CallContext) => unknown;
      result = { ok: true, value: await fn(parsed.data, ctx) };
    } catch (err) {
      result = fail(toApiError(err, method));
    }
    if (result.ok && ctx.user.role !== 'admin') {
      const leaked = cameraOutsideScope(ctx.user, result.value);
      if (leaked !== undefined) {
        // the implementation forgot to narrow its answer: refuse it rather than show another camera
        log.error({ method, camera: leaked }, 'answer named a camera outside the caller\'s scope: refused');
        result = fail({ code: 'forbidden', message: `${method} failed: its answer was not limited to your cameras` });
      }
    }
    const ms = performance.now() - t0;
    if (ms > 200) log.info({ method, durationMs: Math.round(ms) }, 'slow call');
    if ('audit' in spec && spec.audit) {
      this.audit?.record({
        actor: ctx.user.name,
        action: method,
        target: auditTarget(parsed.data),
        origin: ctx.origin,
        ok: result.ok,
        details: result.ok ? undefined : { code: result.error.code },
      });
    }
    return result;
  }
}

function fail(error: ApiError): Result<never> {
  return { ok: false, error };
}

function auditTarget(input: unknown): string {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    for (const key of ['id', 'cameraId', 'section', 'name', 'username']) if (typeof o[key] === 'string') return o[key];
  }
  return '';
}

/** Expected failures carry their code; anything else is logged and reported without internals. */
export function toApiError(err: unknown, method: string): ApiError {
  if (err instanceof ApiFailure) {
    return { code: err.code, message: redactSecrets(err.message), ...(err.details === undefined ? {} : { details: err.details }) };
  }
  if (err instanceof z.ZodError) {
    return { code: 'invalid_input', message: fieldIssues(err).map((i) => `${i.path}: ${i.message}`).join('; ') };
  }
  log.error({ err, method }, 'method failed');
  return { code: 'internal', message: `${method} failed unexpectedly; the engine log has the details` };
}
