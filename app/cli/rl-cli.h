/* rl-cli.h — ridgeline-cli's commands. Each group of commands lives in a file
 * of its own (cli-matcher.c, cli-store.c, cli-interchange.c, ...) and is
 * listed once in ridgeline-cli.c's table. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A command gets argv with argv[0] = the command's name ("extract").
 * It returns the process exit status: 0 success, 1 failure, 2 usage error. */
typedef int (*RlCliCommand) (int argc, char **argv);

/* Prints "ridgeline-cli: " + message to stderr, returns 1. */
int rl_cli_fail (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* Prints a GError to stderr, returns 1. */
int rl_cli_fail_error (const GError *error);

/* Matcher commands (cli-matcher.c: extract; cli-compare.c: match, search, eval) */
int rl_cli_extract (int argc, char **argv);
int rl_cli_match   (int argc, char **argv);
int rl_cli_search  (int argc, char **argv);
int rl_cli_eval    (int argc, char **argv);

/* Store commands (cli-store.c) */
int rl_cli_demo    (int argc, char **argv);
int rl_cli_audit   (int argc, char **argv);
int rl_cli_users   (int argc, char **argv);

/* Identity commands: show, links, resolve-link (cli-identity.c) */
int rl_cli_identity (int argc, char **argv);

/* Interchange commands (cli-import.c) */
int rl_cli_import  (int argc, char **argv);
int rl_cli_export  (int argc, char **argv);

/* Image conversion, WSQ (cli-interchange.c) */
int rl_cli_convert (int argc, char **argv);

/* Court chart (cli-chart.c) */
int rl_cli_chart   (int argc, char **argv);

/* Matcher releases (cli-release.c) */
int rl_cli_release (int argc, char **argv);

/* Gateway partners and sharing agreements (cli-partner.c) */
int rl_cli_partner (int argc, char **argv);
/* Who may read restricted records (cli-access.c) */
int rl_cli_access  (int argc, char **argv);
/* Tuning (cli-tune.c) */
int rl_cli_tune    (int argc, char **argv);

G_END_DECLS
