// A camera's state as a coloured badge with the reason in words.
import type { CameraState } from '@common/contract/index.js';
import { useTranslation } from '../i18n/index.js';

export function StateBadge({ state }: { state: CameraState | undefined }) {
  const { t } = useTranslation();
  const s = state?.state ?? 'connecting';
  return (
    <span className={`badge badge-${s}`} title={state?.reason} data-testid="state-badge" data-state={s}>
      <span className="dot" aria-hidden="true" />
      {t(`cameraState.${s}`)}
      {state?.reason && s !== 'online' ? <span className="reason">: {state.reason}</span> : null}
    </span>
  );
}
