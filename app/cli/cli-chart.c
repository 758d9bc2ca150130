/* cli-chart.c — ridgeline-cli chart: the court chart of one candidate. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>

#include "rl-cli.h"
#include "rl-compare.h"
#include "rl-court-chart.h"
#include "rl-image-io.h"
#include "rl-release-params.h"
#include "rl-store.h"
#include "rl-template-io.h"

static const char *finger_names[] = {
  N_("unknown finger"), N_("right thumb"), N_("right index"), N_("right middle"), N_("right ring"),
  N_("right little"), N_("left thumb"), N_("left index"), N_("left middle"), N_("left ring"), N_("left little"),
};

static const char *
finger_name (int finger)
{
  return _(finger_names[finger >= 0 && finger <= 10 ? finger : 0]);
}

/* The print and template of a sample, decoded from the store. */
static gboolean
load_sample (RlStore *store, gint64 sample_id, RlSample **out_sample, RlImage **out_image,
             RlTemplate **out_template, GError **error)
{
  g_autoptr(RlSample) sample = rl_store_get_sample (store, sample_id, error);
  g_autoptr(GBytes) image_data = NULL;
  g_autoptr(GBytes) template_data = NULL;

  if (sample == NULL)
    return FALSE;
  if (sample->image_sha256 == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Sample %" G_GINT64_FORMAT " holds no image to chart"), sample_id);
      return FALSE;
    }
  if (!(image_data = rl_store_get_image (store, sample->image_sha256, NULL, error)))
    return FALSE;
  *out_image = rl_image_load_from_data (g_bytes_get_data (image_data, NULL), g_bytes_get_size (image_data),
                                        sample->ppi > 0 ? sample->ppi : 500, error);
  if (*out_image == NULL)
    return FALSE;
  template_data = rl_store_get_sample_template (store, sample_id, error);
  if (template_data != NULL)
    *out_template = rl_template_deserialize (g_bytes_get_data (template_data, NULL),
                                             g_bytes_get_size (template_data), error);
  else if (error == NULL || *error == NULL)
    *out_template = rl_template_new (0, 0);
  if (*out_template == NULL)
    {
      g_clear_pointer (out_image, rl_image_free);
      return FALSE;
    }
  *out_sample = g_steal_pointer (&sample);
  return TRUE;
}

static char *
caption (RlStore *store, const char *role, RlSample *sample)
{
  g_autoptr(RlEncounter) encounter = rl_store_get_encounter (store, sample->encounter_id, NULL);
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *date = NULL;

  if (encounter == NULL)
    return g_strdup_printf ("%s — %s", role, finger_name (sample->finger));
  when = g_date_time_new_from_unix_utc (encounter->occurred_at);
  date = when ? g_date_time_format (when, "%Y-%m-%d") : g_strdup ("?");
  return g_strdup_printf ("%s — %s, %s %s", role, finger_name (sample->finger), encounter->agency, date);
}

/* The newest conclusion on this candidate that nothing superseded. */
static RlConclusion *
current_conclusion (RlStore *store, gint64 search_id, gint64 candidate_id, GError **error)
{
  g_autoptr(GPtrArray) conclusions = rl_store_list_conclusions (store, search_id, error);
  RlConclusion *found = NULL;

  if (conclusions == NULL)
    return NULL;
  for (guint i = 0; i < conclusions->len; i++)
    {
      RlConclusion *c = g_ptr_array_index (conclusions, i);
      if (c->candidate_id == candidate_id)
        found = c;
    }
  if (found == NULL)
    return NULL;
  for (guint i = 0; i < conclusions->len; i++)
    if (g_ptr_array_index (conclusions, i) == found)
      return g_ptr_array_steal_index (conclusions, i);
  return NULL;
}

