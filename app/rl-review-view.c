/* rl-review-view.c — one search under ACE-V review (see the header). */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-court-chart.h"
#include "rl-format.h"
#include "rl-image-io.h"
#include "rl-review-view-private.h"
#include "rl-template-io.h"
#include "rl-text-row.h"

G_DEFINE_FINAL_TYPE (RlReviewView, rl_review_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SHOW_MINUTIAE,
  PROP_SHOW_SINGULARITIES,
  PROP_SHOW_QUALITY,
  PROP_SHOW_ENHANCED,
  PROP_SHOW_SKELETON,
  PROP_EXTRACTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { COL_RANK, COL_SCORE, COL_FMR, COL_FINGER, COL_QUALITY, COL_IDENTITY, COL_NAME, COL_ENCOUNTER, COL_AGENCY, COL_CONCLUSION };

/* ------------------------------------------------------------ loading */

/* The image and template of a sample, decoded from the store. A sample
 * without a template gets an empty one: the examiner can still chart it. */
static gboolean
load_sample (RlStore     *store,
             gint64       sample_id,
             RlImage    **out_image,
             RlTemplate **out_template,
             GError     **error)
{
  g_autoptr(RlSample) sample = rl_store_get_sample (store, sample_id, error);
  g_autoptr(GBytes) image_data = NULL;
  g_autoptr(GBytes) template_data = NULL;
  g_autoptr(RlImage) image = NULL;
  g_autoptr(RlTemplate) tpl = NULL;
  GError *local = NULL;

  if (sample == NULL)
    return FALSE;
  if (sample->image_sha256 == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Sample %" G_GINT64_FORMAT " holds no image to examine"), sample_id);
      return FALSE;
    }
  if (!(image_data = rl_store_get_image (store, sample->image_sha256, NULL, error)))
    return FALSE;
  if (!(image = rl_image_load_from_data (g_bytes_get_data (image_data, NULL), g_bytes_get_size (image_data),
                                         sample->ppi > 0 ? sample->ppi : 500, error)))
    return FALSE;
  template_data = rl_store_get_sample_template (store, sample_id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (template_data != NULL)
    {
      if (!(tpl = rl_template_deserialize (g_bytes_get_data (template_data, NULL),
                                           g_bytes_get_size (template_data), error)))
        return FALSE;
    }
  else
    tpl = rl_template_new (0, 0);
  *out_image = g_steal_pointer (&image);
  *out_template = g_steal_pointer (&tpl);
  return TRUE;
}

float
rl_review_release_match_threshold (RlStore *store,
                                   gint64   release_id)
{
  g_autoptr(RlMatcherRelease) release = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  g_return_val_if_fail (store != NULL, NAN);

  if (!(release = rl_store_get_release (store, release_id, NULL)) || release->parameters == NULL)
    return NAN;
  if (!json_parser_load_from_data (parser, release->parameters, -1, NULL) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root))
    return NAN;
  object = json_node_get_object (root);
  /* A release states its match threshold as a score, or as the false-match
   * rate it accepts (the shipped ones): the calibration turns that into a score. */
  if (json_object_has_member (object, "match_threshold"))
    return (float) json_object_get_double_member (object, "match_threshold");
  if (json_object_has_member (object, "match_fmr"))
    return rl_score_for_fmr (json_object_get_double_member (object, "match_fmr"));
  return NAN;
}

/* The parameters of the release a search ran under. A search with no
 * release, a release that is gone or one whose parameters do not parse
 * (refused when it was stored, so only an old workspace) falls back to the
 * matcher's defaults, whose calibration is the matcher's own. */
static void
load_release_params (RlStore         *store,
                     gint64           release_id,
                     RlReleaseParams *out)
{
  g_autoptr(RlMatcherRelease) release = NULL;
  g_autoptr(GError) error = NULL;

  rl_release_params_init_default (out);
  if (release_id == 0 || !(release = rl_store_get_release (store, release_id, NULL)))
    return;
  if (!rl_release_params_parse (release->parameters, out, &error))
    {
      g_message ("Release %" G_GINT64_FORMAT ": %s; the matcher's own calibration is used", release_id,
                 error->message);
      rl_release_params_init_default (out);
    }
}

/* ------------------------------------------------------------ layers */

typedef struct {
  gint64   sample_id;
  RlImage *image;
} ExtractJob;

static void
extract_job_free (ExtractJob *job)
{
  rl_image_free (job->image);
  g_free (job);
}

static void
extract_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ExtractJob *job = task_data;
  GError *error = NULL;
  RlExtraction *extraction = rl_extract (job->image, &error);

  if (extraction == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, extraction, (GDestroyNotify) rl_extraction_free);
}

/* The layers of one sample on one print view, if extracted. The extractor
 * works at 500 ppi: a print stored at another resolution gets layers of
 * another size, which would not lie on its ridges, so it gets none. */
static void
apply_layers (RlReviewView *self,
              RlPrintView  *view,
              gint64        sample_id)
{
  RlExtraction *extraction = g_hash_table_lookup (self->extractions, &sample_id);
  const RlImage *image = rl_print_view_get_image (view);
  const RlImage *extracted;

  if (extraction == NULL || image == NULL)
    return;
  extracted = rl_extraction_get_image (extraction);
  if (extracted->width != image->width || extracted->height != image->height)
    return;
  rl_print_view_set_enhanced (view, rl_extraction_get_enhanced (extraction));
  rl_print_view_set_skeleton (view, rl_extraction_get_skeleton (extraction));
  rl_print_view_set_quality_map (view, rl_extraction_get_quality_map (extraction));
}

/* Says whether the layers of the prints shown are ready, coming, or missing. */
static void
update_layers_status (RlReviewView *self)
{
  gint64 probe = self->search->probe_sample_id;
  gint64 other = self->shown_sample_id;
  gboolean running = g_hash_table_contains (self->extracting, &probe) ||
                     (other != 0 && g_hash_table_contains (self->extracting, &other));
  const char *probe_error = g_hash_table_lookup (self->layer_errors, &probe);
  const char *other_error = other ? g_hash_table_lookup (self->layer_errors, &other) : NULL;
  g_autofree char *text = NULL;

  if (running)
    text = g_strdup (_("Extracting the quality map, enhanced image and skeleton…"));
  else if (probe_error || other_error)
    text = g_strdup_printf (_("Layers unavailable: %s"), probe_error ? probe_error : other_error);
  gtk_label_set_text (self->layers_status, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->layers_status), text != NULL);
  gtk_spinner_set_spinning (self->layers_spinner, running);
  gtk_widget_set_visible (GTK_WIDGET (self->layers_spinner), running);
}

static void
on_extracted (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RlReviewView *self = RL_REVIEW_VIEW (source);
  ExtractJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  RlExtraction *extraction = g_task_propagate_pointer (G_TASK (result), &error);
  gint64 id = job->sample_id;

  /* The review was closed meanwhile: its views are gone. */
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&extraction, rl_extraction_free);
      return;
    }
  g_hash_table_remove (self->extracting, &id);
  if (extraction == NULL)
    g_hash_table_insert (self->layer_errors, g_memdup2 (&id, sizeof id), g_strdup (error->message));
  else
    {
      g_hash_table_insert (self->extractions, g_memdup2 (&id, sizeof id), extraction);
      if (id == self->search->probe_sample_id)
        {
          apply_layers (self, self->probe_view, id);
          if (self->shown_sample_id != 0)
            apply_layers (self, rl_comparison_view_get_probe_view (self->comparison), id);
        }
      if (id == self->shown_sample_id)
        apply_layers (self, rl_comparison_view_get_candidate_view (self->comparison), id);
    }
  update_layers_status (self);
  if (g_hash_table_size (self->extracting) == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRACTING]);
}

