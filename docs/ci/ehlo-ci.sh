#!/usr/bin/env bash
# The shell part of the CI recipes of docs/ci.md: the GitHub Actions workflow and the GitLab CI
# job beside this script both run it, and Ehlo's own tests run it against local servers.
#
#   ehlo-ci.sh build   install the build's Debian packages (as root, or through sudo) and
#                      build ehlo-check from the Ehlo checkout this script is in
#   ehlo-ci.sh check   check the SMTP server at $EHLO_TARGET, writing JUnit and HTML reports
#
# Settings, from the environment:
#   EHLO_TARGET       HOST:PORT of the server to check (required by check)
#   EHLO_BASELINE     the known failures, one "ID VERDICT" a line (default:
#                     ci/smtp-baseline.txt if that file exists; empty: no baseline)
#   EHLO_REPORTS_DIR  where ehlo.xml (JUnit) and ehlo.html go (default: ehlo-reports)
#   EHLO_ARGS         more ehlo-check options, as shell words: --rcpt postmaster@example.test
#   EHLO_WAIT         seconds to wait for the target to accept connections (default: 30)
#   EHLO_CHECK        the ehlo-check to run (default: the checkout's build/ehlo-check when it
#                     is there, else the one on PATH, as the .deb installs it)
#   EHLO_BUILD_DIR    where build puts the build (default: build/ in the checkout, fresh on a
#                     CI runner; in a checkout whose build/ is a developer's, give another)
#
# Exit status: check passes on ehlo-check's (0: no FAIL or ERROR beyond the baseline; 1: some;
# 2: the run could not start); 2 for a bad setting.
set -euo pipefail

EHLO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${EHLO_BUILD_DIR:-$EHLO_DIR/build}
DEFAULT_BASELINE=ci/smtp-baseline.txt

fail() {
    echo "ehlo-ci: $1" >&2
    exit 2
}

# The programs need only the build job's packages (tools/setup --print-packages build); tests
# and the API documentation are left out of this build.
build() {
    bash "$EHLO_DIR/tools/setup" --install-only build
    cmake -S "$EHLO_DIR" -B "$BUILD_DIR" -DBUILD_TESTING=OFF -DEHLO_DOCS=OFF
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target ehlo-check
}

ehlo_check_program() {
    if [[ -n ${EHLO_CHECK:-} ]]; then
        echo "$EHLO_CHECK"
    elif [[ -x $BUILD_DIR/ehlo-check ]]; then
        echo "$BUILD_DIR/ehlo-check"
    elif command -v ehlo-check >/dev/null; then
        command -v ehlo-check
    else
        fail "no ehlo-check: run 'ehlo-ci.sh build', install the .deb, or set EHLO_CHECK"
    fi
}

# The baseline file to give, or nothing: an explicit EHLO_BASELINE must exist.
baseline_file() {
    if [[ -z ${EHLO_BASELINE+set} ]]; then
        if [[ -f $DEFAULT_BASELINE ]]; then
            echo "$DEFAULT_BASELINE"
        else
            echo "ehlo-ci: no $DEFAULT_BASELINE: every FAIL and ERROR counts" >&2
        fi
    elif [[ -n $EHLO_BASELINE ]]; then
        [[ -f $EHLO_BASELINE ]] || fail "EHLO_BASELINE: no file $EHLO_BASELINE"
        echo "$EHLO_BASELINE"
    fi
}

# Waits until HOST:PORT accepts a TCP connection (a server started in the step before may
# still be starting), for at most EHLO_WAIT seconds; ehlo-check then says what it finds.
wait_for_target() {
    local host=${EHLO_TARGET%:*} port=${EHLO_TARGET##*:} waited=0
    host=${host#[}
    host=${host%]}
    # shellcheck disable=SC2016 # the inner shell expands $1 and $2
    until timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; do
        if ((waited >= ${EHLO_WAIT:-30})); then
            echo "ehlo-ci: $EHLO_TARGET accepts no connection after $waited s" >&2
            return 0
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

check() {
    [[ -n ${EHLO_TARGET:-} ]] || fail "set EHLO_TARGET to the HOST:PORT of the server to check"
    local program baseline words reports=${EHLO_REPORTS_DIR:-ehlo-reports}
    local -a extra=()
    program=$(ehlo_check_program)
    baseline=$(baseline_file)
    # xargs reads the words as a shell would (quotes, no globbing), and runs nothing.
    words=$(xargs -r printf '%s\n' <<<"${EHLO_ARGS:-}") || fail "EHLO_ARGS: unmatched quote"
    [[ -z $words ]] || mapfile -t extra <<<"$words"
    mkdir -p "$reports"
    local -a command=("$program" "$EHLO_TARGET" --junit "$reports/ehlo.xml"
                      --html "$reports/ehlo.html" ${baseline:+--baseline "$baseline"}
                      "${extra[@]}")
    wait_for_target
    echo "ehlo-ci: ${command[*]}"
    local status=0
    "${command[@]}" || status=$?
    echo "ehlo-ci: ehlo-check exited with $status; reports in $reports/"
    return "$status"
}

case ${1:-} in
    build) build ;;
    check) check ;;
    *) fail "usage: ehlo-ci.sh build|check (settings in the environment, see the script)" ;;
esac
