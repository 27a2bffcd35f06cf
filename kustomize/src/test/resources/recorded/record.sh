#!/usr/bin/env bash
# Records the expectation of recorded cases with the oracle, `kubectl kustomize` (v1.32, Kustomize v5.5.0):
#   ./record.sh CASE...     (each CASE a folder holding case.yaml and input/)
# Writes CASE/expected.yaml (stdout) when the build succeeds, else CASE/expected-error.txt (kubectl's message) and
# sets `expect: error` in case.yaml. Never edit the expected files by hand.
set -euo pipefail
kubectl version --client | grep -q 'Kustomize Version: v5.5.0' || { echo "record.sh: needs kubectl with Kustomize v5.5.0" >&2; exit 1; }
for dir in "$@"; do
  root=$(sed -n 's/^root: *//p' "$dir/case.yaml"); root=${root:-.}
  rm -f "$dir/expected.yaml" "$dir/expected-error.txt"
  if (cd "$dir" && kubectl kustomize "input/$root" > expected.yaml 2> .stderr); then
    sed -i 's/^expect: .*/expect: output/' "$dir/case.yaml"
    echo "$dir: output"
  else
    rm -f "$dir/expected.yaml"
    # kubectl's klog line without its time stamp: err="..." on one line, or err=< then the message, then " >"
    sed -i '/^# Warning: /d' "$dir/.stderr"
    sed -e '1s/^E[0-9]* [0-9:.]* *[0-9]* [a-z_.]*:[0-9]*\] "command failed" err=//' \
        -e '1s/^"\(.*\)"$/\1/' -e '1{/^<$/d}' -e '${/^ *>$/d}' -e 's/^\t//' "$dir/.stderr" > "$dir/expected-error.txt"
    sed -i 's/^expect: .*/expect: error/' "$dir/case.yaml"
    echo "$dir: error: $(head -c 200 "$dir/expected-error.txt")"
  fi
  rm -f "$dir/.stderr"
done
