// ffmpeg's protocol whitelist per input: a camera URL may open only what its scheme needs (no file:, no concat: tricks).

const BY_SCHEME: Record<string, string> = {
  rtsp: 'rtsp,rtp,srtp,udp,tcp',
  rtsps: 'rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  http: 'http,tcp',
  https: 'https,http,tcp,tls',
  rtmp: 'rtmp,tcp',
  rtmps: 'rtmps,rtmp,tcp,tls',
};

/** The protocols ffmpeg may open for this input: its scheme's transports, or only local files for a path. */
export function protocolWhitelist(input: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input);
  if (!m?.[1]) return 'file';
  return BY_SCHEME[m[1].toLowerCase()] ?? 'none';
}

/** `-protocol_whitelist <list>`, to go before the `-i` it guards. */
export function protocolArgs(input: string): string[] {
  return ['-protocol_whitelist', protocolWhitelist(input)];
}
