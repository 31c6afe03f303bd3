"""ehlokit: the test kit that the end-to-end tests (tests/e2e) and the tools (tools/hardening,
tools/mutants, tools/results, tools/bench, tools/interop) share: ehlo-server and the
third-party peers started on free loopback ports and stopped by their PID, scripted servers,
test certificates, Maildir reading, and the checks that both run (hardening, mutants).

Tests and tools import the kit; the kit imports neither. How it is found (no sys.path edits
anywhere) and what each module holds: README.md beside this file.
"""
