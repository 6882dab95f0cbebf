#!/usr/bin/env bash
# Proves that a new user's first five minutes work, as CI runs it (.ci/run): packs every package into a local feed,
# installs the template into a throwaway template hive, creates a project in a temporary folder with
# `dotnet new assets`, builds it against the local feed, runs `materialize --select '*'` and the project's tests,
# then publishes it as its README says and runs the published program.
# The packages get a unique pre-release version (0.1.0-smoke.<time>), so a package cached by an earlier run is never
# mistaken for this build. Prints how long it took. Leaves nothing behind but NuGet's cache entries of those versions.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/assets-template-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
suffix="smoke.$(date +%s)"
prefix=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props)
version="$prefix-$suffix"
echo "== packing $version into $feed"
for project in src/Assets.Core src/Assets.Storage src/Assets.Host src/Assets.Testing templates/Assets.Templates; do
  dotnet pack "$project" -c Release -o "$feed" -p:VersionSuffix="$suffix" --nologo --verbosity quiet
done
ls "$feed"

export DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# DOTNET_CLI_HOME, for the two template commands only, puts the template hive in the work folder: the machine's own
# templates are not touched (restores below use the machine's usual NuGet configuration and cache).
hive="$work/home"
echo "== dotnet new install (hive: $hive)"
DOTNET_CLI_HOME="$hive" dotnet new install "$feed/Assets.Templates.$version.nupkg"

echo "== dotnet new assets -o Sales"
mkdir -p "$work/projects"
cd "$work/projects"
DOTNET_CLI_HOME="$hive" dotnet new assets -o Sales --AssetsVersion "$version"
cd Sales
# The local feed beside the machine's sources: the Assets packages of this exact version exist only there.
cat > nuget.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="assets-local" value="$feed" />
  </packageSources>
</configuration>
CONFIG

echo "== build"
dotnet build --nologo --verbosity quiet
echo "== materialize --select '*'"
dotnet run --project Sales --no-build -- materialize --select '*'
dotnet run --project Sales --no-build -- status
echo "== test"
dotnet test --no-build --nologo
echo "== publish (ReadyToRun, as the project's README says) and run the published program"
# A Release build derives other code versions than the Debug build above (the compiler emits other IL), so the
# published program first brings the root up to date, then must find every partition published.
dotnet publish Sales -c Release -o "$work/published" --nologo --verbosity quiet
"$work/published/Sales" materialize --select '*'
"$work/published/Sales" status --json > "$work/status.json"
if grep -Eq '"status": *"(missing|stale|failed)"' "$work/status.json"; then
  echo "the published program left partitions that are not published:" >&2; cat "$work/status.json" >&2; exit 1
fi

echo "== template smoke test passed in $(( $(date +%s) - started ))s"