/* Starts the extraction of a sample's print unless it is done or running. */
static void
request_extraction (RlReviewView  *self,
                    gint64         sample_id,
                    const RlImage *image)
{
  g_autoptr(GTask) task = NULL;
  ExtractJob *job;
  gboolean was_idle;

  if (sample_id == 0 || image == NULL || g_hash_table_contains (self->extractions, &sample_id) ||
      g_hash_table_contains (self->extracting, &sample_id) || g_hash_table_contains (self->layer_errors, &sample_id))
    return;
  was_idle = g_hash_table_size (self->extracting) == 0;
  job = g_new0 (ExtractJob, 1);
  job->sample_id = sample_id;
  job->image = rl_image_copy (image);
  task = g_task_new (self, self->cancellable, on_extracted, NULL);
  g_task_set_source_tag (task, request_extraction);
  g_task_set_task_data (task, job, (GDestroyNotify) extract_job_free);
  g_task_run_in_thread (task, extract_thread);
  g_hash_table_add (self->extracting, g_memdup2 (&sample_id, sizeof sample_id));
  update_layers_status (self);
  if (was_idle)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRACTING]);
}

gboolean
_rl_review_view_get_extracting (RlReviewView *self)
{
  return g_hash_table_size (self->extracting) > 0;
}

static RlSearchCandidate *
current_candidate (RlReviewView *self)
{
  if (self->current < 0 || self->candidates == NULL || (guint) self->current >= self->candidates->len)
    return NULL;
  return g_ptr_array_index (self->candidates, self->current);
}

static gint64
current_sample_id (RlReviewView *self)
{
  RlSearchCandidate *candidate = current_candidate (self);

  return candidate ? candidate->sample_id : self->other_sample_id;
}

/* The newest conclusion by anyone on this print pair that nothing superseded. */
static RlConclusion *
latest_conclusion_for (GPtrArray *conclusions,
                       gint64     candidate_sample_id)
{
  RlConclusion *found = NULL;

  for (guint i = 0; conclusions && i < conclusions->len; i++)
    {
      RlConclusion *c = g_ptr_array_index (conclusions, i);
      if (c->candidate_sample_id == candidate_sample_id)
        found = c;
    }
  return found;
}

/* ------------------------------------------------------------ showing */

