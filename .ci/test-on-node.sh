#!/usr/bin/env bash
# `npm test` again on other Node.js majors than the machine's own: CI machines
# have Node 20, users run 22 and 24 (package.json "engines").
#   .ci/test-on-node.sh 22 24
# The official binaries come from the npm registry (node-<os>-<arch>, the
# packages the `node` package itself installs), unpacked once into .cache/node/.
# The dependencies stay the ones `npm ci` installed: what users get on 22 and 24.
set -euo pipefail
cd "$(dirname "$0")/.."

platform="$(node -p 'process.platform + "-" + process.arch')"
for major in "$@"; do
  dir=".cache/node/$major"
  if [ ! -x "$dir/package/bin/node" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    tarball="$(cd "$dir" && npm pack --silent "node-$platform@$major")"
    tar -xzf "$dir/$tarball" -C "$dir"
    rm "$dir/$tarball"
  fi
  bin="$PWD/$dir/package/bin"
  echo "== npm test on Node.js $("$bin/node" --version)"
  # First on PATH, so jest, its workers and every server a test spawns run on it.
  PATH="$bin:$PATH" npm test
done
