// Process CPU and memory, sampled between calls, plus what each camera's runtime reports.
import type { CameraHealth, SystemHealth } from '../../common/contract/index.js';

let last = { t: performance.now(), cpu: process.cpuUsage() };

export interface HealthSource {
  cameras(): CameraHealth[];
  detector(): SystemHealth['detector'];
}

export function systemHealth(source: HealthSource): SystemHealth {
  const now = performance.now();
  const cpu = process.cpuUsage();
  const used = (cpu.user - last.cpu.user + cpu.system - last.cpu.system) / 1000;
  const elapsed = now - last.t;
  last = { t: now, cpu };
  const mem = process.memoryUsage();
  return {
    uptimeS: Math.round(process.uptime()),
    cpuPercent: elapsed > 0 ? Math.round((used / elapsed) * 1000) / 10 : 0,
    rssBytes: mem.rss,
    heapBytes: mem.heapUsed,
    detector: source.detector(),
    cameras: source.cameras(),
  };
}
