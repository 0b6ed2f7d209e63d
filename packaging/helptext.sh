# SPDX-License-Identifier: MIT
#
# How the encl tools' --help texts are laid out, for the generators that
# read them (help2roff, help2completion): source it. Each function reads a
# help text on standard input.

# The usage lines: "usage: X" and the lines under it, without "usage:".
usage_lines() { awk '/^usage: /{ u = 1; sub(/^usage: */, "") } u && /^$/ { exit } u { sub(/^ +/, ""); print }'; }

# Everything after the usage lines.
after_usage() { awk 'd { print } /^$/ { d = 1 }'; }

# A tool with commands lists them as "  NAME   what it does" under
# "commands:"; "help" is not one of them.
commands() { awk '/^commands:/{ c = 1; next } c && /^$/ { exit } c && $1 != "help" { print $1 }'; }

# subcommands PREFIX: the plain words that follow PREFIX ("encl policy") in
# the usage lines: "check" in "encl policy check POLICY ...".
subcommands() {
	usage_lines | awk -v p="$1" 'index($0, p " ") == 1 {
		n = split(p, w, " "); split($0, a, " ")
		if (a[n + 1] ~ /^[a-z][a-z0-9-]*$/ && !seen[a[n + 1]]++) print a[n + 1] }'
}
