#!/usr/bin/env bash
# Nu HTML Checker (vnu.jar from the vnu-jar npm package, run by the system Java) on every
# .html file of a built psirt-site output, in one JVM: any error fails; warnings are ignored.
#
# usage: .ci/vnu-check.sh <output-dir>
set -euo pipefail

out=${1:?usage: vnu-check.sh <output-dir>}
jar="$(dirname "$0")/node_modules/vnu-jar/build/dist/vnu.jar"
[ -f "$jar" ] || { echo "vnu-check: $jar is missing: run npm ci in .ci/"; exit 1; }

mapfile -d '' files < <(find "$out" -type f -name '*.html' -print0 | sort -z)
if [ "${#files[@]}" -eq 0 ]; then
    echo "FAIL no .html file under $out"
    exit 1
fi
if java -jar "$jar" --errors-only --skip-non-html "${files[@]}"; then
    echo "Nu HTML checker: ${#files[@]} files, no errors"
else
    echo "FAIL Nu HTML checker found errors in the files above (${#files[@]} files checked)"
    exit 1
fi