void
_rl_review_view_toast (RlReviewView *self,
                       const char   *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_rl_review_view_show_error (RlReviewView *self,
                            const GError *error)
{
  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  _rl_review_view_toast (self, error->message);
}

static void
clear_error (RlReviewView *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

/* The estimated false-match rate of a score, as calibrated by the release
 * the search ran under: a tuned release changes the comparison's weights,
 * so its scores mean other rates than the matcher's built-in table says. */
static double
release_score_to_fmr (RlReviewView *self,
                      float         score)
{
  return rl_release_params_score_to_fmr (&self->release_params, score);
}

static char *
format_fmr (double fmr)
{
  if (fmr >= 0.01)
    return g_strdup_printf ("%.2f", fmr);
  return g_strdup_printf ("%.0e", fmr);
}

static char *
user_name (RlStore *store,
           gint64   user_id)
{
  g_autoptr(RlUser) user = rl_store_get_user (store, user_id, NULL);

  return g_strdup (user ? user->display_name : _("unknown examiner"));
}

/* The history of conclusions and verifications on the search, oldest first,
 * each superseded one struck through. Hidden in blind verification. */
static void
update_history (RlReviewView *self,
                GPtrArray    *conclusions)
{
  RlStore *store = rl_session_get_store (self->session);
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean blind = self->stage == RL_REVIEW_STAGE_VERIFICATION;
  gint64 final_id = blind ? 0 : rl_store_get_dispute_decision (store, self->search->id, NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->history_heading), !blind);
  gtk_widget_set_visible (GTK_WIDGET (self->history_label), !blind);
  if (blind)
    return;
  for (guint i = 0; conclusions && i < conclusions->len; i++)
    {
      RlConclusion *c = g_ptr_array_index (conclusions, i);
      gboolean superseded = FALSE;
      g_autofree char *when = rl_format_time (c->created_at);
      g_autofree char *who = user_name (store, c->examiner_id);
      g_autofree char *line = NULL;
      g_autoptr(GPtrArray) verifications = rl_store_list_verifications (store, c->id, NULL);
      g_autofree char *target = NULL;
      guint rank = 0;

      for (guint j = i + 1; j < conclusions->len; j++)
        if (((RlConclusion *) g_ptr_array_index (conclusions, j))->supersedes == c->id)
          superseded = TRUE;
      for (guint j = 0; self->candidates && j < self->candidates->len; j++)
        if (((RlSearchCandidate *) g_ptr_array_index (self->candidates, j))->id == c->candidate_id)
          rank = ((RlSearchCandidate *) g_ptr_array_index (self->candidates, j))->rank;
      target = rank ? g_strdup_printf (_("candidate %u"), rank)
                    : g_strdup_printf (_("sample %" G_GINT64_FORMAT " (not on the list)"), c->candidate_sample_id);
      /* A superseded conclusion stays in the record, struck through. */
      line = g_markup_printf_escaped (superseded ? "<s><b>%s%s</b> · %s — %s, %s</s>\n<small><s>%s</s></small>"
                                                 : "<b>%s%s</b> · %s — %s, %s\n<small>%s</small>",
                                      c->id == final_id ? _("Final decision: ") : "",
                                      rl_decision_to_label (c->decision), target, who, when, c->reasons);
      if (text->len)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
      for (guint j = 0; verifications && j < verifications->len; j++)
        {
          RlVerification *v = g_ptr_array_index (verifications, j);
          g_autofree char *vwho = user_name (store, v->verifier_id);
          g_autofree char *vwhen = rl_format_time (v->created_at);
          g_autofree char *vline = NULL;

          /* A disagreement says what the verifier found instead, and why. */
          if (v->agrees)
            vline = g_markup_printf_escaped ("\n    ✔ %s — %s, %s", _("Verified"), vwho, vwhen);
          else
            vline = g_markup_printf_escaped ("\n    ✘ %s (%s) — %s, %s\n    <small>%s</small>", _("Disputed"),
                                             v->decision ? rl_decision_to_label (v->decision) : _("no decision given"),
                                             vwho, vwhen, v->reasons ? v->reasons : "");
          g_string_append (text, vline);
        }
    }
  if (text->len == 0)
    g_string_append_printf (text, "<small>%s</small>", _("No conclusion recorded yet."));
  gtk_label_set_markup (self->history_label, text->str);
}

static void
update_header (RlReviewView *self)
{
  g_autofree char *title = NULL;
  const char *stage;

  /* A blind verifier is not told what the first examiner concluded: the
   * search's status would say so, so it is left out. */
  if (self->stage == RL_REVIEW_STAGE_VERIFICATION)
    title = g_strdup_printf (_("Search S-%06" G_GINT64_FORMAT " · %s · %s · priority %d"),
                             self->search->id, rl_format_finger (self->search->probe_finger),
                             self->search->agency ? self->search->agency : "", self->search->priority);
  else
    title = g_strdup_printf (_("Search S-%06" G_GINT64_FORMAT " · %s · %s · priority %d · %s"),
                             self->search->id, rl_format_finger (self->search->probe_finger),
                             self->search->agency ? self->search->agency : "",
                             self->search->priority, rl_search_status_to_label (self->search->status));
  gtk_label_set_text (self->title_label, title);
  switch (self->stage)
    {
    case RL_REVIEW_STAGE_ANALYSIS: stage = _("Analysis"); break;
    case RL_REVIEW_STAGE_COMPARISON: stage = _("Comparison and evaluation"); break;
    case RL_REVIEW_STAGE_VERIFICATION: stage = _("Blind verification"); break;
    case RL_REVIEW_STAGE_DISPUTE: stage = _("Dispute: supervisor’s decision"); break;
    default: stage = ""; break;
    }
  gtk_label_set_text (self->stage_label, stage);
  gtk_widget_set_visible (GTK_WIDGET (self->revised_label), self->revised_after_seen);
}

/* The identity's reference as the store keeps it (P-000123 made up from the
 * id only for a store that gave none). */
static char *
candidate_reference (const RlSearchCandidate *c)
{
  if (c->identity_reference && *c->identity_reference)
    return g_strdup (c->identity_reference);
  return g_strdup_printf ("P-%06" G_GINT64_FORMAT, c->identity_id);
}

/* "FAMILY, Given" as the candidate's encounter recorded it. */
static char *
candidate_name (const RlSearchCandidate *c)
{
  const char *family = c->family_name ? c->family_name : "";
  const char *given = c->given_names ? c->given_names : "";

  if (*family && *given)
    return g_strdup_printf ("%s, %s", family, given);
  if (*family || *given)
    return g_strdup (*family ? family : given);
  return g_strdup (_("name not recorded"));
}

/* Fills the candidate list (kept in rank order; the selection survives). */
static void
update_candidate_rows (RlReviewView *self,
                       GPtrArray    *conclusions)
{
  g_autoptr(GListStore) rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  RlStore *store = rl_session_get_store (self->session);
  GtkSelectionModel *model;

  for (guint i = 0; i < self->candidates->len; i++)
    {
      RlSearchCandidate *c = g_ptr_array_index (self->candidates, i);
      RlConclusion *conclusion = self->stage == RL_REVIEW_STAGE_VERIFICATION ? NULL
                                 : latest_conclusion_for (conclusions, c->sample_id);
      g_autofree char *rank = g_strdup_printf ("%u", c->rank);
      g_autofree char *score = rl_format_score (c->score);
      g_autofree char *fmr = format_fmr (release_score_to_fmr (self, c->score));
      g_autofree char *quality = c->quality >= 0 ? g_strdup_printf ("%d", c->quality) : g_strdup ("");
      g_autofree char *identity = candidate_reference (c);
      g_autofree char *name = candidate_name (c);
      g_autofree char *when = rl_format_time (c->encounter_at);
      g_autoptr(RlTextRow) row = NULL;

      (void) store;
      if (strlen (when) > 10)
        when[10] = '\0';   /* the date is enough here */
      if (!isnan (self->match_threshold) && c->score >= self->match_threshold)
        {
          g_autofree char *marked = g_strdup_printf ("%s ▲", score);
          g_free (score);
          score = g_steal_pointer (&marked);
        }
      row = rl_text_row_new (rank, score, fmr, rl_format_finger (c->finger), quality, identity, name, when,
                             c->agency ? c->agency : "",
                             conclusion ? rl_decision_to_label (conclusion->decision) : "", NULL);
      g_list_store_append (rows, row);
    }
  model = gtk_column_view_get_model (self->candidate_list);
  if (model == NULL)
    {
      g_autoptr(GtkSingleSelection) selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (rows)));
      gtk_single_selection_set_autoselect (selection, FALSE);
      gtk_single_selection_set_can_unselect (selection, TRUE);
      gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
      gtk_column_view_set_model (self->candidate_list, GTK_SELECTION_MODEL (selection));
    }
  else
    {
      guint selected = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));
      g_signal_handlers_block_matched (model, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_single_selection_set_model (GTK_SINGLE_SELECTION (model), G_LIST_MODEL (rows));
      gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), selected);
      g_signal_handlers_unblock_matched (model, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    }
}

static void
update_target (RlReviewView *self)
{
  RlSearchCandidate *candidate = current_candidate (self);
  g_autofree char *text = NULL;
  g_autofree char *score = NULL;

  if (candidate != NULL)
    {
      g_autofree char *fmr = format_fmr (release_score_to_fmr (self, candidate->score));
      g_autofree char *reference = candidate_reference (candidate);
      g_autofree char *name = candidate_name (candidate);
      text = g_strdup_printf (_("Candidate %u: %s (%s), %s, score %.1f (est. FMR %s)"),
                              candidate->rank, reference, name, rl_format_finger (candidate->finger),
                              candidate->score, fmr);
      score = g_strdup_printf (_("Score %.1f"), candidate->score);
    }
  else if (self->other_sample_id != 0)
    {
      text = g_strdup_printf (_("Sample %" G_GINT64_FORMAT ", not on the candidate list (searched by hand)"),
                              self->other_sample_id);
      if (self->comparison_result)
        score = g_strdup_printf (_("Score %.1f"), self->comparison_result->score);
    }
  else
    text = g_strdup (self->stage == RL_REVIEW_STAGE_VERIFICATION || self->stage == RL_REVIEW_STAGE_DISPUTE
                     ? _("Select the candidate to verify.")
                     : _("Select a candidate to compare it with the probe."));
  gtk_label_set_text (self->target_label, text);
  gtk_label_set_text (self->score_label, score ? score : "");
}

/* Shows the search with its conclusions (given, as just read when the
 * review opens; NULL: read again, after every write). */
static void
refresh_with (RlReviewView *self, GPtrArray *given_conclusions)
{
  RlStore *store = rl_session_get_store (self->session);
  g_autoptr(GPtrArray) read = NULL;
  GPtrArray *conclusions = given_conclusions;
  gboolean show_candidates = self->analysed;

  if (conclusions == NULL)
    {
      g_autoptr(RlSearch) search = rl_store_get_search (store, self->search->id, NULL);

      conclusions = read = rl_store_list_conclusions (store, self->search->id, NULL);
      if (search != NULL)
        {
          rl_search_free (self->search);
          self->search = g_steal_pointer (&search);
        }
    }
  update_header (self);
  gtk_widget_set_visible (self->candidates_box, show_candidates);
  gtk_button_set_label (self->analysis_button, self->analysed ? _("_Revise Analysis") : _("_Record Analysis"));
  if (self->analysed)
    gtk_widget_remove_css_class (GTK_WIDGET (self->analysis_button), "suggested-action");
  switch (self->stage)
    {
    case RL_REVIEW_STAGE_VERIFICATION:
      gtk_button_set_label (self->conclude_button, _("Record Veri_fication"));
      gtk_label_set_text (self->conclusion_heading, _("3 · Your Independent Conclusion"));
      gtk_label_set_text (self->candidates_heading, _("2 · The Pair to Verify"));
      break;
    case RL_REVIEW_STAGE_DISPUTE:
      gtk_button_set_label (self->conclude_button, _("Record Final _Decision"));
      gtk_label_set_text (self->conclusion_heading, _("3 · Final Decision"));
      gtk_label_set_text (self->candidates_heading, _("2 · The Disputed Pair"));
      break;
    default:
      gtk_button_set_label (self->conclude_button, _("Record _Conclusion"));
      gtk_label_set_text (self->conclusion_heading, _("3 · Conclusion"));
      gtk_label_set_text (self->candidates_heading, _("2 · Candidates"));
      break;
    }
  /* A pair searched by hand is not on the list: no empty table then. */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->candidate_list)),
                          self->candidates->len > 0);
  if (show_candidates)
    {
      update_candidate_rows (self, conclusions);
      update_history (self, conclusions);
    }
  update_target (self);
  _rl_review_view_update_actions (self);
}

