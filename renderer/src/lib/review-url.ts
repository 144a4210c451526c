// Review filters live in the URL (shareable, kept on reload): several cameras, labels and kinds, a time span, and
// whether reviewed items show.
import type { ReviewQuery } from '@common/contract/index.js';

export const REVIEW_KINDS = ['alert', 'detection', 'motion'] as const;
export type ReviewKindName = (typeof REVIEW_KINDS)[number];
export const SPANS_HOURS = [1, 6, 12, 24, 72, 168] as const;

export interface ReviewFilters {
  cameras: string[];
  labels: string[];
  kinds: ReviewKindName[];
  hours: number;
  showReviewed: boolean;
}

export const DEFAULT_FILTERS: ReviewFilters = { cameras: [], labels: [], kinds: [], hours: 24, showReviewed: false };

const list = (v: string | null): string[] => (v ? [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))] : []);

export function filtersFromUrl(params: URLSearchParams): ReviewFilters {
  const hours = Number(params.get('hours'));
  return {
    cameras: list(params.get('cameras')),
    labels: list(params.get('labels')),
    kinds: list(params.get('kinds')).filter((k): k is ReviewKindName => (REVIEW_KINDS as readonly string[]).includes(k)),
    hours: (SPANS_HOURS as readonly number[]).includes(hours) ? hours : DEFAULT_FILTERS.hours,
    showReviewed: params.get('reviewed') === 'show',
  };
}

/** Only what differs from the defaults goes in the URL. */
export function filtersToUrl(f: ReviewFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.cameras.length) p.set('cameras', f.cameras.join(','));
  if (f.labels.length) p.set('labels', f.labels.join(','));
  if (f.kinds.length) p.set('kinds', f.kinds.join(','));
  if (f.hours !== DEFAULT_FILTERS.hours) p.set('hours', String(f.hours));
  if (f.showReviewed) p.set('reviewed', 'show');
  return p;
}

export function toQuery(f: ReviewFilters, now: number): ReviewQuery {
  return {
    ...(f.cameras.length ? { cameras: f.cameras } : {}),
    ...(f.labels.length ? { labels: f.labels } : {}),
    ...(f.kinds.length ? { kinds: f.kinds } : {}),
    after: now - f.hours * 3600_000,
    ...(f.showReviewed ? {} : { reviewed: false }),
    limit: 200,
  };
}

export function toggle<T>(values: readonly T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}
