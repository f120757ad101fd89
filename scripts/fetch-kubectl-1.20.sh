#!/usr/bin/env bash
# Extracts Debian's kubectl 1.20 (package kubernetes-client) into .cache/kubectl-1.20 without
# installing it, so the integration tests can drive the old client next to kubectl 1.32.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/kubectl-1.20
[ -x "$dest/usr/bin/kubectl" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq kubernetes-client >/dev/null 2>&1)
mkdir -p "$dest"
dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$dest"
"$dest/usr/bin/kubectl" version --client >/dev/null
echo "kubectl 1.20 extracted to $dest/usr/bin/kubectl"
