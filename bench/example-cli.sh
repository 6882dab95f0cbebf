#!/usr/bin/env bash
# The example through its command line, as a user runs it: CPU of a fresh `materialize --select '*'` beside the
# CPU of `list` on the same root (issue 14, target 1), the rows decoded against the distinct rows read (and how many
# of them were built from the rows the run wrote, with no value decoded that is proven to read back as written), `plan`
# on the populated root, and cold start with and without ReadyToRun (target 5). Medians of 3, side by side.
#
#   bash bench/example-cli.sh [NAME=PROGRAM[.dll] ...]
#
# Without arguments it builds the example (jit: what `dotnet run` runs) and publishes it ReadyToRun as the project
# says (r2r: tiered compilation off), and runs that publish once more with tiered compilation back on (r2r-tiered,
# DOTNET_TieredCompilation=1), so the three are compared in one run. EXAMPLE_CLI_COMPOSITE=1 adds a self-contained
# composite ReadyToRun publish (composite: framework and program precompiled together; about 5 minutes of CPU to
# publish and 240 MB). A PROGRAM.dll is run with `dotnet`, any other PROGRAM directly; give an older build as another
# NAME=... to compare before and after.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export Example__SourceDir="$here/example-assets/source"
programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
  dotnet build -c Release "$here/example-assets" -v q -nologo >/dev/null
  dotnet publish -c Release -r linux-x64 "$here/example-assets" -o "$work/r2r" -v q -nologo >/dev/null
  programs=("jit=$here/example-assets/bin/Release/net10.0/ExampleAssets.dll" "r2r-tiered=$work/r2r/ExampleAssets.dll" "r2r=$work/r2r/ExampleAssets.dll")
  if [ "${EXAMPLE_CLI_COMPOSITE:-}" = 1 ]; then
    dotnet publish -c Release -r linux-x64 --self-contained -p:PublishReadyToRunComposite=true "$here/example-assets" -o "$work/composite" -v q -nologo >/dev/null
    programs+=("composite=$work/composite/ExampleAssets")
  fi
fi
echo "# $(nproc) cores, $(uptime | sed 's/.*load/load/')"
# The command line of NAME's PROGRAM (in cmd): a .dll through `dotnet`; r2r-tiered with tiered compilation back on.
command_of() {
  cmd=(); [ "$1" = r2r-tiered ] && cmd=(env DOTNET_TieredCompilation=1)
  case $2 in *.dll) cmd+=(dotnet "$2") ;; *) cmd+=("$2") ;; esac
}
cpu() { /usr/bin/time -f "%U %S %e" -o "$work/t" "$@" >"$work/out" 2>&1 || true; awk '{printf "%.2f %.2f\n", $1+$2, $3}' "$work/t"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for round in 1 2 3; do
  for entry in "${programs[@]}"; do
    name=${entry%%=*}; root="$work/root-$name-$round"; command_of "$name" "${entry#*=}"
    read -r c w < <(cpu "${cmd[@]}" materialize --select '*' --root "$root" --verbose)
    decoded=$(grep -oE 'read [0-9]+ rows decoded from Parquet and [0-9]+( from its decoded-row cache; [0-9]+)?' "$work/out" | awk '{print $2 " " $8 " " ($13 == "" ? "-" : $13)}' || true)
    echo "$name materialize $c $w" >>"$work/m"; [ -n "$decoded" ] && echo "$name $decoded" >>"$work/d"
    read -r c w < <(cpu "${cmd[@]}" list --root "$root"); echo "$name list $c $w" >>"$work/m"
    read -r c w < <(cpu "${cmd[@]}" plan --select '*' --root "$root"); echo "$name plan $c $w" >>"$work/m"
  done
done
for entry in "${programs[@]}"; do
  name=${entry%%=*}
  for command in materialize list plan; do
    echo "example_${name}_${command}_cpu: $(awk -v n="$name" -v c="$command" '$1==n && $2==c {print $3}' "$work/m" | median) s"
    echo "example_${name}_${command}_wall: $(awk -v n="$name" -v c="$command" '$1==n && $2==c {print $4}' "$work/m" | median) s"
  done
  m=$(awk -v n="$name" '$1==n && $2=="materialize" {print $3}' "$work/m" | median); l=$(awk -v n="$name" '$1==n && $2=="list" {print $3}' "$work/m" | median)
  echo "example_${name}_materialize_over_list_cpu: $(awk -v m="$m" -v l="$l" 'BEGIN {printf "%.2f", m/l}') x"
  if [ -f "$work/d" ] && grep -q "^$name " "$work/d"; then
    echo "example_${name}_rows_decoded: $(awk -v n="$name" '$1==n {print $2; exit}' "$work/d") rows ($(awk -v n="$name" '$1==n {print $3; exit}' "$work/d") more read from memory; $(awk -v n="$name" '$1==n {print $4; exit}' "$work/d") built from the rows the run wrote)"
  fi
done
# Distinct rows read: every row of raw_orders (read by clean_orders) and of clean_orders (read by the others).
root=$(ls -d "$work"/root-* | head -1)
echo "example_distinct_rows_read: $(find "$root/manifests/raw_orders" "$root/manifests/clean_orders" -name '*.json' -exec grep -ho '"rowCount": *[0-9]*' {} + | awk '{s+=$2} END {print s}') rows"
