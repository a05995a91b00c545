#!/bin/sh
# Usage: tools/npm_extract.sh PACKAGE@VERSION DEST PATH...
#
# Fetches one pinned package from the npm registry with `npm pack` and copies each PATH (relative
# to the package root, a file or a folder) into DEST under its own base name. Browser assets are
# fetched at build time like this so that no page, deck or test ever loads anything from a CDN.
set -eu
spec=$1
dest=$2
shift 2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

(cd "$tmp" && npm pack --silent "$spec" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp"

# Stage everything first, so an interrupted run never leaves a half-filled DEST behind a
# target file that make would take as done.
mkdir -p "$tmp/out"
for path in "$@"; do
    cp -R "$tmp/package/$path" "$tmp/out/"
done
mkdir -p "$dest"
cp -R "$tmp/out/." "$dest/"
