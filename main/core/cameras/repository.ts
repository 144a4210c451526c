// Camera rows and their streams in SQLite, validated on the way in and on the way out.
import { randomBytes } from 'node:crypto';
import { ApiFailure, Camera, CameraInput, CameraInputOptions, CameraObjectSettings, NO_MASKS, type CameraStream, type RecordMode } from '../../common/contract/index.js';
import { rememberSecret } from '../../common/redact.js';
import { credentialsOf, hasCredentials, hostOf, restorePassword } from '../../common/urls.js';
import type { SecretBox } from '../secrets/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';

interface CameraRow {
  id: string;
  name: string;
  enabled: number;
  record_mode: string;
  detect_enabled: number;
  detect_width: number;
  detect_height: number;
  detect_fps: number;
  onvif: string | null;
  zones: string;
  masks: string;
  continuous_days: number | null;
  event_days: number | null;
  record_audio: number;
  rtsp_transport: string;
  clock: string;
  hwaccel: string;
  input_preset: string | null;
  detect_auto_size: number;
  detect_objects: string;
  created_at: number;
  updated_at: number;
}

interface StreamRow {
  camera_id: string;
  name: string;
  url: string;
  roles: string;
}

/** What retention needs to know of a camera; null days follow the global storage settings. */
export interface CameraPolicy {
  cameraId: string;
  recordMode: RecordMode;
  continuousDays: number | null;
  eventDays: number | null;
  retired: boolean;
}

const DEFAULT_DETECT = { enabled: true, width: 640, height: 360, fps: 5, autoSize: true };

