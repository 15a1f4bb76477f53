#!/usr/bin/env bash
# Runs every benchmark harness in benchmarks/ one after another with its default settings and
# keeps each one's output, with the load average before and after it, in one folder.
#
# Usage, from the repository root after `mvn -q -B -pl benchmarks -am package -DskipTests`:
#   benchmarks/run-all.sh [OUTPUT_DIR] [HARNESS...]
# OUTPUT_DIR defaults to benchmarks/target/results/<UTC time>. HARNESS names pick a subset, for
# example `benchmarks/run-all.sh out playback flac`. Needs flac, oggdec and oggenc on the PATH
# and the test corpus folder in TONEARM_CORPUS (default: ../shared/corpus beside the repository).
set -u

jar=benchmarks/target/benchmarks.jar
out=${1:-benchmarks/target/results/$(date -u +%Y%m%dT%H%M%SZ)}
shift || true
export TONEARM_CORPUS=${TONEARM_CORPUS:-$(cd "$(dirname "$0")/../.." && pwd)/shared/corpus}

if [[ ! -f $jar ]]; then
  echo "missing $jar: run mvn -q -B -pl benchmarks -am package -DskipTests first" >&2
  exit 2
fi
mkdir -p "$out"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse HEAD 2>/dev/null)"
  echo "nproc: $(nproc)"
  lscpu | grep 'Model name'
  free -m | sed -n 2p
  uname -r
  java -version 2>&1
  flac --version
  oggdec --version 2>&1 | head -1
  oggenc --version
  openssl version
} > "$out/machine.txt" 2>&1

# run NAME COMMAND...: runs COMMAND and writes NAME.txt with the command, output, exit status,
# elapsed seconds and `uptime` before and after.
run() {
  local name=$1
  shift
  local file="$out/$name.txt"
  local start
  start=$(date +%s)
  {
    echo "command: $*"
    echo "before: $(uptime)"
    "$@"
    echo "exit status: $?"
    echo "after: $(uptime)"
    echo "elapsed: $(($(date +%s) - start)) s"
  } > "$file" 2>&1
  echo "$name: $(tail -3 "$file" | head -1 | sed 's/^ *//'), $(tail -1 "$file")"
}

is_selected() {
  [[ ${#selected[@]} -eq 0 ]] && return 0
  local name
  for name in "${selected[@]}"; do
    [[ $name == "$1" ]] && return 0
  done
  return 1
}

selected=("$@")
java_cp=(java -cp "$jar")
is_selected flac && run flac "${java_cp[@]}" dev.tonearm.bench.FlacDecodeBenchmark
is_selected vorbis && run vorbis "${java_cp[@]}" dev.tonearm.bench.VorbisDecodeBenchmark
is_selected decrypt && run decrypt "${java_cp[@]}" dev.tonearm.bench.DecryptBenchmark
# AES-256-CTR in OpenSSL, as a native peer for DecryptBenchmark's throughput.
is_selected decrypt-openssl && run decrypt-openssl openssl speed -seconds 3 -evp aes-256-ctr
is_selected decrypt-playback && run decrypt-playback "${java_cp[@]}" dev.tonearm.bench.DecryptBenchmark playback
is_selected playback && run playback "${java_cp[@]}" dev.tonearm.bench.PlaybackBenchmark
is_selected failover && run failover "${java_cp[@]}" dev.tonearm.bench.FailoverBenchmark --play-seconds 30
is_selected crdt-merge && run crdt-merge java -jar "$jar" CrdtMergeBenchmark
is_selected crdt-trace && run crdt-trace java -jar "$jar" CrdtTraceBenchmark
is_selected crdt-trace-memory && run crdt-trace-memory "${java_cp[@]}" dev.tonearm.bench.CrdtTraceBenchmark
is_selected sync-fanout && run sync-fanout "${java_cp[@]}" dev.tonearm.bench.SyncFanoutBenchmark 100 2000 1 NEVER 3
is_selected offline-batch && run offline-batch "${java_cp[@]}" dev.tonearm.bench.OfflineRefreshBatchBenchmark
is_selected offline-storm && run offline-storm "${java_cp[@]}" dev.tonearm.bench.OfflineRefreshStormBenchmark
is_selected search && run search "${java_cp[@]}" dev.tonearm.bench.SearchBenchmark
is_selected recommend && run recommend "${java_cp[@]}" dev.tonearm.bench.RecommendationBenchmark
echo "output in $out"
