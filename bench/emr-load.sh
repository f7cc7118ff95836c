#!/bin/sh
# Benchmarks EMRLoader.load (the CSV half of `cparctl extract --all`) in a release build.
# Usage: bench/emr-load.sh [PATIENTS] [PANELS] [THREADS]   (defaults: 1000000 200 2)
# Builds a throwaway package under bench/out/ that links the CPARCore, CPARSystem, CBytes, CPAREMR and
# CPARSampleData sources, generates sample data once per size (bench/out/data-N), then runs the load under
# /usr/bin/time -v (wall time and peak RSS).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
patients=${1:-1000000}
panels=${2:-200}
threads=${3:-2}
out=$root/bench/out
pkg=$out/pkg
mkdir -p "$pkg/Sources/emr-bench"
ln -sfn "$root/Sources/CPARCore" "$pkg/Sources/CPARCore"
ln -sfn "$root/Sources/CPAREMR" "$pkg/Sources/CPAREMR"
ln -sfn "$root/Sources/CPARSystem" "$pkg/Sources/CPARSystem"
ln -sfn "$root/Sources/CBytes" "$pkg/Sources/CBytes"
ln -sfn "$root/Sources/CPARSampleData" "$pkg/Sources/CPARSampleData"
cp "$root/bench/EMRBench/main.swift" "$pkg/Sources/emr-bench/main.swift"
cat > "$pkg/Package.swift" <<'PKG'
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "emr-bench", targets: [
    .target(name: "CPARCore"),
    .systemLibrary(name: "CBytes"),
    .target(name: "CPARSystem"),
    .target(name: "CPAREMR", dependencies: ["CPARCore", "CPARSystem", "CBytes"]),
    .target(name: "CPARSampleData", dependencies: ["CPARCore"]),
    .executableTarget(name: "emr-bench", dependencies: ["CPARCore", "CPAREMR", "CPARSampleData"]),
])
PKG
swift build -c release --package-path "$pkg" >&2
bin=$(swift build -c release --package-path "$pkg" --show-bin-path)/emr-bench
data=$out/data-$patients-$panels
if [ ! -f "$data/appointments.csv" ]; then
    /usr/bin/time -f "generate: %e s, peak RSS %M KB" "$bin" gen "$data" "$patients" "$panels" 42
fi
du -sh "$data"
cat "$data"/providers.csv "$data"/patients.csv "$data"/appointments.csv > /dev/null  # warm the page cache
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KB" "$bin" load "$data" 2026-10-31 "$threads" 3
