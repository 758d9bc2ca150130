#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>

#include "rl-cli.h"

/* Filled in by the matcher work (issue 4). match, search and eval are in cli-compare.c. */
int rl_cli_extract (int argc, char **argv) { return rl_cli_fail (_("“extract” is not available yet")); }
