// Live camera states: the initial list from cameras.states, then pushed updates on camera.state.
import type { CameraState } from '@common/contract/index.js';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useCall, useTopic } from './api.js';

export function useCameraStates(): Map<string, CameraState> {
  const qc = useQueryClient();
  const states = useCall('cameras.states', {}, { refetchInterval: 30_000 });
  const onState = useCallback(
    (s: CameraState) => {
      qc.setQueryData<CameraState[]>(['cameras.states', {}], (old) => [...(old ?? []).filter((o) => o.cameraId !== s.cameraId), s]);
    },
    [qc],
  );
  useTopic('camera.state', onState);
  return new Map((states.data ?? []).map((s) => [s.cameraId, s]));
}
