#!/usr/bin/env bash
# Instructions per request of the API's hot paths: a figure that machine noise does not move.
#
#   bench/instructions.sh detail,list_typical,create [N1 N2]
#
# Runs bench/hotpaths.py --asgi under valgrind's callgrind twice per operation, with N1 and N2
# measured requests (default 40 and 240), and prints (I(N2) - I(N1)) / (N2 - N1): the user-space
# instructions one more request costs, setup and warm-up cancelled out. CPU time per request swings
# by a third on a shared machine; this moves by ~1% (detail) to ~3% (lists, whose pages differ in
# size) between runs of the same code, so an A/B of a small change is readable. Kernel time
# (syscalls) is not counted. Needs valgrind (`apt-get install valgrind`) and what hotpaths.py
# needs (the bench dataset, Redis). About a minute per operation.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
ops=${1:-detail,list_typical,create}
n1=${2:-40}
n2=${3:-240}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for op in ${ops//,/ }; do
  for n in "$n1" "$n2"; do
    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file="$out/$op-$n.out" --cache-sim=no \
      .venv/bin/python bench/hotpaths.py --asgi --requests "$n" --only "$op" >"$out/$op-$n.log" 2>&1 &
  done
  wait
  a=$(awk '/Collected/ {print $4}' "$out/$op-$n1.log")
  b=$(awk '/Collected/ {print $4}' "$out/$op-$n2.log")
  if [ -z "$a" ] || [ -z "$b" ]; then
    echo "$op: failed; see the hotpaths output:" >&2
    tail -5 "$out/$op-$n2.log" >&2
    exit 1
  fi
  awk -v op="$op" -v a="$a" -v b="$b" -v n1="$n1" -v n2="$n2" \
    'BEGIN { printf "%-14s %.3f M instructions per request\n", op, (b - a) / (n2 - n1) / 1e6 }'
done
