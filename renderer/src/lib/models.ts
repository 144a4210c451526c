// Model downloads as the UI follows them: progress per model from the model.progress topic; lists refresh when one lands.
import type { ModelProgress } from '@common/contract/index.js';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useAction, useTopic } from './api.js';

export function useModelDownloads() {
  const qc = useQueryClient();
  const download = useAction('models.download');
  const [progress, setProgress] = useState<Record<string, ModelProgress>>({});
  const onProgress = useCallback(
    (p: ModelProgress) => {
      setProgress((all) => ({ ...all, [p.name]: p }));
      if (p.status === 'done') {
        void qc.invalidateQueries({ queryKey: ['models.list'] });
        // the engine starts detecting with the new model by itself; health says when
        setTimeout(() => void qc.invalidateQueries({ queryKey: ['system.health'] }), 1500);
      }
    },
    [qc],
  );
  useTopic('model.progress', onProgress);
  return { progress, download };
}
