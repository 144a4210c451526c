// Storage use, per camera, and a forecast of the days until the quota or the disk is full.
import { canSeeCamera, seesAllCameras, type Grant, type StorageStats } from '../../common/contract/index.js';
import type { ApiDeps } from './index.js';

const GB = 1024 ** 3;
const DAY = 86_400_000;

/** A caller limited to some cameras sees their use and forecast only: totals of the others would tell how busy those are. */
export async function storageStats(deps: Pick<ApiDeps, 'media' | 'segments' | 'settings' | 'retention'>, caller: Grant): Promise<StorageStats> {
  const cfg = deps.settings.get('storage');
  const { free: diskFree, total: diskTotal } = await deps.media.diskSpace();
  // recordings and snapshots with their thumbnails: what the quota counts
  const all = seesAllCameras(caller);
  const perCamera = deps.segments.perCamera().filter((c) => canSeeCamera(caller, c.cameraId));
  const used = all ? deps.retention.usedBytes : perCamera.reduce((sum, c) => sum + c.bytes, 0);
  const quota = cfg.quotaGb * GB;
  const bytesPerDay = deps.segments.bytesSince(Date.now() - DAY, all ? undefined : perCamera.map((c) => c.cameraId));
  // whichever runs out first: the quota, or the disk less the space always kept free
  const room = Math.min(quota - used, diskFree - cfg.minFreeGb * GB);
  return {
    usedBytes: used,
    quotaBytes: quota,
    diskFreeBytes: diskFree,
    diskTotalBytes: diskTotal,
    perCamera,
    bytesPerDay,
    daysUntilFull: bytesPerDay > 0 ? Math.max(0, room / bytesPerDay) : null,
    deletedSegments: all ? deps.retention.deletedTotal : 0,
  };
}
