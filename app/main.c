#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <locale.h>

#include "rl-application.h"

int
main (int argc, char **argv)
{
  g_autoptr(RlApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, RL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = rl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
