/* cli-partner.c — ridgeline-cli partner: the gateway's partners and their
 * sharing agreements, edited by a data steward (--as USER) so that the
 * store's role check and the audit log apply as everywhere else.
 *
 * The API key is printed once, when the partner is added: only its SHA-256
 * is stored, so it cannot be shown again (revoke and add anew instead). */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-sharing.h"
#include "rl-store.h"

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = t > 0 ? g_date_time_new_from_unix_utc (t) : NULL;
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("—");
}

static RlPartner *
find_partner (RlStore *store, const char *name_or_id, GError **error)
{
  char *end = NULL;
  gint64 id = g_ascii_strtoll (name_or_id, &end, 10);

  if (end != name_or_id && *end == '\0' && id > 0)
    return rl_store_get_partner (store, id, error);
  return rl_store_get_partner_by_name (store, name_or_id, error);
}

static int
partner_list (RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) partners = rl_store_list_partners (store, &error);

  if (partners == NULL)
    return rl_cli_fail_error (error);
  printf ("%-4s %-20s %-14s %-13s %-8s %s\n", _("ID"), _("NAME"), _("AGENCY"), _("KEY"), _("STATE"), _("SHARES"));
  for (guint i = 0; i < partners->len; i++)
    {
      RlPartner *p = g_ptr_array_index (partners, i);
      guint n_cats = 0, n_fields = 0;

      for (int c = 1; c <= RL_DEROGATORY_N_CATEGORIES; c++)
        n_cats += rl_partner_shares_category (p, c);
      for (guint f = 1; f <= RL_BIOGRAPHIC_ALL; f <<= 1)
        n_fields += rl_partner_shares_field (p, f);
      printf ("%-4" G_GINT64_FORMAT " %-20s %-14s %-13s %-8s ", p->id, p->name, p->agency,
              p->key_prefix, p->active ? _("active") : _("revoked"));
      /* TRANSLATORS: a partner's agreement in one line: derogatory
       * categories shared, biographic fields shared, encounter summary. */
      printf (_("%u categories, %u fields, summary %s\n"), n_cats, n_fields,
              p->encounter_summary ? _("yes") : _("no"));
    }
  return 0;
}

static int
partner_show (RlStore *store, const char *which)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlPartner) p = find_partner (store, which, &error);
  g_autofree char *created = NULL, *revoked = NULL, *updated = NULL;

  if (p == NULL)
    return rl_cli_fail_error (error);
  created = format_time (p->created_at);
  revoked = format_time (p->revoked_at);
  updated = format_time (p->agreement_updated_at);
  printf (_("Partner %s (id %" G_GINT64_FORMAT "), agency %s\n"), p->name, p->id, p->agency);
  printf (_("Key:       %s… (%s)\n"), p->key_prefix, p->active ? _("active") : _("revoked"));
  printf (_("Added:     %s\n"), created);
  if (p->revoked_at)
    printf (_("Revoked:   %s\n"), revoked);
  printf (_("Agreement (last changed %s):\n"), updated);
  printf (_("  Derogatory categories:\n"));
  if (p->derogatory_categories == 0)
    printf (_("    none\n"));
  for (int c = 1; c <= RL_DEROGATORY_N_CATEGORIES; c++)
    if (rl_partner_shares_category (p, c))
      printf ("    %-27s %s\n", rl_derogatory_category_to_id (c), _(rl_derogatory_category_to_label (c)));
  printf (_("  Biographic fields:\n"));
  if (p->biographic_fields == 0)
    printf (_("    none\n"));
  for (guint f = 1; f <= RL_BIOGRAPHIC_ALL; f <<= 1)
    if (rl_partner_shares_field (p, f))
      printf ("    %-27s %s\n", rl_biographic_field_to_id (f), _(rl_biographic_field_to_label (f)));
  printf (_("  Encounter summary (dates, agencies, purposes): %s\n"), p->encounter_summary ? _("yes") : _("no"));
  printf (_("  Purposes of its queries (the first is used when a query states none):\n"));
  if (p->purposes == 0)
    printf (_("    none stated: queries are filed as “other”\n"));
  for (int q = RL_PURPOSE_BORDER_CROSSING; q <= RL_PURPOSE_OTHER; q++)
    if (p->purposes & RL_PURPOSE_BIT (q))
      printf ("    %-27s %s\n", rl_encounter_purpose_to_id (q), _(rl_encounter_purpose_to_label (q)));
  printf (_("  Restricted derogatory records: never shared, only “held by AGENCY”\n"));
  return 0;
}