int
rl_cli_chart (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *output = NULL;
  g_autofree char *as_user = NULL;
  gint64 search_id = 0;
  int rank = 0, max_pairs = 16;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  RlSearchCandidate *candidate = NULL;
  g_autoptr(RlSample) probe_sample = NULL, candidate_sample = NULL;
  g_autoptr(RlImage) probe_image = NULL, candidate_image = NULL;
  g_autoptr(RlTemplate) probe_template = NULL, candidate_template = NULL;
  g_autoptr(RlComparison) comparison = NULL;
  g_autoptr(RlConclusion) conclusion = NULL;
  g_autoptr(RlUser) examiner = NULL;
  g_autoptr(RlMatcherRelease) release = NULL;
  g_autofree char *probe_caption = NULL, *candidate_caption = NULL;
  g_autofree char *case_number = NULL, *conclusion_text = NULL, *date = NULL, *details = NULL;
  RlCourtChartFormat format;
  RlCourtChart chart = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "search", 0, 0, G_OPTION_ARG_INT64, &search_id, N_("The search"), N_("ID") },
    { "candidate", 0, 0, G_OPTION_ARG_INT, &rank, N_("The candidate's rank in the list (1 = best)"), N_("RANK") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Chart file, .pdf or .png"), N_("FILE") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_user, N_("Act as this user (recorded in the audit log)"), N_("USER") },
    { "pairs", 0, 0, G_OPTION_ARG_INT, &max_pairs, N_("Show the N strongest correspondences (default 16, 0 = all)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    _("Write the comparison chart of a search's candidate: both prints side by side with\n"
      "numbered correspondences, case number, examiner, date and matcher release."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || search_id <= 0 || rank <= 0 || output == NULL)
    return rl_cli_fail (_("usage: ridgeline-cli chart --db PATH --search ID --candidate RANK -o FILE.pdf|png")), 2;
  if (!rl_court_chart_format_from_path (output, &format, &error))
    return rl_cli_fail_error (error), 2;

  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (as_user != NULL)
    {
      g_autoptr(RlUser) user = rl_store_get_user_by_name (store, as_user, &error);
      if (user == NULL || !rl_store_set_actor (store, user->id, &error))
        return rl_cli_fail_error (error);
    }
  if (!(search = rl_store_get_search (store, search_id, &error)))
    return rl_cli_fail_error (error);
  if (!(candidates = rl_store_list_candidates (store, search_id, &error)))
    return rl_cli_fail_error (error);
  for (guint i = 0; i < candidates->len; i++)
    {
      RlSearchCandidate *c = g_ptr_array_index (candidates, i);
      if (c->rank == (guint) rank)
        candidate = c;
    }
  if (candidate == NULL)
    return rl_cli_fail (_("Search %" G_GINT64_FORMAT " has no candidate at rank %d (it has %u)"),
                        search_id, rank, candidates->len);

  if (!load_sample (store, search->probe_sample_id, &probe_sample, &probe_image, &probe_template, &error)
      || !load_sample (store, candidate->sample_id, &candidate_sample, &candidate_image, &candidate_template, &error))
    return rl_cli_fail_error (error);

  rl_compare (probe_template, candidate_template, &comparison);
  conclusion = current_conclusion (store, search_id, candidate->id, &error);
  if (error != NULL)
    return rl_cli_fail_error (error);
  if (conclusion != NULL)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (conclusion->created_at);
      examiner = rl_store_get_user (store, conclusion->examiner_id, NULL);
      conclusion_text = g_strdup (rl_decision_to_label (conclusion->decision));
      date = when ? g_date_time_format (when, "%Y-%m-%d %H:%M UTC") : NULL;
    }
  release = rl_store_get_release (store, search->release_id, NULL);
  case_number = search->case_reference && *search->case_reference
    ? g_strdup (search->case_reference) : g_strdup_printf (_("search %" G_GINT64_FORMAT), search_id);
  probe_caption = caption (store, _("Probe"), probe_sample);
  {
    g_autofree char *role = g_strdup_printf (_("Candidate %d"), rank);
    candidate_caption = caption (store, role, candidate_sample);
  }

  chart.probe_image = probe_image;
  chart.candidate_image = candidate_image;
  chart.probe_template = probe_template;
  chart.candidate_template = candidate_template;
  chart.pairs = comparison->pairs;
  chart.n_pairs = max_pairs > 0 ? MIN ((guint) max_pairs, comparison->n_pairs) : comparison->n_pairs;
  chart.case_number = case_number;
  chart.probe_caption = probe_caption;
  chart.candidate_caption = candidate_caption;
  chart.examiner = examiner ? examiner->display_name : NULL;
  chart.conclusion = conclusion_text;
  chart.release = release ? release->name : NULL;
  chart.date = date;
  chart.score = candidate->score;
  /* The calibration of the release the search ran under, as the review's
   * chart says (the matcher's own when the release has none). */
  {
    RlReleaseParams params;

    rl_release_params_init_default (&params);
    if (release != NULL && !rl_release_params_parse (release->parameters, &params, NULL))
      rl_release_params_init_default (&params);
    chart.false_match_rate = rl_release_params_score_to_fmr (&params, candidate->score);
  }

  if (!rl_court_chart_write (&chart, output, &error))
    return rl_cli_fail_error (error);

  {
    g_autofree char *escaped = g_strescape (output, NULL);
    details = g_strdup_printf ("{\"candidate_rank\":%d,\"file\":\"%s\"}", rank, escaped);
  }
  if (rl_store_get_actor (store) != 0 && !rl_store_audit (store, "chart.export", "search", search_id, NULL, details, &error))
    return rl_cli_fail_error (error);

  printf (_("Wrote %s: %u correspondences, score %.1f\n"), output, chart.n_pairs, candidate->score);
  return 0;
}