static void
refresh (RlReviewView *self)
{
  refresh_with (self, NULL);
}

static void open_pair_to_verify (RlReviewView *self);

/* ------------------------------------------------------------ steps */

gboolean
rl_review_view_record_analysis (RlReviewView *self,
                                gboolean      of_value,
                                const char   *notes,
                                GError      **error)
{
  RlStore *store;
  g_autoptr(GString) markup = g_string_new ("{\"minutiae\":[");
  const RlMinutia *minutiae;
  guint n = 0;
  gboolean seen = FALSE;
  g_autofree char *status = NULL;
  g_autofree char *when = NULL;

  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), FALSE);
  store = rl_session_get_store (self->session);

  /* The features the examiner sees on the probe now, as charted. */
  minutiae = rl_print_view_get_minutiae (self->probe_view, &n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (markup, "%s{\"x\":%.1f,\"y\":%.1f,\"angle\":%.3f,\"kind\":%u}", i ? "," : "",
                            minutiae[i].x, minutiae[i].y, minutiae[i].angle, minutiae[i].kind);
  g_string_append (markup, "]}");

  if (!rl_store_candidate_seen (store, self->search->id, rl_session_get_user (self->session)->id, &seen, error) ||
      rl_store_add_probe_analysis (store, self->search->id, of_value, notes ? notes : "", markup->str, error) == 0)
    {
      if (error && *error)
        _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  clear_error (self);
  when = rl_format_time (rl_store_now (store));
  if (seen)
    {
      self->revised_after_seen = TRUE;
      status = g_strdup_printf (_("Analysis revised at %s, after candidates were seen (kept and flagged)."), when);
      _rl_review_view_toast (self, _("Analysis revised — recorded as made after candidates were seen"));
    }
  else
    {
      status = g_strdup_printf (ngettext ("Analysis recorded at %s: %s, %u feature marked.",
                                          "Analysis recorded at %s: %s, %u features marked.", n),
                                when, of_value ? _("of value") : _("not of value"), n);
      _rl_review_view_toast (self, self->stage == RL_REVIEW_STAGE_VERIFICATION
                                   ? _("Analysis recorded — the pair to verify is now shown")
                                   : _("Analysis recorded — candidates are now shown"));
    }
  gtk_label_set_text (self->analysis_status, status);
  self->analysed = TRUE;
  if (self->stage == RL_REVIEW_STAGE_ANALYSIS)
    self->stage = RL_REVIEW_STAGE_COMPARISON;
  refresh (self);
  open_pair_to_verify (self);
  return TRUE;
}

static void
show_comparison (RlReviewView *self)
{
  guint n_pairs = self->comparison_result ? self->comparison_result->n_pairs : 0;

  rl_comparison_view_set_prints (self->comparison, self->probe_image, self->probe_template,
                                 self->other_image, self->other_template);
  /* Layers extracted earlier show at once; the others when they arrive. */
  apply_layers (self, rl_comparison_view_get_probe_view (self->comparison), self->search->probe_sample_id);
  apply_layers (self, rl_comparison_view_get_candidate_view (self->comparison), self->shown_sample_id);
  if (self->comparison_result)
    rl_comparison_view_set_comparison (self->comparison, self->comparison_result);
  gtk_adjustment_set_upper (self->pairs_adjustment, MAX (n_pairs, 1));
  gtk_adjustment_set_value (self->pairs_adjustment, n_pairs);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pairs_scale), n_pairs > 0);
  gtk_stack_set_visible_child_name (self->print_stack, "comparison");
  /* The comparison view is laid out on the next frame; fit then. */
  gtk_widget_activate_action (GTK_WIDGET (self->comparison), "comparison.fit", NULL);
}

static gboolean
open_sample (RlReviewView *self,
             gint64        sample_id,
             GError      **error)
{
  RlStore *store = rl_session_get_store (self->session);
  g_autoptr(RlImage) image = NULL;
  g_autoptr(RlTemplate) tpl = NULL;

  if (!load_sample (store, sample_id, &image, &tpl, error))
    return FALSE;
  g_clear_pointer (&self->other_image, rl_image_free);
  g_clear_pointer (&self->other_template, rl_template_free);
  g_clear_pointer (&self->comparison_result, rl_comparison_free);
  self->other_image = g_steal_pointer (&image);
  self->other_template = g_steal_pointer (&tpl);
  self->shown_sample_id = sample_id;
  /* The matcher's pairs, computed again from the stored templates (the
   * search stored only the score). */
  rl_compare (self->probe_template, self->other_template, &self->comparison_result);
  show_comparison (self);
  request_extraction (self, self->search->probe_sample_id, self->probe_image);
  request_extraction (self, sample_id, self->other_image);
  update_layers_status (self);
  return TRUE;
}

gboolean
rl_review_view_select_candidate (RlReviewView *self,
                                 guint         index,
                                 GError      **error)
{
  RlSearchCandidate *candidate;
  RlStore *store;
  GtkSelectionModel *model;

  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), FALSE);
  store = rl_session_get_store (self->session);

  if (!self->analysed)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Record the analysis of the probe before looking at candidates"));
      _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  if (index >= self->candidates->len)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("The search has no candidate %u (it has %u)"), index + 1, self->candidates->len);
      return FALSE;
    }
  candidate = g_ptr_array_index (self->candidates, index);
  if (!rl_store_record_candidate_view (store, candidate->id, error) ||
      !open_sample (self, candidate->sample_id, error))
    {
      _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  self->current = (int) index;
  self->other_sample_id = 0;
  model = gtk_column_view_get_model (self->candidate_list);
  if (model && gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model)) != index)
    {
      g_signal_handlers_block_matched (model, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), index);
      g_signal_handlers_unblock_matched (model, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    }
  clear_error (self);
  update_target (self);
  _rl_review_view_update_actions (self);
  return TRUE;
}

