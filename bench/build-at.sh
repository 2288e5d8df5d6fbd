#!/usr/bin/env bash
# Builds the server as it was at a commit, for `npm run bench:compare`:
#   bench/build-at.sh <commit> <directory>   →   <directory>/dist/src/main.js
# The tree comes from `git archive` (no checkout, no worktree); node_modules is
# this checkout's, linked, so every build runs on the same dependencies.
set -euo pipefail
commit="$1"
target="$2"
root="$(git rev-parse --show-toplevel)"
rm -rf "$target"
mkdir -p "$target"
git -C "$root" archive "$commit" | tar -x -C "$target"
ln -s "$root/node_modules" "$target/node_modules"
(cd "$target" && "$root/node_modules/.bin/tsc" -p tsconfig.build.json)
echo "$target/dist/src/main.js"