static gboolean
parse_yes_no (const char *text, gboolean *out)
{
  if (g_ascii_strcasecmp (text, "yes") == 0 || g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"))
    return *out = TRUE, TRUE;
  if (g_ascii_strcasecmp (text, "no") == 0 || g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0"))
    return *out = FALSE, TRUE;
  return FALSE;
}

int
rl_cli_partner (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *as_user = NULL;
  g_autofree char *agency_code = NULL;
  g_autofree char *categories = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *purposes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  const char *verb;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_user, N_("Act as this user (a data steward)"), N_("USER") },
    { "agency", 0, 0, G_OPTION_ARG_STRING, &agency_code, N_("Agency the partner's queries are enrolled under (add)"), N_("CODE") },
    { "categories", 0, 0, G_OPTION_ARG_STRING, &categories,
      N_("Derogatory categories shared: comma-separated ids, “all” or “none” (set-sharing)"), N_("LIST") },
    { "fields", 0, 0, G_OPTION_ARG_STRING, &fields,
      N_("Biographic fields shared: family_name, given_names, date_of_birth, nationality, sex, “all” or “none” (set-sharing)"),
      N_("LIST") },
    { "encounter-summary", 0, 0, G_OPTION_ARG_STRING, &summary,
      N_("Share the encounter summary (dates, agencies, purposes): yes or no (set-sharing)"), N_("yes|no") },
    { "purposes", 0, 0, G_OPTION_ARG_STRING, &purposes,
      N_("What its queries are for: comma-separated encounter purposes (border-crossing, visa-application, "
         "arrest-booking, …) or “none” (set-sharing)"), N_("LIST") },
    { NULL }
  };

  context = g_option_context_new (_("add NAME | list | show NAME | set-sharing NAME | revoke NAME"));
  g_option_context_set_summary (context,
    _("Partners query the gateway with an API key; their sharing agreement says what a match\n"
      "answer carries. A data steward adds partners (the key is printed once), sets what they\n"
      "may be given and revokes them. Every change is in the audit log."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || argc < 2)
    return rl_cli_fail (_("usage: ridgeline-cli partner add|list|show|set-sharing|revoke [NAME] --db PATH --as USER")), 2;
  verb = argv[1];
  if (!g_str_equal (verb, "list") && argc < 3)
    return rl_cli_fail (_("“partner %s” needs a partner name"), verb), 2;
  if (argc > 3)
    return rl_cli_fail (_("unexpected argument “%s”"), argv[3]), 2;

  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (as_user != NULL)
    {
      g_autoptr(RlUser) user = rl_store_get_user_by_name (store, as_user, &error);
      if (user == NULL || !rl_store_set_actor (store, user->id, &error))
        return rl_cli_fail_error (error);
    }

  if (g_str_equal (verb, "list"))
    return partner_list (store);
  if (g_str_equal (verb, "show"))
    return partner_show (store, argv[2]);
  if (!g_str_equal (verb, "add") && !g_str_equal (verb, "set-sharing") && !g_str_equal (verb, "revoke"))
    return rl_cli_fail (_("Unknown partner command “%s”"), verb), 2;
  if (as_user == NULL)
    return rl_cli_fail (_("“partner %s” needs --as USER (a data steward): it is done in someone’s name"), verb), 2;

  if (g_str_equal (verb, "add"))
    {
      g_autoptr(RlAgency) agency = NULL;
      g_autofree char *key = NULL;
      gint64 id;

      if (agency_code == NULL)
        return rl_cli_fail (_("“partner add” needs --agency CODE")), 2;
      if (!(agency = rl_store_get_agency_by_code (store, agency_code, &error)))
        return rl_cli_fail_error (error);
      if ((id = rl_store_add_partner (store, argv[2], agency->id, NULL, &key, &error)) == 0)
        return rl_cli_fail_error (error);
      printf (_("Partner %s added (id %" G_GINT64_FORMAT "). It shares nothing until “partner set-sharing”.\n"),
              argv[2], id);
      printf (_("API key (shown only now; give it to the partner over a secure channel):\n%s\n"), key);
      return 0;
    }
  if (g_str_equal (verb, "set-sharing"))
    {
      g_autoptr(RlPartner) p = find_partner (store, argv[2], &error);
      guint32 cats, flds;
      gboolean share_summary;

      if (p == NULL)
        return rl_cli_fail_error (error);
      guint32 purpose_set = 0;

      if (categories == NULL && fields == NULL && summary == NULL && purposes == NULL)
        return rl_cli_fail (_("“partner set-sharing” needs --categories, --fields, --encounter-summary or "
                              "--purposes")), 2;
      /* What is not given stays as it was. */
      cats = p->derogatory_categories;
      flds = p->biographic_fields;
      share_summary = p->encounter_summary;
      if (categories && !rl_sharing_parse_categories (categories, &cats, &error))
        return rl_cli_fail_error (error), 2;
      if (fields && !rl_sharing_parse_fields (fields, &flds, &error))
        return rl_cli_fail_error (error), 2;
      if (summary && !parse_yes_no (summary, &share_summary))
        return rl_cli_fail (_("--encounter-summary takes yes or no, not “%s”"), summary), 2;
      if (purposes && !rl_sharing_parse_purposes (purposes, &purpose_set, &error))
        return rl_cli_fail_error (error), 2;
      if (!rl_store_begin (store, &error))
        return rl_cli_fail_error (error);
      if (((categories || fields || summary) &&
           !rl_store_set_partner_sharing (store, p->id, cats, flds, share_summary, &error)) ||
          (purposes && !rl_store_set_partner_purposes (store, p->id, purpose_set, &error)) ||
          !rl_store_commit (store, &error))
        {
          rl_store_rollback (store);
          return rl_cli_fail_error (error);
        }
      return partner_show (store, argv[2]);
    }
  /* revoke */
  {
    g_autoptr(RlPartner) p = find_partner (store, argv[2], &error);

    if (p == NULL)
      return rl_cli_fail_error (error);
    if (!rl_store_revoke_partner (store, p->id, &error))
      return rl_cli_fail_error (error);
    printf (_("Partner %s revoked: its key is refused from now on\n"), p->name);
    return 0;
  }
}
