#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>

#include "rl-cli.h"

/* Filled in by the matcher work (issue 4). */
int rl_cli_extract (int argc, char **argv) { return rl_cli_fail (_("“extract” is not available yet")); }
int rl_cli_match   (int argc, char **argv) { return rl_cli_fail (_("“match” is not available yet")); }
int rl_cli_search  (int argc, char **argv) { return rl_cli_fail (_("“search” is not available yet")); }
int rl_cli_eval    (int argc, char **argv) { return rl_cli_fail (_("“eval” is not available yet")); }
