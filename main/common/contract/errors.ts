// Error codes every method may return, and the HTTP status each maps to.
import { z } from 'zod';

export const ErrorCode = z.enum([
  'invalid_input',
  'unknown_method',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'too_large',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  too_large: 413,
  unavailable: 503,
  internal: 500,
};

/** Thrown inside method implementations; the router turns it into a structured error. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}
