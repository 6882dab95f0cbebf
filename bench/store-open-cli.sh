#!/usr/bin/env bash
# Issue 14, target 2, through the command line as a user runs it: `plan`, `status` and a no-op `materialize` on a root
# with 20,000 published hourly partitions beside the same commands on 100, a new process each, medians of
# ${ROUNDS:-5}, interleaved; and `history` of one partition, which opens the store and reads one partition's records:
# the open alone, apart from what planning adds. Each command runs twice: after a clean close of the store (what nearly every command meets) and after
# an unclean one (the process before was killed: the pointers are listed, as every open did before the clean-close
# work). The target: 20,000 within 1.5x of 100.
#
#   bash bench/store-open-cli.sh [PROGRAM.dll]     (default: the benchmark harness, built Release)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
program=${1:-}
if [ -z "$program" ]; then
  dotnet build -c Release "$here/bench/Assets.Benchmarks" -v q -nologo >/dev/null
  program="$here/bench/Assets.Benchmarks/bin/Release/net10.0/Assets.Benchmarks.dll"
fi
sizes=(100 20000)
for size in "${sizes[@]}"; do
  dotnet "$program" hourly-cli populate "$work/root-$size" "$size"
  dotnet "$program" hourly-cli run "$size" status --root "$work/root-$size" >/dev/null   # first open: full reconciliation
done
echo "# $(nproc) cores, $(uptime | sed 's/.*load/load/')"
cpu() { /usr/bin/time -f "%U %S %e" -o "$work/t" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }; awk '{printf "%.3f %.3f\n", $1+$2, $3}' "$work/t"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for round in $(seq "${ROUNDS:-5}"); do
  for command in history plan status materialize; do
    for size in "${sizes[@]}"; do
      root="$work/root-$size"
      case $command in
        status) args=(status --root "$root") ;;
        history) args=(history --select hourly --partition 2024-01-01-05:00 --root "$root") ;;
        *) args=("$command" --select '*' --root "$root") ;;
      esac
      read -r c w < <(cpu dotnet "$program" hourly-cli run "$size" "${args[@]}"); echo "$command clean $size $c $w" >>"$work/m"
      dotnet "$program" hourly-cli kill "$root/_meta/assets.duckdb"
      read -r c w < <(cpu dotnet "$program" hourly-cli run "$size" "${args[@]}"); echo "$command unclean $size $c $w" >>"$work/m"
    done
  done
done
echo "# $(nproc) cores, $(uptime | sed 's/.*load/load/')"
for command in history plan status materialize; do
  for close in clean unclean; do
    for size in "${sizes[@]}"; do
      echo "cli_${command}_after_${close}_close_${size}_wall: $(awk -v c="$command" -v k="$close" -v s="$size" '$1==c && $2==k && $3==s {print $5}' "$work/m" | median) s"
      echo "cli_${command}_after_${close}_close_${size}_cpu: $(awk -v c="$command" -v k="$close" -v s="$size" '$1==c && $2==k && $3==s {print $4}' "$work/m" | median) s"
    done
    small=$(awk -v c="$command" -v k="$close" '$1==c && $2==k && $3==100 {print $5}' "$work/m" | median)
    large=$(awk -v c="$command" -v k="$close" '$1==c && $2==k && $3==20000 {print $5}' "$work/m" | median)
    echo "cli_${command}_after_${close}_close_ratio_wall: $(awk -v a="$large" -v b="$small" 'BEGIN {printf "%.2f", a/b}') x"
    small=$(awk -v c="$command" -v k="$close" '$1==c && $2==k && $3==100 {print $4}' "$work/m" | median)
    large=$(awk -v c="$command" -v k="$close" '$1==c && $2==k && $3==20000 {print $4}' "$work/m" | median)
    echo "cli_${command}_after_${close}_close_ratio_cpu: $(awk -v a="$large" -v b="$small" 'BEGIN {printf "%.2f", a/b}') x"
  done
done
