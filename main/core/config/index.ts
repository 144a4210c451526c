// Settings in SQLite: one validated row per section, defaults beside each schema, backup to a file.
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import type { z } from 'zod';
import { ApiFailure } from '../../common/contract/index.js';
import {
  AllSettings,
  SETTINGS_SECTIONS,
  type SettingsOf,
  type SettingsSection,
} from '../../common/settings/index.js';
import { describeIssues, fieldIssues } from '../../common/zod-errors.js';
import type { Bus } from '../bus/index.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';

const log = createLogger('config');

/** Something other than settings that a backup carries under its own key (the owner's learned examples). */
export interface BackupPart<T = unknown> {
  key: string;
  schema: z.ZodType<T>;
  export(): T;
  /** Runs inside the import's transaction, after every part and section validated. */
  import(value: T): unknown;
}

export class SettingsStore {
  private cache: AllSettings | undefined;
  private readonly parts = new Map<string, BackupPart>();

  constructor(
    private readonly db: Database,
    private readonly bus?: Bus,
  ) {}

  /** All sections, stored values over defaults. A stored section that no longer validates falls back to defaults. */
  all(): AllSettings {
    if (this.cache) return this.cache;
    const rows = this.db.all<{ section: string; value: string }>(sql`SELECT section, value FROM settings`);
    const raw: Record<string, unknown> = {};
    for (const row of rows) {
      if (!(row.section in SETTINGS_SECTIONS)) continue;
      const schema = SETTINGS_SECTIONS[row.section as SettingsSection];
      const parsed = schema.safeParse(JSON.parse(row.value));
      if (parsed.success) raw[row.section] = parsed.data;
      else log.warn({ section: row.section, problem: describeIssues(parsed.error, row.section) }, 'stored settings invalid, using defaults');
    }
    this.cache = AllSettings.parse(raw);
    return this.cache;
  }

  get<S extends SettingsSection>(section: S): SettingsOf<S> {
    return this.all()[section] as SettingsOf<S>;
  }

  /** Merges a partial value over the section and stores it; the error names every bad field. */
  set(section: SettingsSection, partial: Record<string, unknown>): AllSettings {
    const schema = SETTINGS_SECTIONS[section];
    const merged = { ...this.get(section), ...partial };
    const parsed = schema.safeParse(merged);
    if (!parsed.success) {
      throw new ApiFailure('invalid_input', describeIssues(parsed.error, section), { issues: fieldIssues(parsed.error, section) });
    }
    this.write(section, parsed.data);
    return this.all();
  }

  private write(section: SettingsSection, value: unknown): void {
    this.db.run(sql`
      INSERT INTO settings (section, value, updated_at) VALUES (${section}, ${JSON.stringify(value)}, ${Date.now()})
      ON CONFLICT (section) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
    this.cache = undefined;
    this.bus?.publish('settings.changed', { section });
  }

  /** A part of the backup beside the settings sections, by key; files without the key import as before. */
  registerBackupPart<T>(part: BackupPart<T>): void {
    if (part.key in SETTINGS_SECTIONS) throw new Error(`backup part ${part.key} would shadow a settings section`);
    this.parts.set(part.key, part as BackupPart);
  }

  /** Writes every section (and every registered part) to a JSON or YAML file (chosen by extension) for backup. */
  exportToFile(file: string): void {
    const data: Record<string, unknown> = { ...this.all() };
    for (const part of this.parts.values()) data[part.key] = part.export();
    const text = /\.ya?ml$/i.test(file) ? YAML.stringify(data) : `${JSON.stringify(data, null, 2)}\n`;
    writeFileSync(file, text, { mode: 0o600 });
  }

  /** Reads a backup; nothing is stored unless every section and part validates. The parts' results by key in `parts`. */
  importFromFile(file: string): AllSettings & { parts?: Record<string, unknown> } {
    const text = readFileSync(file, 'utf8');
    let data: unknown;
    try {
      data = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
    } catch (err) {
      throw new ApiFailure('invalid_input', `${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
    }
    const isObject = data !== null && typeof data === 'object' && !Array.isArray(data);
    const sections: Record<string, unknown> = isObject ? { ...(data as Record<string, unknown>) } : {};
    const partValues = new Map<BackupPart, unknown>();
    for (const part of this.parts.values()) {
      if (!(part.key in sections)) continue;
      const value = part.schema.safeParse(sections[part.key]);
      delete sections[part.key];
      if (!value.success) throw new ApiFailure('invalid_input', describeIssues(value.error, part.key), { issues: fieldIssues(value.error, part.key) });
      partValues.set(part, value.data);
    }
    const parsed = AllSettings.strict().safeParse(isObject ? sections : data);
    if (!parsed.success) {
      throw new ApiFailure('invalid_input', describeIssues(parsed.error), { issues: fieldIssues(parsed.error) });
    }
    const results: Record<string, unknown> = {};
    this.db.transaction(() => {
      for (const section of Object.keys(SETTINGS_SECTIONS) as SettingsSection[]) this.write(section, parsed.data[section]);
      for (const [part, value] of partValues) results[part.key] = part.import(value);
    });
    return partValues.size > 0 ? { ...this.all(), parts: results } : this.all();
  }
}
