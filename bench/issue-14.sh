#!/usr/bin/env bash
# Every target of issue 14 (performance) in one sitting, each benchmark printing the framework's figure beside its
# baseline, with the machine's load before each: what README's "Performance work of issue 14" table is taken from.
#
#   bash bench/issue-14.sh            the whole run (about 15 minutes on 2 quiet cores)
#   QUICK=1 bash bench/issue-14.sh    the smaller sizes (planning and the store open at --quick, 3 CLI rounds)
#
# 1. example-cli.sh: a fresh `materialize --select '*'` of the example beside `list` (CPU), decoded vs distinct rows
# 2. store-open (--quick: 2,000 vs 100) and store-open-cli.sh: plan/status/no-op materialize, 20,000 vs 100 partitions
# 3. planning: 730k asset-partitions cold, in a new process on an unchanged store, unchanged in one process
# 4. publish-small --quick: a tiny partition through the executor beside a raw write+fsync+rename
# 6. large-partition: 10 million rows in one partition beside the raw Parquet.Net write
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
quick=(); [ "${QUICK:-}" = 1 ] && quick=(--quick)
dotnet build -c Release "$here/bench/Assets.Benchmarks" -v q -nologo >/dev/null
bench() { dotnet "$here/bench/Assets.Benchmarks/bin/Release/net10.0/Assets.Benchmarks.dll" "$@"; }
load() { echo "## $1 — $(date -u +%H:%M) UTC, $(nproc) cores, $(uptime | sed 's/.*load/load/')"; }
load "target 1 and 5: example-cli.sh"; bash "$here/bench/example-cli.sh"
load "target 2: store-open"; bench --quick --only store-open
load "target 2: store-open-cli.sh"; ROUNDS=${ROUNDS:-$([ "${QUICK:-}" = 1 ] && echo 3 || echo 5)} bash "$here/bench/store-open-cli.sh"
load "target 3: planning"; bench "${quick[@]}" --only planning
load "target 4: publish-small"; bench --quick --only publish-small
load "target 6: large-partition"; bench --only large-partition
load "done"
