// Storage use, per camera, and a forecast of the days until the quota or the disk is full.
import type { StorageStats } from '../../common/contract/index.js';
import type { ApiDeps } from './index.js';

const GB = 1024 ** 3;
const DAY = 86_400_000;

export async function storageStats(deps: Pick<ApiDeps, 'media' | 'segments' | 'settings' | 'retention'>): Promise<StorageStats> {
  const cfg = deps.settings.get('storage');
  const { free: diskFree, total: diskTotal } = await deps.media.diskSpace();
  // recordings and snapshots with their thumbnails: what the quota counts
  const used = deps.retention.usedBytes;
  const quota = cfg.quotaGb * GB;
  const bytesPerDay = deps.segments.bytesSince(Date.now() - DAY);
  // whichever runs out first: the quota, or the disk less the space always kept free
  const room = Math.min(quota - used, diskFree - cfg.minFreeGb * GB);
  return {
    usedBytes: used,
    quotaBytes: quota,
    diskFreeBytes: diskFree,
    diskTotalBytes: diskTotal,
    perCamera: deps.segments.perCamera(),
    bytesPerDay,
    daysUntilFull: bytesPerDay > 0 ? Math.max(0, room / bytesPerDay) : null,
    deletedSegments: deps.retention.deletedTotal,
  };
}