/** A readable, filesystem-safe id from the name, made unique with a short random tail. */
function makeId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'camera'}-${randomBytes(3).toString('hex')}`;
}

export class CameraRepository {
  /** URLs holding a user name and password are stored sealed. */
  constructor(
    private readonly db: Database,
    private readonly secrets?: SecretBox,
  ) {}

  private storeUrl(url: string): string {
    return this.secrets && hasCredentials(url) ? this.secrets.seal(url) : url;
  }

  private readUrl(stored: string): string {
    const url = this.secrets ? this.secrets.open(stored) : stored;
    // whatever this URL's credentials are, no log line or message will show them
    for (const c of credentialsOf(url)) rememberSecret(c);
    return url;
  }

  list(): Camera[] {
    const rows = this.db.all<CameraRow>(sql`SELECT * FROM cameras WHERE deleted_at IS NULL ORDER BY created_at, id`);
    const streams = this.db.all<StreamRow>(sql`SELECT * FROM camera_streams ORDER BY camera_id, name`);
    const byCamera = new Map<string, StreamRow[]>();
    for (const s of streams) byCamera.set(s.camera_id, [...(byCamera.get(s.camera_id) ?? []), s]);
    return rows.map((r) => this.toCamera(r, byCamera.get(r.id) ?? []));
  }

  get(id: string): Camera | undefined {
    const row = this.db.get<CameraRow>(sql`SELECT * FROM cameras WHERE id = ${id} AND deleted_at IS NULL`);
    if (!row) return undefined;
    const streams = this.db.all<StreamRow>(sql`SELECT * FROM camera_streams WHERE camera_id = ${id} ORDER BY name`);
    return this.toCamera(row, streams);
  }

  require(id: string): Camera {
    const cam = this.get(id);
    if (!cam) throw new ApiFailure('not_found', `There is no camera with id ${JSON.stringify(id)}`);
    return cam;
  }

  /** Creates a camera, or updates it when the id exists; masked passwords keep their stored value. */
  upsert(input: CameraInput): Camera {
    const data = CameraInput.parse(input);
    const names = data.streams.map((s) => s.name);
    if (new Set(names).size !== names.length) throw new ApiFailure('invalid_input', 'streams: each stream name (main, sub) may appear once');
    const now = Date.now();
    return this.db.transaction(() => {
      const existing = data.id ? this.get(data.id) : undefined;
      const id = data.id ?? makeId(data.name);
      // a size given by hand is kept as given; without one the height follows the detect stream's shape
      const handSized = data.detect?.width !== undefined && data.detect.height !== undefined && data.detect.autoSize === undefined;
      const { objects: objectsInput, ...detectInput } = data.detect ?? {};
      const detect = { ...DEFAULT_DETECT, ...existing?.detect, ...detectInput, ...(handSized ? { autoSize: false } : {}) };
      const objects = CameraObjectSettings.parse({ ...existing?.detect.objects, ...objectsInput });
      const audio = { record: true, ...existing?.audio, ...data.audio };
      const inputOpts = CameraInputOptions.parse({ ...existing?.input, ...data.input });
      const onvif = data.onvif === undefined ? (existing?.onvif ?? null) : data.onvif;
      const zones = data.zones ?? existing?.zones ?? [];
      const masks = data.masks ?? existing?.masks ?? NO_MASKS;
      const retention = data.retention ?? existing?.retention ?? { continuousDays: null, eventDays: null };
      const streams: CameraStream[] = data.streams.map((s) => ({ ...s, url: restorePassword(s.url, existing?.streams.find((o) => o.name === s.name)?.url) }));
      // PTZ sends the stream's credentials to the ONVIF address: a new address needs them typed again
      const restored = streams.some((s, i) => s.url !== data.streams[i]?.url);
      if (restored && onvif && existing?.onvif && hostOf(onvif.xaddr) !== hostOf(existing.onvif.xaddr)) {
        throw new ApiFailure('invalid_input', 'The ONVIF address changed: type the camera password again (a kept password is only sent to the device it belongs to)');
      }
      this.db.run(sql`
        INSERT INTO cameras (id, name, enabled, record_mode, detect_enabled, detect_width, detect_height, detect_fps, onvif, zones, masks,
          continuous_days, event_days, record_audio, rtsp_transport, clock, hwaccel, input_preset, detect_auto_size, detect_objects, created_at, updated_at)
        VALUES (${id}, ${data.name}, ${data.enabled}, ${data.recordMode}, ${detect.enabled}, ${detect.width}, ${detect.height}, ${detect.fps},
          ${onvif ? JSON.stringify(onvif) : null}, ${JSON.stringify(zones)}, ${JSON.stringify(masks)},
          ${retention.continuousDays}, ${retention.eventDays}, ${audio.record}, ${inputOpts.transport}, ${inputOpts.clock}, ${inputOpts.hwaccel},
          ${inputOpts.preset}, ${detect.autoSize}, ${JSON.stringify(objects)}, ${now}, ${now})
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, record_mode = excluded.record_mode,
          detect_enabled = excluded.detect_enabled, detect_width = excluded.detect_width, detect_height = excluded.detect_height,
          detect_fps = excluded.detect_fps, onvif = excluded.onvif, zones = excluded.zones, masks = excluded.masks,
          continuous_days = excluded.continuous_days, event_days = excluded.event_days, record_audio = excluded.record_audio,
          rtsp_transport = excluded.rtsp_transport, clock = excluded.clock, hwaccel = excluded.hwaccel, input_preset = excluded.input_preset,
          detect_auto_size = excluded.detect_auto_size, detect_objects = excluded.detect_objects, deleted_at = NULL, updated_at = excluded.updated_at`);
      this.db.run(sql`DELETE FROM camera_streams WHERE camera_id = ${id}`);
      for (const s of streams) {
        this.db.run(sql`INSERT INTO camera_streams (camera_id, name, url, roles) VALUES (${id}, ${s.name}, ${this.storeUrl(s.url)}, ${JSON.stringify(s.roles)})`);
      }
      return this.require(id);
    });
  }

  /** Removes the row; its segments, spans and events go with it (ON DELETE CASCADE), its alerts here. The caller frees the files. */
  delete(id: string): boolean {
    return this.db.transaction(() => {
      this.db.run(sql`DELETE FROM alerts WHERE camera_id = ${id}`);
      return this.db.run(sql`DELETE FROM cameras WHERE id = ${id}`).changes > 0;
    });
  }

  /** Hides the camera but keeps its row, so its recordings and events stay (and count in the quota) until retention ages them out. */
  retire(id: string, now = Date.now()): boolean {
    return this.db.run(sql`UPDATE cameras SET deleted_at = ${now}, enabled = 0 WHERE id = ${id} AND deleted_at IS NULL`).changes > 0;
  }

  /** Every camera retention looks after, retired ones included (their days fall back to the global settings' defaults). */
  retentionPolicies(): CameraPolicy[] {
    return this.db
      .all<{ id: string; record_mode: string; continuous_days: number | null; event_days: number | null; deleted_at: number | null }>(
        sql`SELECT id, record_mode, continuous_days, event_days, deleted_at FROM cameras ORDER BY id`,
      )
      .map((r) => ({
        cameraId: r.id,
        // a retired camera records nothing more; what it left is aged as continuous footage
        recordMode: r.deleted_at === null ? (r.record_mode as RecordMode) : 'continuous',
        continuousDays: r.continuous_days,
        eventDays: r.event_days,
        retired: r.deleted_at !== null,
      }));
  }

  /** A retired camera whose recordings and events are all gone leaves no trace. */
  purgeRetired(): string[] {
    const gone = this.db.all<{ id: string }>(sql`
      SELECT c.id FROM cameras c WHERE c.deleted_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.camera_id = c.id) AND NOT EXISTS (SELECT 1 FROM events e WHERE e.camera_id = c.id)`);
    for (const { id } of gone) this.delete(id);
    return gone.map((g) => g.id);
  }

  private toCamera(row: CameraRow, streams: StreamRow[]): Camera {
    return Camera.parse({
      id: row.id,
      name: row.name,
      enabled: row.enabled === 1,
      recordMode: row.record_mode,
      streams: streams.map((s) => ({ name: s.name, url: this.readUrl(s.url), roles: JSON.parse(s.roles) as unknown })),
      detect: {
        enabled: row.detect_enabled === 1,
        width: row.detect_width,
        height: row.detect_height,
        fps: row.detect_fps,
        autoSize: row.detect_auto_size === 1,
        objects: CameraObjectSettings.parse(JSON.parse(row.detect_objects)),
      },
      audio: { record: row.record_audio === 1 },
      input: { transport: row.rtsp_transport, clock: row.clock, hwaccel: row.hwaccel, preset: row.input_preset },
      onvif: row.onvif ? (JSON.parse(row.onvif) as unknown) : null,
      zones: JSON.parse(row.zones) as unknown,
      masks: JSON.parse(row.masks) as unknown,
      retention: { continuousDays: row.continuous_days, eventDays: row.event_days },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}
