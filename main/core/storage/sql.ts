// Tagged-template SQL: values are always bound parameters, fragments compose without string pasting.

export type SqlValue = string | number | bigint | null | Uint8Array | boolean;

const FRAGMENT = Symbol('sql');

export interface SqlFragment {
  readonly [FRAGMENT]: true;
  readonly text: string;
  readonly values: readonly SqlValue[];
}

function isFragment(v: unknown): v is SqlFragment {
  return typeof v === 'object' && v !== null && FRAGMENT in v;
}

function bindable(v: SqlValue): string | number | bigint | null | Uint8Array {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

/** sql`SELECT * FROM events WHERE camera_id = ${id}`: `${}` binds a value or splices a fragment. */
export function sql(strings: TemplateStringsArray, ...parts: ReadonlyArray<SqlValue | SqlFragment>): SqlFragment {
  let text = strings[0] ?? '';
  const values: SqlValue[] = [];
  parts.forEach((part, i) => {
    if (isFragment(part)) {
      text += part.text;
      values.push(...part.values);
    } else {
      text += '?';
      values.push(bindable(part));
    }
    text += strings[i + 1] ?? '';
  });
  return { [FRAGMENT]: true, text, values };
}

/** Joins fragments with a separator, e.g. conditions with ' AND '. */
sql.join = (fragments: readonly SqlFragment[], separator: string): SqlFragment => {
  const values: SqlValue[] = [];
  const texts: string[] = [];
  for (const f of fragments) {
    texts.push(f.text);
    values.push(...f.values);
  }
  return { [FRAGMENT]: true, text: texts.join(separator), values };
};

/** `(?, ?, ?)` for an IN list; an empty list matches nothing. */
sql.list = (items: readonly SqlValue[]): SqlFragment => {
  if (items.length === 0) return { [FRAGMENT]: true, text: '(NULL)', values: [] };
  return { [FRAGMENT]: true, text: `(${items.map(() => '?').join(', ')})`, values: items.map(bindable) };
};

sql.empty = { [FRAGMENT]: true, text: '', values: [] } as SqlFragment;
