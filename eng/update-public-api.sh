#!/usr/bin/env bash
# Records the public API of every library in its PublicAPI.Unshipped.txt: what a build reports as RS0016 (public
# but not recorded) is added, what it reports as RS0017 (recorded but gone) is removed. Run it after changing a public
# type or member and commit the .txt changes with the code, so review sees the public change.
#
#   eng/update-public-api.sh            record the changes of every library
#   eng/update-public-api.sh Assets.Core   only that library (a folder name under src/)
#   eng/update-public-api.sh --ship     at a release: move every Unshipped entry into PublicAPI.Shipped.txt
set -euo pipefail
cd "$(dirname "$0")/.."

ship=false
libraries=()
for arg in "$@"; do
  case "$arg" in
    --ship) ship=true ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) [[ -f "src/$arg/$arg.csproj" ]] || { echo "No library src/$arg/$arg.csproj; the libraries are: $(ls src | tr '\n' ' ')" >&2; exit 2; }
       libraries+=("$arg") ;;
  esac
done
if [[ ${#libraries[@]} -eq 0 ]]; then
  for dir in src/*/; do
    name=$(basename "$dir")
    [[ -f "$dir/PublicAPI.Shipped.txt" ]] && libraries+=("$name")
  done
fi

if $ship; then
  for name in "${libraries[@]}"; do
    dir="src/$name"
    # Shipped = Shipped + Unshipped (without the header lines), sorted; Unshipped keeps only the header.
    { echo '#nullable enable'; { grep -h -v -e '^#' -e '^$' "$dir/PublicAPI.Shipped.txt" "$dir/PublicAPI.Unshipped.txt" || true; } | LC_ALL=C sort -u; } > "$dir/PublicAPI.Shipped.txt.new"
    mv "$dir/PublicAPI.Shipped.txt.new" "$dir/PublicAPI.Shipped.txt"
    echo '#nullable enable' > "$dir/PublicAPI.Unshipped.txt"
    echo "$name: shipped"
  done
  exit 0
fi

for name in "${libraries[@]}"; do
  project="src/$name/$name.csproj"
  # dotnet format applies the analyzers' own code fixes: RS0016's adds the symbol to PublicAPI.Unshipped.txt,
  # RS0017's removes it. A library's API can depend on another's, so each is restored and built first.
  dotnet restore "$project" --verbosity quiet
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 RS0036 RS0037 --severity info --no-restore --verbosity quiet
  # Keep the files in one order so that two branches adding symbols merge line by line.
  for file in "src/$name/PublicAPI.Shipped.txt" "src/$name/PublicAPI.Unshipped.txt"; do
    { echo '#nullable enable'; { grep -v -e '^#nullable' -e '^$' "$file" || true; } | LC_ALL=C sort -u; } > "$file.new"
    mv "$file.new" "$file"
  done
  echo "$name: public API recorded in src/$name/PublicAPI.Unshipped.txt"
done

# What remains unrecorded fails the build here rather than in CI.
for name in "${libraries[@]}"; do
  if ! output=$(dotnet build "src/$name/$name.csproj" --no-restore --verbosity quiet -nologo 2>&1); then
    echo "$output" | grep -E 'error' | sort -u >&2
    echo "src/$name does not build (above); fix that and run this script again." >&2
    exit 1
  fi
done
