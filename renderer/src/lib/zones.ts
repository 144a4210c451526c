// The zone names drawn on cameras, for filters and rule editors.

/** Zone names on the chosen cameras (all cameras when none are chosen), each once, in camera order. */
export function zoneNames(cameras: readonly { id: string; zones: readonly { name: string }[] }[], chosen: readonly string[] = []): string[] {
  const picked = chosen.length === 0 ? cameras : cameras.filter((c) => chosen.includes(c.id));
  return [...new Set(picked.flatMap((c) => c.zones.map((z) => z.name)))];
}