gboolean
rl_review_view_compare_sample (RlReviewView *self,
                               gint64        sample_id,
                               GError      **error)
{
  GtkSelectionModel *model;

  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), FALSE);

  if (!self->analysed)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Record the analysis of the probe before comparing it with other prints"));
      _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  /* A sample that is on the list is that candidate. */
  for (guint i = 0; i < self->candidates->len; i++)
    if (((RlSearchCandidate *) g_ptr_array_index (self->candidates, i))->sample_id == sample_id)
      return rl_review_view_select_candidate (self, i, error);
  if (sample_id == self->search->probe_sample_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Sample %" G_GINT64_FORMAT " is the probe itself"), sample_id);
      _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  if (!open_sample (self, sample_id, error))
    {
      _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  self->current = -1;
  self->other_sample_id = sample_id;
  model = gtk_column_view_get_model (self->candidate_list);
  if (model)
    {
      g_signal_handlers_block_matched (model, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), GTK_INVALID_LIST_POSITION);
      g_signal_handlers_unblock_matched (model, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    }
  clear_error (self);
  update_target (self);
  _rl_review_view_update_actions (self);
  return TRUE;
}

/* An exclusion of a candidate the matcher scored above the release's match
 * threshold is a confirmed false match (a correction for the tuning loop,
 * with both samples and the reasons): fills *out and says so in told.
 * FALSE (nothing to report) below it. The store records it with the
 * conclusion in one transaction (one request on a server). */
static gboolean
false_match_correction (RlReviewView      *self,
                        RlSearchCandidate *candidate,
                        const char        *reasons,
                        RlCorrection      *out,
                        GString           *told)
{
  if (isnan (self->match_threshold) || candidate->score < self->match_threshold)
    return FALSE;
  *out = (RlCorrection) {
    .kind = RL_CORRECTION_FALSE_MATCH,
    .probe_sample_id = self->search->probe_sample_id,
    .candidate_sample_id = candidate->sample_id,
    .search_id = self->search->id,
    .release_id = self->search->release_id,
    .score = candidate->score,
    .reason = (char *) reasons,
  };
  g_string_append_printf (told, _("; confirmed false match reported (score %.1f is above the match threshold %.1f)"),
                          candidate->score, self->match_threshold);
  return TRUE;
}

gint64
rl_review_view_record_conclusion (RlReviewView *self,
                                  RlDecision    decision,
                                  const char   *reasons,
                                  const char   *notes,
                                  GError      **error)
{
  RlStore *store;
  RlSearchCandidate *candidate;
  g_autoptr(GPtrArray) conclusions = NULL;
  RlConclusion conclusion = { 0 };
  RlConclusion *previous;
  RlCorrection correction = { 0 };
  gboolean with_correction = FALSE;
  gint64 sample_id, id;
  g_autoptr(GString) told = g_string_new (NULL);

  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), 0);
  store = rl_session_get_store (self->session);
  candidate = current_candidate (self);
  sample_id = current_sample_id (self);

  if (self->stage == RL_REVIEW_STAGE_VERIFICATION)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("This search awaits verification: record a verification, not a new conclusion"));
      goto fail;
    }
  if (self->stage == RL_REVIEW_STAGE_DISPUTE)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("This search is disputed: record the final decision, not a new conclusion"));
      goto fail;
    }
  if (sample_id == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Select the candidate (or the print searched by hand) the conclusion is about"));
      goto fail;
    }
  if (!(conclusions = rl_store_list_conclusions (store, self->search->id, error)))
    goto fail;
  /* A change of mind is a new conclusion that supersedes the current one. */
  previous = latest_conclusion_for (conclusions, sample_id);
  conclusion.search_id = self->search->id;
  conclusion.candidate_id = candidate ? candidate->id : 0;
  conclusion.probe_sample_id = self->search->probe_sample_id;
  conclusion.candidate_sample_id = sample_id;
  conclusion.decision = decision;
  conclusion.reasons = (char *) reasons;
  conclusion.notes = (char *) notes;
  conclusion.supersedes = previous ? previous->id : 0;

  g_string_append_printf (told, _("%s recorded"), rl_decision_to_label (decision));
  if (previous)
    {
      g_autofree char *was = rl_format_time (previous->created_at);
      g_string_append_printf (told, _(" (supersedes the %s of %s)"), rl_decision_to_label (previous->decision), was);
    }

  /* Corrections for the tuning loop, with both samples and the reasons,
   * recorded with the conclusion or not at all. */
  if (candidate != NULL && decision == RL_DECISION_EXCLUSION)
    with_correction = false_match_correction (self, candidate, reasons, &correction, told);
  else if (candidate == NULL && decision == RL_DECISION_IDENTIFICATION)
    {
      correction = (RlCorrection) {
        .kind = RL_CORRECTION_MISSED_MATCH,
        .probe_sample_id = self->search->probe_sample_id,
        .candidate_sample_id = sample_id,
        .search_id = self->search->id,
        .release_id = self->search->release_id,
        .score = self->comparison_result ? self->comparison_result->score : NAN,
        .reason = (char *) reasons,
      };
      with_correction = TRUE;
      g_string_append (told, _("; missed match reported (the print was not on the candidate list)"));
    }
  if ((id = rl_store_add_conclusion_with_correction (store, &conclusion, with_correction ? &correction : NULL,
                                                     error)) == 0)
    goto fail;
  if (decision == RL_DECISION_IDENTIFICATION)
    g_string_append (told, _("; the search goes to verification"));
  clear_error (self);
  _rl_review_view_toast (self, told->str);
  refresh (self);
  return id;

fail:
  if (error && *error)
    _rl_review_view_show_error (self, *error);
  return 0;
}

gint64
rl_review_view_record_verification (RlReviewView *self,
                                    gboolean      agrees,
                                    RlDecision    decision,
                                    const char   *reasons,
                                    GError      **error)
{
  RlStore *store;
  gint64 id;

  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), 0);
  store = rl_session_get_store (self->session);

  if (self->to_verify == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Search %" G_GINT64_FORMAT " has no identification awaiting verification"), self->search->id);
      _rl_review_view_show_error (self, *error);
      return 0;
    }
  if ((id = rl_store_add_verification (store, self->to_verify->id, TRUE, agrees, decision, reasons, error)) == 0)
    {
      _rl_review_view_show_error (self, *error);
      return 0;
    }
  clear_error (self);
  _rl_review_view_toast (self, agrees ? _("Verification recorded: the identification stands; the search is completed")
                                      : _("Disagreement recorded: the search goes to a supervisor"));
  refresh (self);
  return id;
}

gint64
rl_review_view_decide_dispute (RlReviewView *self,
                               RlDecision    decision,
                               const char   *reasons,
                               GError      **error)
{
  RlStore *store;
  RlSearchCandidate *candidate;
  g_autoptr(GString) told = g_string_new (NULL);
  RlCorrection correction = { 0 };
  gboolean with_correction = FALSE;
  gint64 id;

  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), 0);
  store = rl_session_get_store (self->session);
  candidate = current_candidate (self);

  if (self->stage != RL_REVIEW_STAGE_DISPUTE || self->to_verify == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Search %" G_GINT64_FORMAT " is not disputed: there is no decision for a supervisor to make"),
                   self->search->id);
      goto fail;
    }
  if (current_sample_id (self) != self->to_verify->candidate_sample_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Open the disputed pair (sample %" G_GINT64_FORMAT ") before deciding"),
                   self->to_verify->candidate_sample_id);
      goto fail;
    }
  if (candidate != NULL && decision == RL_DECISION_EXCLUSION)
    with_correction = false_match_correction (self, candidate, reasons, &correction, told);
  if ((id = rl_store_decide_dispute_with_correction (store, self->search->id, decision, reasons,
                                                     with_correction ? &correction : NULL, error)) == 0)
    goto fail;
  g_string_prepend (told, _("Final decision recorded; the search is completed"));
  clear_error (self);
  _rl_review_view_toast (self, told->str);
  refresh (self);
  return id;

