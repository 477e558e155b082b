#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that flatpak-builder parses the manifest without a single warning. flatpak-builder only
# warns about unknown or misspelt properties, so a clean parse is the one thing that can be
# checked here without network access or a runtime; a real build needs both.
#
# Usage: check-flatpak-manifest.sh MANIFEST

set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 MANIFEST" >&2
  exit 2
fi

manifest=$(realpath "$1")

# flatpak-builder creates its state directory (.flatpak-builder/) in the current directory even
# for --show-manifest, so it runs in a scratch directory instead of the source or build tree.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM

status=0
(cd "$scratch" && flatpak-builder --show-manifest "$manifest") >"$scratch/stdout" 2>"$scratch/stderr" \
  || status=$?

if [ "$status" -ne 0 ]; then
  echo "flatpak-builder could not read $manifest (exit status $status):" >&2
  cat "$scratch/stderr" >&2
  exit 1
fi

if [ -s "$scratch/stderr" ]; then
  echo "flatpak-builder printed warnings for $manifest:" >&2
  cat "$scratch/stderr" >&2
  exit 1
fi

echo "flatpak-builder read $manifest without warnings"
