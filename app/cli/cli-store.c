#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>

#include "rl-cli.h"
#include "rl-store.h"

int rl_cli_demo  (int argc, char **argv) { return rl_cli_fail (_("“demo” is not available yet")); }
int rl_cli_audit (int argc, char **argv) { return rl_cli_fail (_("“audit” is not available yet")); }

int
rl_cli_users (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("List the workspace’s users with their role and agency."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL)
    return rl_cli_fail (_("--db PATH is required")), 2;
  if (!(store = rl_store_open (db, &error)) || !(users = rl_store_list_users (store, &error)))
    return rl_cli_fail_error (error);
  for (guint i = 0; i < users->len; i++)
    {
      RlUser *u = g_ptr_array_index (users, i);
      printf ("%-16s %-28s %-14s %s\n", u->username, u->display_name, rl_role_to_id (u->role), u->agency);
    }
  return 0;
}
