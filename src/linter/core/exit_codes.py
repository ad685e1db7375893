"""The exit codes a script can trust (README.md "Exit codes"; ``check --help`` prints the table).

A module of its own so that the command line knows them without loading the run's result types."""

EXIT_OK = 0  # every report checked, nothing at or above --fail-on
EXIT_FINDINGS = 1  # findings at or above --fail-on
EXIT_NOT_CHECKED = 2  # a report or a rule could not be checked; a usage or configuration error
EXIT_INTERRUPTED = 130  # Ctrl-C: the reports finished before it are in the outputs, marked interrupted
