// ONVIF failures: a code the UI can act on and a message a homeowner understands.
import { ApiFailure, type ErrorCode } from '../../common/contract/errors.js';
import { redactSecrets } from '../../common/redact.js';

export const ONVIF_ERROR_CODES = [
  'onvif_unreachable',
  'onvif_auth_failed',
  'onvif_timeout',
  'onvif_bad_response',
  'onvif_not_supported',
  'onvif_rejected',
] as const;
export type OnvifErrorCode = (typeof ONVIF_ERROR_CODES)[number];

export class OnvifError extends Error {
  constructor(
    readonly code: OnvifErrorCode,
    message: string,
  ) {
    // the scrubber is a second line of defence: messages are built from host names, never credentials
    super(redactSecrets(message));
    this.name = 'OnvifError';
  }
}

export function isOnvifError(err: unknown): err is OnvifError {
  return err instanceof OnvifError;
}

/** Contract codes for ONVIF failures; `unauthorized` is avoided so a UI never mistakes a camera password for its own session. */
const API_CODE: Record<OnvifErrorCode, ErrorCode> = {
  onvif_unreachable: 'unavailable',
  onvif_auth_failed: 'invalid_input',
  onvif_timeout: 'unavailable',
  onvif_bad_response: 'unavailable',
  onvif_not_supported: 'conflict',
  onvif_rejected: 'invalid_input',
};

/** Turns any ONVIF failure into an ApiFailure whose details carry the ONVIF code. */
export function toApiFailure(err: unknown): ApiFailure {
  if (err instanceof ApiFailure) return err;
  if (err instanceof OnvifError) return new ApiFailure(API_CODE[err.code], err.message, { onvif: err.code });
  return new ApiFailure('internal', 'The camera could not be queried because of an internal error');
}
