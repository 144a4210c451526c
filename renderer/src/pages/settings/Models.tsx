// The detection model section (filled in when model management lands).
export function ModelsSection() {
  return null;
}
