/* cli-release.c — ridgeline-cli release: matcher releases through their
 * states, acting as a named user so the store's rules (two-person approval,
 * supervisors only) and the audit log apply exactly as in the GUI. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-store.h"
#include "rl-tuning.h"

void rl_cli_print_tuning_summary (const RlTuningSummary *summary);   /* cli-tune.c */

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = t > 0 ? g_date_time_new_from_unix_utc (t) : NULL;
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("—");
}

static char *
user_name (RlStore *store, gint64 id)
{
  g_autoptr(RlUser) user = id > 0 ? rl_store_get_user (store, id, NULL) : NULL;
  return g_strdup (user ? user->username : id == 0 ? _("(system)") : "?");
}

static int
release_list (RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) releases = rl_store_list_releases (store, &error);

  if (releases == NULL)
    return rl_cli_fail_error (error);
  printf ("%-5s %-18s %-10s %-12s %-12s %s\n", _("ID"), _("NAME"), _("STATE"), _("AUTHOR"), _("APPROVER"), _("CREATED"));
  for (guint i = 0; i < releases->len; i++)
    {
      RlMatcherRelease *r = g_ptr_array_index (releases, i);
      g_autofree char *author = user_name (store, r->author_id);
      g_autofree char *approver = r->approver_id ? user_name (store, r->approver_id) : g_strdup ("—");
      g_autofree char *created = format_time (r->created_at);

      printf ("%-5" G_GINT64_FORMAT " %-18s %-10s %-12s %-12s %s\n", r->id, r->name,
              rl_release_state_to_id (r->state), author, approver, created);
    }
  return 0;
}

static int
release_show (RlStore *store, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) r = rl_store_get_release (store, id, &error);
  g_autofree char *author = NULL;

  if (r == NULL)
    return rl_cli_fail_error (error);
  author = user_name (store, r->author_id);
  printf (_("Release %s (%s), by %s\n"), r->name, rl_release_state_to_label (r->state), author);
  printf (_("Parameters: %s\n"), r->parameters ? r->parameters : "{}");
  printf (_("Metrics: %s\n"), r->metrics ? r->metrics : _("(not evaluated)"));
  if (r->review_comment)
    printf (_("Review: %s\n"), r->review_comment);
  return 0;
}

/* Offline evaluation: the report of rl-tuning.c (the same one `tune`
 * stores), on the workspace's labelled prints, corrections and conclusions. */
static int
release_evaluate (RlStore *store, gint64 id, guint max_samples)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) r = NULL;
  RlTuningOptions options = { .max_samples = max_samples };
  RlTuningSummary summary;

  if (!rl_tuning_evaluate (store, id, &options, &summary, &error))
    return rl_cli_fail_error (error);
  r = rl_store_get_release (store, id, NULL);
  printf (_("Release %s evaluated on %u genuine and %u impostor pairs\n"), r ? r->name : "?", summary.n_genuine,
          summary.n_impostor);
  rl_cli_print_tuning_summary (&summary);
  return 0;
}

static int
release_report (RlStore *store, gint64 id, const char *output)
{
  g_autoptr(GError) error = NULL;

  if (output == NULL)
    return rl_cli_fail (_("usage: ridgeline-cli release report ID -o FILE.pdf --db PATH")), 2;
  if (!rl_tuning_write_report_pdf (store, id, output, &error))
    return rl_cli_fail_error (error);
  printf (_("Evaluation report of release %" G_GINT64_FORMAT " written to %s\n"), id, output);
  return 0;
}

