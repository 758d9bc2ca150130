#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"

static const struct {
  const char   *name;
  RlCliCommand  run;
  const char   *summary;
} commands[] = {
  { "extract", rl_cli_extract, N_("Extract a template (minutiae, quality) from a fingerprint image") },
  { "match",   rl_cli_match,   N_("Compare two prints or templates 1:1 and show the paired minutiae") },
  { "search",  rl_cli_search,  N_("Search a print 1:N against a gallery and list the candidates") },
  { "eval",    rl_cli_eval,    N_("Measure accuracy on a folder of prints with the FVC protocol") },
  { "demo",    rl_cli_demo,    N_("Build a demo workspace") },
  { "audit",   rl_cli_audit,   N_("Check the workspace's audit log (audit verify)") },
  { "users",   rl_cli_users,   N_("List the workspace's users") },
  { "identity", rl_cli_identity, N_("Show an identity as a user may see it (audited); list and resolve identity links") },
  { "import",  rl_cli_import,  N_("Import ANSI/NIST-ITL transactions and print images into a workspace") },
  { "export",  rl_cli_export,  N_("Write an encounter or identity as an ANSI/NIST-ITL transaction") },
  { "convert", rl_cli_convert, N_("Convert a print image between WSQ, PNG, PGM, TIFF, JPEG and BMP") },
  { "chart",   rl_cli_chart,   N_("Write the court chart of a candidate (PDF or PNG)") },
  { "release", rl_cli_release, N_("Evaluate, approve, activate or roll back matcher releases") },
  { "access", rl_cli_access, N_("List, grant and revoke who may read restricted derogatory records") },
  { "partner", rl_cli_partner, N_("Add gateway partners, set their sharing agreements, revoke their keys") },
  { "tune",    rl_cli_tune,    N_("Tune a draft matcher release on the examiners' corrections") },
};

int
rl_cli_fail (const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "ridgeline-cli: %s\n", message);
  return 1;
}

int
rl_cli_fail_error (const GError *error)
{
  return rl_cli_fail ("%s", error ? error->message : _("unknown error"));
}

static void
usage (FILE *out)
{
  fprintf (out, _("Usage: ridgeline-cli COMMAND [OPTION…]\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\nRun “ridgeline-cli COMMAND --help” for a command’s options.\n"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, RL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("ridgeline-cli %s\n", RL_VERSION);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("ridgeline-cli: unknown command “%s”\n"), argv[1]);
  usage (stderr);
  return 2;
}
