#!/usr/bin/env bash
# `make test-cluster`: the seeds built locally and on the cluster profile (2 Celery workers,
# PostgreSQL, Redis, the daemon) with the same SOURCE_DATE_EPOCH must give the same release,
# byte for byte; the cluster then publishes it to a local S3 server (moto, 127.0.0.1, a free
# port) and `cgr download` fetches it back, verified. Everything is stopped on any exit.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN="$(cd "${BIN:-$REPO/.venv/bin}" && pwd)"
PY="$BIN/python"
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
WORK="$(mktemp -d /tmp/cgr-test-cluster.XXXXXX)"
MOTO_PID=""
unset DAGSTER_HOME CGR_PROFILE

cleanup() {
  local rc=$?
  CGR_DATA_DIR="$WORK/cluster/data" BIN="$BIN" "$HERE/cluster.sh" down || true
  [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null || true
  rm -rf "$WORK"
  [ $rc -eq 0 ] && echo "test-cluster: passed" || echo "test-cluster: FAILED (exit $rc)" >&2
  exit $rc
}
trap cleanup EXIT

cgr() { "$PY" -m assets.cli "$@"; }
site() {  # the settings of one build: CGR_* for $1 (local or cluster)
  echo "CGR_REPORTS_DIR=$WORK/reports CGR_DATA_DIR=$WORK/$1/data CGR_RELEASES_DIR=${2:-$WORK/$1/releases}"
}
cp -r "$REPO/seeds" "$WORK/reports"

# the profile's own unit tests, with the [cluster] extra installed (make test skips the Celery one)
(cd "$REPO" && "$PY" -m pytest -q -p no:cacheprovider tests/unit/test_cluster_profile.py)

echo "test-cluster: local build (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
env $(site local) CGR_PROFILE=local "$PY" -m assets.cli build -q

# the local S3 server, and credentials for it in every process the cluster starts
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$PY" -m moto.server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
"$PY" -c 'import boto3; boto3.client("s3").create_bucket(Bucket="cgr-test-cluster")'

echo "test-cluster: cluster up (2 workers)"
env $(site cluster) BIN="$BIN" "$HERE/cluster.sh" up 2

echo "test-cluster: cluster build"
t0=$(date +%s)
env $(site cluster) CGR_PROFILE=cluster "$PY" -m assets.cli build -q
echo "test-cluster: cluster build took $(( $(date +%s) - t0 )) s"
cmp "$WORK/local/releases/v1.0.0/SHA256SUMS" "$WORK/cluster/releases/v1.0.0/SHA256SUMS"
diff -r "$WORK/local/releases/v1.0.0" "$WORK/cluster/releases/v1.0.0"
echo "test-cluster: SHA256SUMS and every file identical to the local build's"

echo "test-cluster: the cluster publishes to s3://cgr-test-cluster/releases"
env $(site cluster "s3://cgr-test-cluster/releases") CGR_PROFILE=cluster "$PY" -m assets.cli build -q
cgr releases --store s3://cgr-test-cluster/releases --endpoint-url "$AWS_ENDPOINT_URL"
cgr download latest --store s3://cgr-test-cluster/releases --endpoint-url "$AWS_ENDPOINT_URL" --to "$WORK/download"
(cd "$WORK/download/v1.0.0" && sha256sum -c --quiet --ignore-missing SHA256SUMS)
cmp "$WORK/download/v1.0.0/SHA256SUMS" "$WORK/local/releases/v1.0.0/SHA256SUMS"
for f in "$WORK"/download/v1.0.0/*; do cmp "$f" "$WORK/local/releases/v1.0.0/$(basename "$f")"; done
echo "test-cluster: downloaded from S3, verified, identical to the local release"