int
rl_cli_release (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *as_user = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *parameters = NULL;
  g_autofree char *output = NULL;
  int max_samples = 300;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  const char *verb;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_user, N_("Act as this user"), N_("USER") },
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment, N_("Review comment (approve, reject)"), N_("TEXT") },
    { "parameters", 0, 0, G_OPTION_ARG_STRING, &parameters, N_("Parameters of a new draft (JSON)"), N_("JSON") },
    { "max-samples", 0, 0, G_OPTION_ARG_INT, &max_samples, N_("Evaluate on at most N prints (default 300)"), N_("N") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("File the report is written to (report)"), N_("FILE.pdf") },
    { NULL }
  };

  context = g_option_context_new (_("list | show ID | draft NAME | evaluate ID | report ID | approve ID | reject ID | activate ID | rollback"));
  g_option_context_set_summary (context,
    _("Matcher releases: draft → evaluated → approved → active → retired. A supervisor who is\n"
      "not the author approves; activation makes new searches use the release; rollback\n"
      "reactivates the previous one. Every step is in the audit log."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || argc < 2)
    return rl_cli_fail (_("usage: ridgeline-cli release list|show|draft|evaluate|report|approve|reject|activate|rollback "
                          "[ID] --db PATH --as USER")), 2;
  verb = argv[1];
  if (argc >= 3 && !g_str_equal (verb, "draft"))
    {
      char *end = NULL;
      id = g_ascii_strtoll (argv[2], &end, 10);
      if (end == argv[2] || *end != '\0' || id <= 0)
        return rl_cli_fail (_("“%s” is not a release id"), argv[2]), 2;
    }

  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (as_user != NULL)
    {
      g_autoptr(RlUser) user = rl_store_get_user_by_name (store, as_user, &error);
      if (user == NULL || !rl_store_set_actor (store, user->id, &error))
        return rl_cli_fail_error (error);
    }

  if (g_str_equal (verb, "list"))
    return release_list (store);
  if (g_str_equal (verb, "rollback"))
    {
      gint64 back;
      g_autoptr(RlMatcherRelease) r = NULL;

      if (as_user == NULL)
        return rl_cli_fail (_("rollback needs --as USER (a supervisor)")), 2;
      if ((back = rl_store_rollback_release (store, &error)) == 0)
        return rl_cli_fail_error (error);
      r = rl_store_get_release (store, back, NULL);
      printf (_("Rolled back: release %s is active again\n"), r ? r->name : "?");
      return 0;
    }
  if (g_str_equal (verb, "draft"))
    {
      g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (store, NULL);
      gint64 new_id;

      /* A hand-made draft: the active release's parameters with the
       * overrides given in --parameters (tuning makes drafts the same way). */
      if (as_user == NULL || argc < 3)
        return rl_cli_fail (_("usage: ridgeline-cli release draft NAME --parameters JSON --db PATH --as USER")), 2;
      new_id = rl_store_add_release (store, argv[2], parameters ? parameters : (active ? active->parameters : "{}"),
                                     active ? active->id : 0, &error);
      if (new_id == 0)
        return rl_cli_fail_error (error);
      printf (_("Draft release %" G_GINT64_FORMAT " “%s” created\n"), new_id, argv[2]);
      return 0;
    }
  if (id == 0)
    return rl_cli_fail (_("“release %s” needs a release id"), verb), 2;
  if (g_str_equal (verb, "show"))
    return release_show (store, id);
  if (g_str_equal (verb, "report"))
    return release_report (store, id, output);
  if (as_user == NULL)
    return rl_cli_fail (_("“release %s” needs --as USER: it is done in someone’s name"), verb), 2;
  if (g_str_equal (verb, "evaluate"))
    return release_evaluate (store, id, (guint) MAX (max_samples, 2));
  if (g_str_equal (verb, "approve") || g_str_equal (verb, "reject"))
    {
      gboolean approve = g_str_equal (verb, "approve");

      if (!rl_store_review_release (store, id, approve, comment, &error))
        return rl_cli_fail_error (error);
      printf (approve ? _("Release %" G_GINT64_FORMAT " approved\n") : _("Release %" G_GINT64_FORMAT " rejected\n"), id);
      return 0;
    }
  if (g_str_equal (verb, "activate"))
    {
      if (!rl_store_activate_release (store, id, &error))
        return rl_cli_fail_error (error);
      printf (_("Release %" G_GINT64_FORMAT " is now active: new searches use it\n"), id);
      return 0;
    }
  return rl_cli_fail (_("Unknown release command “%s”"), verb), 2;
}