fail:
  if (error && *error)
    _rl_review_view_show_error (self, *error);
  return 0;
}

gboolean
rl_review_view_export_chart (RlReviewView *self,
                             const char   *path,
                             GError      **error)
{
  RlStore *store;
  RlSearchCandidate *candidate;
  RlCourtChart chart = { 0 };
  g_autoptr(GPtrArray) conclusions = NULL;
  g_autoptr(RlMatcherRelease) release = NULL;
  g_autoptr(RlSample) probe_sample = NULL, other_sample = NULL;
  g_autofree char *case_number = NULL, *probe_caption = NULL, *candidate_caption = NULL;
  g_autofree char *examiner = NULL, *date = NULL, *details = NULL, *escaped = NULL;
  g_autofree char *candidate_ref = NULL;
  RlConclusion *conclusion;
  gint64 sample_id;

  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  store = rl_session_get_store (self->session);
  candidate = current_candidate (self);
  sample_id = current_sample_id (self);

  if (sample_id == 0 || self->comparison_result == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Open a comparison before exporting its chart"));
      _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  conclusions = rl_store_list_conclusions (store, self->search->id, NULL);
  conclusion = self->stage == RL_REVIEW_STAGE_VERIFICATION ? NULL : latest_conclusion_for (conclusions, sample_id);
  release = rl_store_get_release (store, self->search->release_id, NULL);
  probe_sample = rl_store_get_sample (store, self->search->probe_sample_id, NULL);
  other_sample = rl_store_get_sample (store, sample_id, NULL);
  case_number = self->search->case_reference && *self->search->case_reference
    ? g_strdup (self->search->case_reference) : g_strdup_printf (_("search S-%06" G_GINT64_FORMAT), self->search->id);
  probe_caption = g_strdup_printf (_("Probe — %s"), rl_format_finger (probe_sample ? probe_sample->finger : 0));
  candidate_caption = candidate
    ? g_strdup_printf (_("Candidate %u — %s, %s"), candidate->rank,
                       rl_format_finger (candidate->finger), candidate_ref = candidate_reference (candidate))
    : g_strdup_printf (_("Sample %" G_GINT64_FORMAT " — %s"), sample_id,
                       rl_format_finger (other_sample ? other_sample->finger : 0));
  if (conclusion)
    {
      examiner = user_name (store, conclusion->examiner_id);
      date = rl_format_time (conclusion->created_at);
    }
  else
    examiner = g_strdup (rl_session_get_display_name (self->session));

  chart.probe_image = self->probe_image;
  chart.candidate_image = self->other_image;
  chart.probe_template = self->probe_template;
  chart.candidate_template = self->other_template;
  chart.pairs = self->comparison_result->pairs;
  chart.n_pairs = MIN ((guint) gtk_adjustment_get_value (self->pairs_adjustment), self->comparison_result->n_pairs);
  chart.case_number = case_number;
  chart.probe_caption = probe_caption;
  chart.candidate_caption = candidate_caption;
  chart.examiner = examiner;
  chart.conclusion = conclusion ? rl_decision_to_label (conclusion->decision) : NULL;
  chart.release = release ? release->name : NULL;
  chart.date = date;
  chart.score = candidate ? candidate->score : self->comparison_result->score;
  chart.false_match_rate = release_score_to_fmr (self, chart.score);
  if (!rl_court_chart_write (&chart, path, error))
    {
      _rl_review_view_show_error (self, *error);
      return FALSE;
    }
  escaped = g_strescape (path, NULL);
  details = g_strdup_printf ("{\"candidate_sample\":%" G_GINT64_FORMAT ",\"file\":\"%s\"}", sample_id, escaped);
  rl_store_audit (store, "chart.export", "search", self->search->id, NULL, details, NULL);
  {
    g_autofree char *base = g_path_get_basename (path);
    g_autofree char *text = g_strdup_printf (_("Chart written to %s"), base);
    _rl_review_view_toast (self, text);
  }
  return TRUE;
}

/* Verification: after the verifier's own analysis, the pair under
 * verification opens by itself (on the list or searched by hand). */
static void
open_pair_to_verify (RlReviewView *self)
{
  g_autoptr(GError) error = NULL;

  if ((self->stage != RL_REVIEW_STAGE_VERIFICATION && self->stage != RL_REVIEW_STAGE_DISPUTE) ||
      self->to_verify == NULL || !self->analysed ||
      current_sample_id (self) != 0)
    return;
  if (self->candidates->len > 0)
    rl_review_view_select_candidate (self, 0, &error);
  else
    rl_review_view_compare_sample (self, self->to_verify->candidate_sample_id, &error);
}

/* ------------------------------------------------------------ signals */

static void
on_selection_changed (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      RlReviewView      *self)
{
  guint selected = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));
  g_autoptr(GError) error = NULL;

  if (selected == GTK_INVALID_LIST_POSITION || (int) selected == self->current)
    return;
  rl_review_view_select_candidate (self, selected, &error);
}

static void
on_pairs_changed (GtkAdjustment *adjustment,
                  RlReviewView  *self)
{
  rl_comparison_view_set_visible_pairs (self->comparison, (guint) gtk_adjustment_get_value (adjustment));
}

/* ------------------------------------------------------------ object */

/* Everything opening a review reads from the store, read by
 * rl_review_load (in a worker thread on a server: no widget is touched). */
struct _RlReviewLoad {
  RlSearch        *search;
  GPtrArray       *candidates;     /* RlSearchCandidate* */
  float            match_threshold;
  RlReleaseParams  release_params;
  RlImage         *probe_image;
  RlTemplate      *probe_template;
  RlConclusion    *to_verify;      /* the identification to verify, or the disputed one */
  RlReviewStage    stage;
  GPtrArray       *audit;          /* this examiner's audit rows on the search (NULL: none read) */
  GPtrArray       *conclusions;    /* for the first refresh */
};

void
rl_review_load_free (RlReviewLoad *load)
{
  if (load == NULL)
    return;
  g_clear_pointer (&load->search, rl_search_free);
  g_clear_pointer (&load->candidates, g_ptr_array_unref);
  g_clear_pointer (&load->probe_image, rl_image_free);
  g_clear_pointer (&load->probe_template, rl_template_free);
  g_clear_pointer (&load->to_verify, rl_conclusion_free);
  g_clear_pointer (&load->audit, g_ptr_array_unref);
  g_clear_pointer (&load->conclusions, g_ptr_array_unref);
  g_free (load);
}

