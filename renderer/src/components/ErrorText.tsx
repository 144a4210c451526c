// Errors shown where they happened, in words a person understands. The engine words its errors in English and names the
// case ("The last admin cannot be removed"): in English that message is shown as it is; in another language the
// sentence for its error code (i18n section `errors`) comes first and the engine's words follow, marked as English.
// A message without a known code is shown as it is; errors the UI makes itself carry their key in `details.ui`.
import { ErrorCode } from '@common/contract/index.js';
import type { TFunction } from 'i18next';
import { useTranslation } from '../i18n/index.js';
import { CallError } from '../lib/api.js';

/** The language the engine's messages are written in. */
const ENGINE_LANGUAGE = 'en';
/** Errors the renderer itself raises, each with its sentence in `errors`. */
const UI_ERRORS = ['unreachable'] as const;

export interface ErrorWords {
  /** What happened, in the viewer's language. */
  text: string;
  /** The engine's own words, when they are not in the viewer's language. */
  detail?: string;
}

/** An API error ({code, message, details}) or a plain one, in the viewer's language. */
export function describeError(error: { code?: unknown; message: string; details?: unknown }, t: TFunction, language: string | undefined): ErrorWords {
  const ui = (error.details as { ui?: unknown } | undefined)?.ui;
  if (UI_ERRORS.some((k) => k === ui)) return { text: t(`errors.${ui as (typeof UI_ERRORS)[number]}`) };
  const code = ErrorCode.safeParse(error.code);
  if (!code.success) return { text: error.message };
  if (language === ENGINE_LANGUAGE && error.message) return { text: error.message };
  return { text: t(`errors.${code.data}`), ...(error.message ? { detail: error.message } : {}) };
}

export function ErrorText({ error }: { error: CallError | Error | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const words = describeError(error instanceof CallError ? error.error : error, t, i18n.resolvedLanguage);
  return (
    <p role="alert" className="error">
      {words.text}
      {words.detail && (
        <>
          {' '}
          <span lang={ENGINE_LANGUAGE}>{words.detail}</span>
        </>
      )}
    </p>
  );
}
