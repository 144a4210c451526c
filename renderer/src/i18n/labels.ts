// Object labels as the UI shows them: a detector's label (the COCO names, "person", "car"…) in the chosen language, an
// unknown one (a custom model's) as it is.
import { useCallback } from 'react';
import { en } from './en.js';
import { useTranslation } from './index.js';

export type LabelKey = keyof typeof en.labels;

export const isKnownLabel = (label: string): label is LabelKey => Object.hasOwn(en.labels, label);

/** A function naming a label in the UI's language; it changes when the language does. */
export function useLabelName(): (label: string) => string {
  const { t } = useTranslation();
  return useCallback((label: string) => (isKnownLabel(label) ? t(`labels.${label}`) : label), [t]);
}