RlReviewLoad *
rl_review_load (RlStore       *store,
                const RlUser  *user,
                gint64         search_id,
                GError       **error)
{
  g_autoptr(RlReviewLoad) load = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  if (user == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("Sign in to review a search"));
      return NULL;
    }
  load = g_new0 (RlReviewLoad, 1);
  load->stage = RL_REVIEW_STAGE_ANALYSIS;
  if (!(load->search = rl_store_get_search (store, search_id, error)) ||
      !(load->candidates = rl_store_list_candidates (store, search_id, error)))
    return NULL;
  load->match_threshold = rl_review_release_match_threshold (store, load->search->release_id);
  load_release_params (store, load->search->release_id, &load->release_params);
  if (!load_sample (store, load->search->probe_sample_id, &load->probe_image, &load->probe_template, error))
    return NULL;
  if (!(load->conclusions = rl_store_list_conclusions (store, search_id, error)))
    return NULL;

  /* Verification: a second examiner sees only the identified print, not
   * the first examiner's conclusion. */
  if (load->search->status == RL_SEARCH_VERIFICATION)
    {
      /* a list of its own to take the conclusion from (the first refresh
       * shows them all) */
      g_autoptr(GPtrArray) conclusions = rl_store_list_conclusions (store, search_id, error);

      if (conclusions == NULL)
        return NULL;
      for (guint i = 0; i < conclusions->len; i++)
        {
          RlConclusion *c = g_ptr_array_index (conclusions, i);
          if (c->decision == RL_DECISION_IDENTIFICATION)
            {
              g_clear_pointer (&load->to_verify, rl_conclusion_free);
              load->to_verify = g_ptr_array_steal_index (conclusions, i--);
            }
        }
      if (load->to_verify != NULL)
        load->stage = RL_REVIEW_STAGE_VERIFICATION;
    }

  /* A dispute: a supervisor sees the history (the identification and the
   * disagreement) and decides on the disputed pair. */
  if (load->search->status == RL_SEARCH_DISPUTED && user->role == RL_ROLE_SUPERVISOR)
    {
      if (!(load->to_verify = rl_store_get_disputed_conclusion (store, load->search->id, error)))
        return NULL;
      load->stage = RL_REVIEW_STAGE_DISPUTE;
    }
  if (load->to_verify != NULL)
    for (guint i = load->candidates->len; i-- > 0;)
      if (((RlSearchCandidate *) g_ptr_array_index (load->candidates, i))->id != load->to_verify->candidate_id)
        g_ptr_array_remove_index (load->candidates, i);

  /* An analysis this examiner already recorded (a search reopened) is kept:
   * the audit log says whether there is one. */
  load->audit = rl_store_list_audit (store, "search", load->search->id, user->id, 0, NULL);
  return g_steal_pointer (&load);
}

RlReviewView *
rl_review_view_new_from_load (RlSession    *session,
                              RlReviewLoad *load)
{
  g_autoptr(RlReviewView) self = NULL;

  g_return_val_if_fail (RL_IS_SESSION (session), NULL);
  g_return_val_if_fail (load != NULL && load->search != NULL, NULL);

  self = g_object_ref_sink (g_object_new (RL_TYPE_REVIEW_VIEW, NULL));
  self->session = g_object_ref (session);
  self->search = g_steal_pointer (&load->search);
  self->candidates = g_steal_pointer (&load->candidates);
  self->match_threshold = load->match_threshold;
  self->release_params = load->release_params;
  self->probe_image = g_steal_pointer (&load->probe_image);
  self->probe_template = g_steal_pointer (&load->probe_template);
  self->to_verify = g_steal_pointer (&load->to_verify);
  self->stage = load->stage;
  rl_print_view_set_image (self->probe_view, self->probe_image);
  rl_print_view_set_template (self->probe_view, self->probe_template);
  /* The probe's layers are extracted while the examiner analyses it. */
  request_extraction (self, self->search->probe_sample_id, self->probe_image);

  if (self->stage == RL_REVIEW_STAGE_DISPUTE)
    {
      /* The supervisor reads the identification and the disagreement (with
       * its reasons) first: the history moves up, above the decision. */
      GtkBox *box = GTK_BOX (self->candidates_box);
      GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (self->candidate_list));

      gtk_box_reorder_child_after (box, GTK_WIDGET (self->history_heading), list);
      gtk_box_reorder_child_after (box, GTK_WIDGET (self->history_label), GTK_WIDGET (self->history_heading));
    }

  /* One pair to verify or decide: no room kept for a list of candidates. */
  if (self->stage == RL_REVIEW_STAGE_VERIFICATION || self->stage == RL_REVIEW_STAGE_DISPUTE)
    gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (gtk_widget_get_parent (
                                                  GTK_WIDGET (self->candidate_list))), 72);

  for (guint i = 0; load->audit && i < load->audit->len; i++)
    {
      RlAuditEntry *entry = g_ptr_array_index (load->audit, i);
      if (g_str_has_prefix (entry->action, "analysis.add"))
        {
          self->analysed = TRUE;
          if (g_str_equal (entry->action, "analysis.add-after-candidate"))
            self->revised_after_seen = TRUE;
        }
    }
  if (self->analysed)
    {
      gtk_label_set_text (self->analysis_status, _("Analysis recorded earlier."));
      if (self->stage == RL_REVIEW_STAGE_ANALYSIS)
        self->stage = RL_REVIEW_STAGE_COMPARISON;
    }
  refresh_with (self, load->conclusions);
  open_pair_to_verify (self);
  return g_steal_pointer (&self);
}

RlReviewView *
rl_review_view_new (RlSession *session,
                    gint64     search_id,
                    GError   **error)
{
  g_autoptr(RlReviewLoad) load = NULL;

  g_return_val_if_fail (RL_IS_SESSION (session), NULL);

  if (!(load = rl_review_load (rl_session_get_store (session), rl_session_get_user (session), search_id, error)))
    return NULL;
  return rl_review_view_new_from_load (session, load);
}

gint64
rl_review_view_get_search_id (RlReviewView *self)
{
  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), 0);
  return self->search->id;
}

RlReviewStage
rl_review_view_get_stage (RlReviewView *self)
{
  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), 0);
  return self->stage;
}

gboolean
rl_review_view_get_candidates_visible (RlReviewView *self)
{
  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), FALSE);
  return gtk_widget_get_visible (self->candidates_box);
}

guint
rl_review_view_get_n_candidates (RlReviewView *self)
{
  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), 0);
  return self->candidates->len;
}

GtkWidget *
rl_review_view_get_comparison (RlReviewView *self)
{
  g_return_val_if_fail (RL_IS_REVIEW_VIEW (self), NULL);
  return GTK_WIDGET (self->comparison);
}

RlDecision
_rl_review_view_get_chosen_decision (RlReviewView *self)
{
  if (gtk_toggle_button_get_active (self->identification_button))
    return RL_DECISION_IDENTIFICATION;
  if (gtk_toggle_button_get_active (self->exclusion_button))
    return RL_DECISION_EXCLUSION;
  if (gtk_toggle_button_get_active (self->inconclusive_button))
    return RL_DECISION_INCONCLUSIVE;
  return 0;
}

static gboolean *
layer_flag (RlReviewView *self,
            guint         prop_id)
{
  switch (prop_id)
    {
    case PROP_SHOW_MINUTIAE: return &self->show_minutiae;
    case PROP_SHOW_SINGULARITIES: return &self->show_singularities;
    case PROP_SHOW_QUALITY: return &self->show_quality;
    case PROP_SHOW_ENHANCED: return &self->show_enhanced;
    case PROP_SHOW_SKELETON: return &self->show_skeleton;
    default: return NULL;
    }
}

