#!/bin/sh
# Runs a libFuzzer target for a bounded time from a seed corpus kept in the
# source tree. New inputs and crash artefacts go to a scratch folder in the
# build tree, never into the sources.
#   run-fuzzer.sh FUZZER SEED_DIR WORK_DIR SECONDS
set -e
# libFuzzer's default exit code for a crash is 77, which meson reads as
# "skipped": make every finding a failure.
fuzzer=$1; seeds=$2; work=$3; seconds=$4
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -max_len=65536 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
