#!/bin/bash
# Run Portcullis's test programs and print one summary line.
#
#   run-tests.sh [--no-integration] BIN... -- SANBIN... [-- FUZZBIN...]
#
# Every BIN is a cmocka test program; the SANBINs are the same programs
# built with ASan+UBSan; the FUZZBINs (after a second --) are libFuzzer
# targets, each run over its seed corpus and then for PC_FUZZ_SECONDS
# (default 5) by run-fuzz.sh, counting as one test each.  Each runs with the repository root as its working
# directory and CMOCKA_MESSAGE_OUTPUT=TAP, so its results can be counted
# from the "ok" / "not ok" lines.  A program that crashes, hangs, exits
# non-zero without reporting a failure, or reports fewer tests than its plan
# counts as failed.  Then, unless --no-integration, pytest runs
# tests/integration (when it holds tests) with /usr/bin/python3.
#
# The last line printed is always
#   check: N passed, N failed, N skipped
# and the exit status is non-zero if anything failed.
#
# PC_TEST_TIMEOUT (seconds, default 600) bounds each test program.
# PC_PYTEST_ARGS adds arguments to the pytest command line.

set -u

top=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$top" || exit 2

integration=yes
if [ "${1:-}" = "--no-integration" ]; then
	integration=no
	shift
fi

bins=()
sanbins=()
fuzzbins=()
seps=0
for a in "$@"; do
	if [ "$a" = "--" ] && [ $seps -lt 2 ]; then
		seps=$((seps + 1))
	elif [ $seps -eq 0 ]; then
		bins+=("$a")
	elif [ $seps -eq 1 ]; then
		sanbins+=("$a")
	else
		fuzzbins+=("$a")
	fi
done

timeout_s=${PC_TEST_TIMEOUT:-600}
total_pass=0
total_fail=0
total_skip=0
bad_programs=()

logdir=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-tests.XXXXXX") || exit 2
trap 'rm -rf "$logdir"' EXIT

# run_program BIN: run one cmocka program and add up its results.
run_program() {
	local bin=$1 log rc plan pass fail skip seen missing status
	local name

	name=$(printf '%s' "$bin" | tr '/' '_')
	log="$logdir/$name.log"
	if [ ! -x "$bin" ]; then
		printf '  FAIL %-40s not built or not executable\n' "$bin"
		total_fail=$((total_fail + 1))
		bad_programs+=("$bin")
		return
	fi
	rc=0
	# The outer 2>/dev/null only hides bash's own "Aborted" notice; the
	# program's output goes to the log.
	{ CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 10 "$timeout_s" \
	    "$bin" >"$log" 2>&1 </dev/null; } 2>/dev/null || rc=$?

	# TAP from cmocka: "1..N", "ok I - name", "not ok I - name", and
	# "not ok I # SKIP name" (cmocka 1.1 marks skips as "not ok").
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
	skip=$(grep -Ec '^(not )?ok [0-9]+ # SKIP' "$log")
	pass=$(grep -Ec '^ok [0-9]+' "$log")
	fail=$(grep -Ec '^not ok [0-9]+' "$log")
	# Skips were counted in pass or fail too: take them out again.
	local skip_ok skip_notok
	skip_ok=$(grep -Ec '^ok [0-9]+ # SKIP' "$log")
	skip_notok=$((skip - skip_ok))
	pass=$((pass - skip_ok))
	fail=$((fail - skip_notok))
	seen=$((pass + fail + skip))

	status=ok
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		status="timed out after ${timeout_s}s"
	elif [ $rc -gt 128 ]; then
		status="killed by signal $((rc - 128))"
	fi
	# Tests the plan announced but that never reported (a crash, an
	# abort from a sanitizer) count as failed.
	if [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
		missing=$((plan - seen))
		fail=$((fail + missing))
		[ "$status" = ok ] && status="$missing test(s) did not report"
	fi
	# A program that exits non-zero must show at least one failure.
	if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		[ "$status" = ok ] && status="exit status $rc"
	fi
	if [ -z "$plan" ] && [ "$seen" -eq 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		status="no TAP output"
	fi

	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	if [ "$fail" -gt 0 ]; then
		printf '  FAIL %-40s %d passed, %d failed, %d skipped%s\n' \
		    "$bin" "$pass" "$fail" "$skip" \
		    "$([ "$status" != ok ] && printf ' (%s)' "$status")"
		bad_programs+=("$bin")
		# Show why: the whole log, indented, capped at 200 lines.
		sed -e 's/^/	| /' "$log" | head -n 200
	else
		printf '  ok   %-40s %d passed, %d failed, %d skipped\n' \
		    "$bin" "$pass" "$fail" "$skip"
	fi
}

if [ ${#bins[@]} -gt 0 ]; then
	echo "unit, known-answer and in-process tests:"
	for b in "${bins[@]}"; do
		run_program "$b"
	done
fi

if [ ${#sanbins[@]} -gt 0 ]; then
	echo "the same under AddressSanitizer and UndefinedBehaviorSanitizer:"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	for b in "${sanbins[@]}"; do
		run_program "$b"
	done
	unset ASAN_OPTIONS UBSAN_OPTIONS
fi

# pytest's counts from its JUnit XML report.
run_integration() {
	local xml="$logdir/pytest.xml" rc=0 counts p f s

	echo "integration tests (pytest tests/integration):"
	# shellcheck disable=SC2086
	/usr/bin/python3 -m pytest -q -rs -o junit_family=xunit1 --junitxml="$xml" \
	    ${PC_PYTEST_ARGS:-} tests/integration </dev/null || rc=$?
	if [ ! -s "$xml" ]; then
		echo "  FAIL pytest wrote no report (exit status $rc)"
		total_fail=$((total_fail + 1))
		bad_programs+=("pytest")
		return
	fi
	counts=$(/usr/bin/python3 - "$xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = f = s = 0
for su in suites:
    t += int(su.get("tests", 0))
    f += int(su.get("failures", 0)) + int(su.get("errors", 0))
    s += int(su.get("skipped", 0))
print(t - f - s, f, s)
EOF
	) || counts=""
	if [ -z "$counts" ]; then
		echo "  FAIL could not read pytest's report"
		total_fail=$((total_fail + 1))
		bad_programs+=("pytest")
		return
	fi
	read -r p f s <<<"$counts"
	# Exit status 5 means nothing was collected; anything else non-zero
	# without a counted failure (an internal error) is a failure.
	if [ $rc -ne 0 ] && [ $rc -ne 5 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	if [ "$f" -gt 0 ]; then
		bad_programs+=("pytest")
	fi
	printf '  %-4s %-40s %d passed, %d failed, %d skipped\n' \
	    "$([ "$f" -gt 0 ] && echo FAIL || echo ok)" "tests/integration" \
	    "$p" "$f" "$s"
}

if [ ${#fuzzbins[@]} -gt 0 ]; then
	echo "fuzz targets (seed corpus, then ${PC_FUZZ_SECONDS:-5}s each):"
	for b in "${fuzzbins[@]}"; do
		if build-aux/run-fuzz.sh "${PC_FUZZ_SECONDS:-5}" "$b"; then
			total_pass=$((total_pass + 1))
		else
			total_fail=$((total_fail + 1))
			bad_programs+=("$b")
		fi
	done
fi

if [ $integration = yes ]; then
	if [ -d tests/integration ] && [ -n "$(find tests/integration \
	    -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)" ]
	then
		run_integration
	else
		echo "integration tests: none in tests/integration"
	fi
fi

if [ ${#bad_programs[@]} -gt 0 ]; then
	echo "failed: ${bad_programs[*]}"
fi
echo "check: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