static void
rl_review_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  RlReviewView *self = RL_REVIEW_VIEW (object);
  gboolean *flag = layer_flag (self, prop_id);

  if (flag != NULL)
    g_value_set_boolean (value, *flag);
  else if (prop_id == PROP_EXTRACTING)
    g_value_set_boolean (value, _rl_review_view_get_extracting (self));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
rl_review_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  RlReviewView *self = RL_REVIEW_VIEW (object);
  gboolean *flag = layer_flag (self, prop_id);

  if (flag == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (*flag != g_value_get_boolean (value))
    {
      *flag = g_value_get_boolean (value);
      g_object_notify_by_pspec (object, pspec);
    }
}

static void
rl_review_view_dispose (GObject *object)
{
  RlReviewView *self = RL_REVIEW_VIEW (object);

  /* Extractions still running end without touching the views. */
  g_cancellable_cancel (self->cancellable);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_REVIEW_VIEW);
  g_clear_object (&self->session);
  g_clear_pointer (&self->search, rl_search_free);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->probe_image, rl_image_free);
  g_clear_pointer (&self->probe_template, rl_template_free);
  g_clear_pointer (&self->other_image, rl_image_free);
  g_clear_pointer (&self->other_template, rl_template_free);
  g_clear_pointer (&self->comparison_result, rl_comparison_free);
  g_clear_pointer (&self->to_verify, rl_conclusion_free);
  G_OBJECT_CLASS (rl_review_view_parent_class)->dispose (object);
}

static void
rl_review_view_finalize (GObject *object)
{
  RlReviewView *self = RL_REVIEW_VIEW (object);

  g_clear_pointer (&self->extractions, g_hash_table_unref);
  g_clear_pointer (&self->extracting, g_hash_table_unref);
  g_clear_pointer (&self->layer_errors, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (rl_review_view_parent_class)->finalize (object);
}

static void
rl_review_view_class_init (RlReviewViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_review_view_dispose;
  object_class->finalize = rl_review_view_finalize;
  object_class->get_property = rl_review_view_get_property;
  object_class->set_property = rl_review_view_set_property;

  {
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
    properties[PROP_SHOW_MINUTIAE] = g_param_spec_boolean ("show-minutiae", NULL, NULL, TRUE, rw);
    properties[PROP_SHOW_SINGULARITIES] = g_param_spec_boolean ("show-singularities", NULL, NULL, TRUE, rw);
    properties[PROP_SHOW_QUALITY] = g_param_spec_boolean ("show-quality", NULL, NULL, FALSE, rw);
    properties[PROP_SHOW_ENHANCED] = g_param_spec_boolean ("show-enhanced", NULL, NULL, FALSE, rw);
    properties[PROP_SHOW_SKELETON] = g_param_spec_boolean ("show-skeleton", NULL, NULL, FALSE, rw);
    /* TRUE while the extractor works on a print for the layers. */
    properties[PROP_EXTRACTING] = g_param_spec_boolean ("extracting", NULL, NULL, FALSE,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties (object_class, N_PROPS, properties);
  }

  g_type_ensure (RL_TYPE_PRINT_VIEW);
  g_type_ensure (RL_TYPE_COMPARISON_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-review-view.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, RlReviewView, name)
  BIND (toast_overlay);
  BIND (title_label);
  BIND (stage_label);
  BIND (revised_label);
  BIND (identity_button);
  BIND (export_button);
  BIND (of_value_check);
  BIND (minutiae_check);
  BIND (singularities_check);
  BIND (notes_view);
  BIND (analysis_button);
  BIND (analysis_status);
  BIND (candidates_box);
  BIND (candidates_heading);
  BIND (candidate_list);
  BIND (conclusion_heading);
  BIND (target_label);
  BIND (identification_button);
  BIND (exclusion_button);
  BIND (inconclusive_button);
  BIND (reasons_entry);
  BIND (conclusion_notes_entry);
  BIND (conclude_button);
  BIND (error_label);
  BIND (history_heading);
  BIND (history_label);
  BIND (print_stack);
  BIND (probe_view);
  BIND (comparison);
  BIND (pairs_scale);
  BIND (pairs_adjustment);
  BIND (score_label);
  BIND (link_button);
  BIND (layers_status);
  BIND (layers_spinner);
#undef BIND
  gtk_widget_class_set_css_name (widget_class, "rl-review-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  _rl_review_view_class_actions_init (klass);
}

static void
rl_review_view_init (RlReviewView *self)
{
  static const struct { const char *title; guint cell; RlTextColumnFlags flags; } columns[] = {
    { N_("Rank"), COL_RANK, RL_TEXT_COLUMN_NUMERIC },
    { N_("Score"), COL_SCORE, RL_TEXT_COLUMN_NUMERIC },
    { N_("Est. FMR"), COL_FMR, RL_TEXT_COLUMN_NUMERIC | RL_TEXT_COLUMN_DIM },
    { N_("Finger"), COL_FINGER, 0 },
    { N_("Quality"), COL_QUALITY, RL_TEXT_COLUMN_NUMERIC },
    { N_("Identity"), COL_IDENTITY, RL_TEXT_COLUMN_MONO },
    { N_("Name"), COL_NAME, 0 },
    { N_("Encounter"), COL_ENCOUNTER, RL_TEXT_COLUMN_DIM },
    { N_("Agency"), COL_AGENCY, 0 },
    { N_("Conclusion"), COL_CONCLUSION, RL_TEXT_COLUMN_EXPAND },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->current = -1;
  self->extractions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) rl_extraction_free);
  self->extracting = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->layer_errors = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
  self->show_minutiae = TRUE;
  self->show_singularities = TRUE;
  self->match_threshold = NAN;
  rl_release_params_init_default (&self->release_params);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    rl_column_view_append_text_column (self->candidate_list, _(columns[i].title), columns[i].cell, columns[i].flags);
  {
    g_autoptr(GListStore) empty = g_list_store_new (RL_TYPE_TEXT_ROW);
    GtkSingleSelection *selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&empty)));
    gtk_single_selection_set_autoselect (selection, FALSE);
    gtk_single_selection_set_can_unselect (selection, TRUE);
    gtk_column_view_set_model (self->candidate_list, GTK_SELECTION_MODEL (selection));
    g_signal_connect (selection, "selection-changed", G_CALLBACK (on_selection_changed), self);
    g_object_unref (selection);
  }
  g_signal_connect (self->pairs_adjustment, "value-changed", G_CALLBACK (on_pairs_changed), self);
  _rl_review_view_add_shortcuts (self);
  /* The layers the examiner chose show on every print of the review: the
   * probe under analysis and both sides of the comparison. */
  {
    static const char *const layers[] = { "show-minutiae", "show-singularities", "show-quality",
                                          "show-enhanced", "show-skeleton" };
    RlPrintView *views[] = { self->probe_view, rl_comparison_view_get_probe_view (self->comparison),
                             rl_comparison_view_get_candidate_view (self->comparison) };

    for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
      for (guint j = 0; j < G_N_ELEMENTS (views); j++)
        g_object_bind_property (self, layers[i], views[j], layers[i], G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  }
  g_object_bind_property (self->minutiae_check, "active", self, "show-minutiae",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->singularities_check, "active", self, "show-singularities",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->link_button, "active", self->comparison, "linked",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}
