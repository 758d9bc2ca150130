/* cli-access.c — ridgeline-cli access: who may read restricted derogatory
 * records, set by a data steward (--as USER) so that the store's role check
 * and the audit log apply as everywhere else. A rule takes effect at once:
 * the store withholds restricted content in SQL on every read. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>

#include "rl-cli.h"
#include "rl-store.h"

static int
access_list (RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = rl_store_list_access_grants (store, &error);

  if (grants == NULL)
    return rl_cli_fail_error (error);
  if (grants->len == 0)
    {
      printf (_("No rules: restricted records are read only by their holding agency's own users.\n"));
      return 0;
    }
  printf ("%-4s %-14s %-14s %-14s %-12s %s\n", _("ID"), _("RECORDS OF"), _("ROLE"), _("AT AGENCY"), _("GRANTED BY"),
          _("SINCE"));
  for (guint i = 0; i < grants->len; i++)
    {
      RlAccessGrant *g = g_ptr_array_index (grants, i);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (g->granted_at);
      g_autofree char *since = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("—");

      printf ("%-4" G_GINT64_FORMAT " %-14s %-14s %-14s %-12s %s\n", g->id, g->source_agency,
              g->role ? rl_role_to_label (g->role) : _("any role"), g->agency ? g->agency : _("any agency"),
              g->granted_by && g->granted_by[0] ? g->granted_by : "—", since);
    }
  return 0;
}

int
rl_cli_access (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *as_user = NULL;
  g_autofree char *role_id = NULL;
  g_autofree char *agency_code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  const char *verb;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_user, N_("Act as this user (a data steward, to grant or revoke)"), N_("USER") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_id,
      N_("Role the rule is for: examiner, analyst, supervisor, data-steward (grant; default any role)"), N_("ROLE") },
    { "agency", 0, 0, G_OPTION_ARG_STRING, &agency_code,
      N_("Agency whose users the rule is for (grant; default any agency)"), N_("CODE") },
    { NULL }
  };

  context = g_option_context_new (_("list | grant SOURCE-AGENCY | revoke ID"));
  g_option_context_set_summary (context,
    _("A restricted derogatory record shows only “held by AGENCY” to users outside the holding\n"
      "agency. A data steward lets a role, the users of an agency, or both read the records a\n"
      "source agency holds; the rule applies at once, and every change is in the audit log."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || argc < 2)
    return rl_cli_fail (_("usage: ridgeline-cli access list|grant SOURCE-AGENCY|revoke ID --db PATH [--as USER]")), 2;
  verb = argv[1];
  if (g_str_equal (verb, "list") ? argc > 2 : argc != 3)
    return rl_cli_fail (_("usage: ridgeline-cli access list|grant SOURCE-AGENCY|revoke ID --db PATH [--as USER]")), 2;

  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (as_user != NULL)
    {
      g_autoptr(RlUser) user = rl_store_get_user_by_name (store, as_user, &error);
      if (user == NULL || !rl_store_set_actor (store, user->id, &error))
        return rl_cli_fail_error (error);
    }

  if (g_str_equal (verb, "list"))
    return access_list (store);
  if (!g_str_equal (verb, "grant") && !g_str_equal (verb, "revoke"))
    return rl_cli_fail (_("Unknown access command “%s”"), verb), 2;
  if (as_user == NULL)
    return rl_cli_fail (_("“access %s” needs --as USER (a data steward): it is done in someone’s name"), verb), 2;

  if (g_str_equal (verb, "grant"))
    {
      g_autoptr(RlAgency) source = NULL;
      g_autoptr(RlAgency) agency = NULL;
      RlRole role = 0;
      gint64 id;

      if (role_id != NULL && !rl_role_from_id (role_id, &role))
        return rl_cli_fail (_("Unknown role “%s”: examiner, analyst, supervisor or data-steward"), role_id), 2;
      if (!(source = rl_store_get_agency_by_code (store, argv[2], &error)))
        return rl_cli_fail_error (error);
      if (agency_code != NULL && !(agency = rl_store_get_agency_by_code (store, agency_code, &error)))
        return rl_cli_fail_error (error);
      if ((id = rl_store_grant_restricted_access (store, source->id, role, agency ? agency->id : 0, &error)) == 0)
        return rl_cli_fail_error (error);
      printf (_("Rule %" G_GINT64_FORMAT ": %s at %s may now read restricted records held by %s.\n"), id,
              role ? rl_role_to_label (role) : _("any role"), agency ? agency->code : _("any agency"), source->code);
      return 0;
    }
  {
    char *end = NULL;
    gint64 id = g_ascii_strtoll (argv[2], &end, 10);

    if (end == argv[2] || *end != '\0' || id <= 0)
      return rl_cli_fail (_("“%s” is not a rule id (see “access list”)"), argv[2]), 2;
    if (!rl_store_revoke_restricted_access (store, id, &error))
      return rl_cli_fail_error (error);
    printf (_("Rule %" G_GINT64_FORMAT " revoked.\n"), id);
    return 0;
  }
}
