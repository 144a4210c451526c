// Media URLs: the same relative paths work over HTTP (/media/...) and in the desktop app (app://porchlight/media/...).

export function mediaUrl(path: string): string {
  return new URL(`media/${path}`, document.baseURI).toString();
}

export function snapshotUrl(snapshotPath: string, thumb = false): string {
  return mediaUrl(`snapshots/${thumb ? snapshotPath.replace(/\.jpg$/, '.thumb.jpg') : snapshotPath}`);
}

export function eventSnapshot(e: { cameraId: string; id: string }, thumb = false): string {
  return snapshotUrl(`${e.cameraId}/${e.id}.jpg`, thumb);
}

export function playUrl(cameraId: string, start: number, end?: number): string {
  return mediaUrl(`play/${encodeURIComponent(cameraId)}?start=${Math.floor(start)}${end ? `&end=${Math.ceil(end)}` : ''}`);
}

export const LABEL_COLORS: Record<string, string> = {
  person: '#ff6b6b',
  car: '#4ea8de',
  truck: '#4895ef',
  bus: '#4361ee',
  motorcycle: '#7209b7',
  bicycle: '#06d6a0',
  dog: '#f5b942',
  cat: '#ffd166',
  bird: '#90be6d',
};

export function labelColor(label: string): string {
  return LABEL_COLORS[label] ?? '#9aa4b2';
}
