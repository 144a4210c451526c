// Settings in SQLite: one validated row per section, defaults beside each schema, backup to a file.
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
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

export class SettingsStore {
  private cache: AllSettings | undefined;

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

  /** Writes every section to a JSON or YAML file (chosen by extension) for backup. */
  exportToFile(file: string): void {
    const data = this.all();
    const text = /\.ya?ml$/i.test(file) ? YAML.stringify(data) : `${JSON.stringify(data, null, 2)}\n`;
    writeFileSync(file, text, { mode: 0o600 });
  }

  /** Reads a backup; nothing is stored unless every section validates. */
  importFromFile(file: string): AllSettings {
    const text = readFileSync(file, 'utf8');
    let data: unknown;
    try {
      data = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
    } catch (err) {
      throw new ApiFailure('invalid_input', `${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
    }
    const parsed = AllSettings.strict().safeParse(data);
    if (!parsed.success) {
      throw new ApiFailure('invalid_input', describeIssues(parsed.error), { issues: fieldIssues(parsed.error) });
    }
    this.db.transaction(() => {
      for (const section of Object.keys(SETTINGS_SECTIONS) as SettingsSection[]) this.write(section, parsed.data[section]);
    });
    return this.all();
  }
}
