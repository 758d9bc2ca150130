#!/bin/sh
# Runs a libFuzzer target for a bounded time: run-fuzzer.sh FUZZER SEED_DIR SECONDS
# New inputs go to a scratch folder in the build tree, never into the source tree.
set -eu
fuzzer=$1; seeds=$2; seconds=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
# -error_exitcode=1: libFuzzer's default exit code for a finding is 77,
# which meson reads as "skipped".
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work" "$seeds"
