// SPDX-License-Identifier: MIT
/*
 * encl: the command-line front end. It only dispatches; each subcommand
 * lives in its own file. To add one, write tools/encl/NAME.c with
 * cmd_NAME(), declare it in cmd.h, and add its line to the table below.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tools/encl/cmd.h"

struct encl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* One line per subcommand, in alphabetical order. */
static const struct encl_cmd commands[] = {
	{ "advise",	cmd_advise,	"run a program and print the SCONE_MIN_HEAP and SCONE_HEAP it needs" },
	{ "cas",	cmd_cas,	"run the configuration and attestation service, or manage its sessions" },
	{ "detect",	cmd_detect,	"show what this machine supports: SGX1/SGX2/FLC/EXINFO, driver, EDMM" },
	{ "dump",	cmd_dump,	"write the layout of an enclave executable as a dump" },
	{ "info",	cmd_info,	"show the signed parameters, identities and checks of an executable" },
	{ "keygen",	cmd_keygen,	"generate an RSA-3072, e = 3 enclave signing key" },
	{ "measure",	cmd_measure,	"print the MRENCLAVE of a layout dump" },
	{ "policy",	cmd_policy,	"check an executable against a session policy, or write one" },
	{ "sign",	cmd_sign,	"sign both layouts of an enclave executable" },
	{ "sigstruct",	cmd_sigstruct,	"show, verify or sign a SIGSTRUCT file" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void list_commands(FILE *f)
{
	size_t i;

	fprintf(f, "usage: encl COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-12s %s\n", "help", "this list, or 'encl help COMMAND' for one command");
	fprintf(f, "  %-12s %s\n", "--version", "the release, the commit it was built from, the C libraries");
	fprintf(f, "\n'encl COMMAND --help' describes a command. Options take their value as\n"
		   "--opt VALUE or --opt=VALUE.\n");
}

static const struct encl_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int run(const struct encl_cmd *c, int argc, char **argv)
{
	char name[32];

	/* An entry point gets argv[0] = "encl NAME" (cmd.h). */
	snprintf(name, sizeof(name), "encl %s", c->name);
	argv[0] = name;
	optind = 0;	/* a full getopt reset, for the subcommand's own parse */
	return c->fn(argc, argv);
}

/* "encl help [COMMAND]" */
static int help(int argc, char **argv)
{
	char help_opt[] = "--help";
	const struct encl_cmd *c;
	char *args[3];

	if (argc < 2) {
		list_commands(stdout);
		return ENCL_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "encl: unknown command '%s'; 'encl --help' lists them\n", argv[1]);
		return ENCL_EXIT_USAGE;
	}
	args[0] = argv[1];
	args[1] = help_opt;
	args[2] = NULL;
	return run(c, 2, args);
}

int main(int argc, char **argv)
{
	const struct encl_cmd *c;

	if (argc < 2) {
		list_commands(stderr);
		return ENCL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		encl_print_version(stdout);
		return ENCL_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "encl: unknown command '%s'; 'encl --help' lists them\n", argv[1]);
		return ENCL_EXIT_USAGE;
	}
	return run(c, argc - 1, argv + 1);
}
