/* cli-tune.c — ridgeline-cli tune: a draft matcher release tuned on the
 * examiners' corrections and conclusions, evaluated at once, in the name
 * of a supervisor (who then cannot approve it: another supervisor must). */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>

#include "rl-cli.h"
#include "rl-store.h"
#include "rl-tuning.h"

static char *
pct (double rate)
{
  return rate > 0 && rate < 0.001 ? g_strdup_printf ("%.4f %%", rate * 100) : g_strdup_printf ("%.2f %%", rate * 100);
}

void
rl_cli_print_tuning_summary (const RlTuningSummary *s)
{
  g_autofree char *fb = pct (s->fmr_before), *fa = pct (s->fmr_after);
  g_autofree char *nb = pct (s->fnmr_before), *na = pct (s->fnmr_after);

  printf (_("Labelled pairs: %u genuine, %u impostor (%u held out for the false-match rate)\n"),
          s->n_genuine, s->n_impostor, s->n_held_out);
  printf (_("Match threshold: %.2f → %.2f\n"), s->threshold_before, s->threshold_after);
  printf (_("FMR at the match threshold (held-out impostors): %s → %s\n"), fb, fa);
  printf (_("FNMR at the match threshold (genuine pairs): %s → %s\n"), nb, na);
  printf (_("Confirmed false matches removed: %u of %u\n"), s->n_false_matches_fixed, s->n_false_matches);
  printf (_("Missed matches recovered: %u of %u\n"), s->n_missed_matches_fixed, s->n_missed_matches);
  printf (_("Pairs decided right before and wrong after: %u\n"), s->n_broken);
  printf (_("Past searches re-run: %u, changed: %u\n"), s->n_searches_rerun, s->n_searches_changed);
}

int
rl_cli_tune (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *as_user = NULL;
  g_autofree char *name = NULL;
  int max_samples = 0, max_impostors = 0, trials = 0, rerun = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlUser) user = NULL;
  RlTuningOptions options = { 0 };
  RlTuningSummary summary;
  gint64 id;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_user, N_("Act as this user (a supervisor)"), N_("USER") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of the draft release (default tuned-DATE-TIME)"), N_("NAME") },
    { "max-samples", 0, 0, G_OPTION_ARG_INT, &max_samples, N_("Use at most N prints for baseline pairs (default 300)"), N_("N") },
    { "max-impostors", 0, 0, G_OPTION_ARG_INT, &max_impostors, N_("Use at most N baseline impostor pairs (default 3000)"), N_("N") },
    { "trials", 0, 0, G_OPTION_ARG_INT, &trials, N_("Try at most N comparison settings (default 17)"), N_("N") },
    { "rerun", 0, 0, G_OPTION_ARG_INT, &rerun, N_("Re-run the N latest searches with both releases (default 20)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    _("Tunes the active matcher release on the examiners' corrections and conclusions and the\n"
      "workspace's own prints, without raising the false-match rate on held-out impostor pairs,\n"
      "and stores the result as an evaluated draft release for another supervisor to approve."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || as_user == NULL || argc > 1)
    return rl_cli_fail (_("usage: ridgeline-cli tune --db PATH --as USER [--name NAME]")), 2;
  if (max_samples < 0 || max_impostors < 0 || trials < 0 || rerun < 0)
    return rl_cli_fail (_("--max-samples, --max-impostors, --trials and --rerun take a positive number")), 2;

  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (!(user = rl_store_get_user_by_name (store, as_user, &error)) || !rl_store_set_actor (store, user->id, &error))
    return rl_cli_fail_error (error);
  options.name = name;
  options.max_samples = (guint) max_samples;
  options.max_impostors = (guint) max_impostors;
  options.max_trials = (guint) trials;
  options.rerun_searches = (guint) rerun;
  if ((id = rl_tuning_run (store, &options, &summary, &error)) == 0)
    return rl_cli_fail_error (error);
  {
    g_autoptr(RlMatcherRelease) r = rl_store_get_release (store, id, NULL);
    printf (_("Draft release %" G_GINT64_FORMAT " “%s” tuned and evaluated (%u settings compared)\n"), id,
            r ? r->name : "?", summary.n_trials);
  }
  rl_cli_print_tuning_summary (&summary);
  printf (_("Next: another supervisor approves it with “ridgeline-cli release approve %" G_GINT64_FORMAT " --db PATH --as USER”\n"), id);
  return 0;
}
