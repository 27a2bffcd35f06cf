#!/bin/sh
# Records the expectation of every patch case in this directory with the oracle, kubectl v1.32 (Kustomize v5.5.0):
#   expected.yaml       stdout of `kubectl kustomize CASE` when the build succeeds
#   expected-error.txt  kubectl's error message (klog prefix removed) when it fails
# Run from anywhere: sh kustomize/src/test/resources/dev/verity/kustomize/patch/cases/record.sh [CASE...]
set -u
cd "$(dirname "$0")"
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.5.0' || { echo "needs kubectl with Kustomize v5.5.0" >&2; exit 1; }
cases=${*:-$(ls -d */ | tr -d /)}
for c in $cases; do
  rm -f "$c/expected.yaml" "$c/expected-error.txt"
  if out=$(kubectl kustomize "$c" 2>/tmp/record-patch-err.$$); then
    printf '%s\n' "$out" > "$c/expected.yaml"
  else
    # klog prints: E... run.go:72] "command failed" err="MESSAGE"  (or err=< multi-line >)
    tr '\n' ' ' < /tmp/record-patch-err.$$ | sed -e 's/^.*"command failed" err=//' -e 's/^"//' -e 's/" *$//' \
      -e 's/^< *//' -e 's/ *> *$//' -e 's/\\"/"/g' -e 's/	/ /g' > "$c/expected-error.txt"
    echo >> "$c/expected-error.txt"
  fi
done
rm -f /tmp/record-patch-err.$$
