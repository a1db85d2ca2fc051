#!/bin/sh
# Run every Journey Studio benchmark offscreen and keep the JSON report under bench/results/.
# Usage: bench/run.sh [journey-studio bench options, e.g. --nodes 2000 or --only document]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out_dir="$here/results"
mkdir -p "$out_dir"
out="$out_dir/$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s 2>/dev/null || echo host).json"
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "${JOURNEY_STUDIO:-journey-studio}" bench --json "$@" > "$out.partial"
mv "$out.partial" "$out"
echo "$out"
