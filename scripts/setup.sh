#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine: the system packages Porchlight and its tests use, then npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  # ffmpeg: recording and decoding; chromium: UI tests; gstreamer + gst-rtsp-server: the test camera;
  # mosquitto: the MQTT broker for alert tests; iproute2: network namespaces for discovery tests.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    ffmpeg chromium \
    gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-tools \
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
    gstreamer1.0-plugins-ugly gstreamer1.0-libav \
    mosquitto iproute2 procps >/dev/null
else
  echo "apt-get not found: install ffmpeg (and chromium, gstreamer's rtsp server and mosquitto for the tests) yourself" >&2
fi
# onnxruntime-node ships its CPU binaries; its postinstall would only fetch CUDA extras.
# Electron's and Playwright's own binary downloads are skipped where they cannot be reached.
export ONNXRUNTIME_NODE_INSTALL=skip
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund
