#!/bin/bash
# Run libFuzzer targets: every input of the seed corpus, then fuzzing for
# a bounded time.
#
#   run-fuzz.sh SECONDS BIN...
#
# BIN is build/fuzz-bin/fuzz_NAME; its seed corpus is tests/fuzz/corpus/NAME
# (optional).  New inputs go to a temporary folder, never into the tree.
# A crash leaves its input in build/fuzz-crashes/NAME/.  One line a target;
# exit status non-zero if any target failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$top" || exit 2
secs=${1:?seconds}
shift
rc_all=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	work=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-fuzz.XXXXXX") || exit 2
	crashes="$top/build/fuzz-crashes/$name"
	mkdir -p "$crashes"
	seeds=()
	[ -d "tests/fuzz/corpus/$name" ] && seeds=("tests/fuzz/corpus/$name")
	log="$work/log"
	rc=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	timeout -k 10 $((secs + 120)) "$bin" -max_total_time="$secs" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$crashes/" "$work" "${seeds[@]}" \
	    >"$log" 2>&1 </dev/null || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		printf '  ok   %-40s %s executions in %ss\n' "$bin" "${runs:-?}" \
		    "$secs"
	else
		printf '  FAIL %-40s exit status %d\n' "$bin" "$rc"
		sed -e 's/^/	| /' "$log" | grep -v '^	| #' | tail -n 60
		rc_all=1
	fi
	rm -rf "$work"
done
exit $rc_all
