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

enum { COL_RANK, COL_SCORE, COL_FMR, COL_FINGER, COL_QUALITY, COL_IDENTITY, COL_ENCOUNTER, COL_AGENCY, COL_CONCLUSION };

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
      line = g_markup_printf_escaped (superseded ? "<s><b>%s</b> · %s — %s, %s</s>\n<small><s>%s</s></small>"
                                                 : "<b>%s</b> · %s — %s, %s\n<small>%s</small>",
                                      rl_decision_to_label (c->decision), target, who, when, c->reasons);
      if (text->len)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
      for (guint j = 0; verifications && j < verifications->len; j++)
        {
          RlVerification *v = g_ptr_array_index (verifications, j);
          g_autofree char *vwho = user_name (store, v->verifier_id);
          g_autofree char *vwhen = rl_format_time (v->created_at);
          g_autofree char *vline = g_markup_printf_escaped ("\n    %s %s — %s, %s",
                                                            v->agrees ? "✔" : "✘",
                                                            v->agrees ? _("Verified") : _("Disputed"),
                                                            vwho, vwhen);
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
    default: stage = ""; break;
    }
  gtk_label_set_text (self->stage_label, stage);
  gtk_widget_set_visible (GTK_WIDGET (self->revised_label), self->revised_after_seen);
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
      g_autofree char *fmr = format_fmr (rl_score_to_fmr (c->score));
      g_autofree char *quality = c->quality >= 0 ? g_strdup_printf ("%d", c->quality) : g_strdup ("");
      g_autofree char *identity = g_strdup_printf ("P-%06" G_GINT64_FORMAT, c->identity_id);
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
      row = rl_text_row_new (rank, score, fmr, rl_format_finger (c->finger), quality, identity, when,
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
      g_autofree char *fmr = format_fmr (rl_score_to_fmr (candidate->score));
      text = g_strdup_printf (_("Candidate %u: P-%06" G_GINT64_FORMAT ", %s, score %.1f (est. FMR %s)"),
                              candidate->rank, candidate->identity_id, rl_format_finger (candidate->finger),
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
    text = g_strdup (self->stage == RL_REVIEW_STAGE_VERIFICATION
                     ? _("Select the candidate to verify.")
                     : _("Select a candidate to compare it with the probe."));
  gtk_label_set_text (self->target_label, text);
  gtk_label_set_text (self->score_label, score ? score : "");
}

/* Everything read from the store again (after every write). */
static void
refresh (RlReviewView *self)
{
  RlStore *store = rl_session_get_store (self->session);
  g_autoptr(GPtrArray) conclusions = rl_store_list_conclusions (store, self->search->id, NULL);
  g_autoptr(RlSearch) search = rl_store_get_search (store, self->search->id, NULL);
  gboolean show_candidates = self->analysed;

  if (search != NULL)
    {
      rl_search_free (self->search);
      self->search = g_steal_pointer (&search);
    }
  update_header (self);
  gtk_widget_set_visible (self->candidates_box, show_candidates);
  gtk_button_set_label (self->analysis_button, self->analysed ? _("_Revise Analysis") : _("_Record Analysis"));
  if (self->analysed)
    gtk_widget_remove_css_class (GTK_WIDGET (self->analysis_button), "suggested-action");
  gtk_button_set_label (self->conclude_button, self->stage == RL_REVIEW_STAGE_VERIFICATION
                                               ? _("Record _Verification") : _("Record _Conclusion"));
  gtk_label_set_text (self->conclusion_heading, self->stage == RL_REVIEW_STAGE_VERIFICATION
                                                ? _("3 · Your Independent Conclusion") : _("3 · Conclusion"));
  gtk_label_set_text (self->candidates_heading, self->stage == RL_REVIEW_STAGE_VERIFICATION
                                                ? _("2 · The Pair to Verify") : _("2 · Candidates"));
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
  /* The matcher's pairs, computed again from the stored templates (the
   * search stored only the score). */
  rl_compare (self->probe_template, self->other_template, &self->comparison_result);
  show_comparison (self);
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

  if (!rl_store_begin (store, error))
    goto fail;
  if ((id = rl_store_add_conclusion (store, &conclusion, error)) == 0)
    {
      rl_store_rollback (store);
      goto fail;
    }
  g_string_append_printf (told, _("%s recorded"), rl_decision_to_label (decision));
  if (previous)
    {
      g_autofree char *was = rl_format_time (previous->created_at);
      g_string_append_printf (told, _(" (supersedes the %s of %s)"), rl_decision_to_label (previous->decision), was);
    }

  /* Corrections for the tuning loop, with both samples and the reasons. */
  if (candidate != NULL && decision == RL_DECISION_EXCLUSION &&
      !isnan (self->match_threshold) && candidate->score >= self->match_threshold)
    {
      RlCorrection correction = {
        .kind = RL_CORRECTION_FALSE_MATCH,
        .probe_sample_id = self->search->probe_sample_id,
        .candidate_sample_id = sample_id,
        .search_id = self->search->id,
        .conclusion_id = id,
        .release_id = self->search->release_id,
        .score = candidate->score,
        .reason = (char *) reasons,
      };
      if (rl_store_add_correction (store, &correction, error) == 0)
        {
          rl_store_rollback (store);
          goto fail;
        }
      g_string_append_printf (told, _("; confirmed false match reported (score %.1f is above the match threshold %.1f)"),
                              candidate->score, self->match_threshold);
    }
  else if (candidate == NULL && decision == RL_DECISION_IDENTIFICATION)
    {
      RlCorrection correction = {
        .kind = RL_CORRECTION_MISSED_MATCH,
        .probe_sample_id = self->search->probe_sample_id,
        .candidate_sample_id = sample_id,
        .search_id = self->search->id,
        .conclusion_id = id,
        .release_id = self->search->release_id,
        .score = self->comparison_result ? self->comparison_result->score : NAN,
        .reason = (char *) reasons,
      };
      if (rl_store_add_correction (store, &correction, error) == 0)
        {
          rl_store_rollback (store);
          goto fail;
        }
      g_string_append (told, _("; missed match reported (the print was not on the candidate list)"));
    }
  if (!rl_store_commit (store, error))
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
    ? g_strdup_printf (_("Candidate %u — %s, P-%06" G_GINT64_FORMAT), candidate->rank,
                       rl_format_finger (candidate->finger), candidate->identity_id)
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
  chart.false_match_rate = rl_score_to_fmr (chart.score);
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

  if (self->stage != RL_REVIEW_STAGE_VERIFICATION || self->to_verify == NULL || !self->analysed ||
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

RlReviewView *
rl_review_view_new (RlSession *session,
                    gint64     search_id,
                    GError   **error)
{
  g_autoptr(RlReviewView) self = NULL;
  RlStore *store;
  const RlUser *user;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) audit = NULL;

  g_return_val_if_fail (RL_IS_SESSION (session), NULL);
  store = rl_session_get_store (session);
  user = rl_session_get_user (session);
  if (user == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("Sign in to review a search"));
      return NULL;
    }
  if (!(search = rl_store_get_search (store, search_id, error)) ||
      !(candidates = rl_store_list_candidates (store, search_id, error)))
    return NULL;

  self = g_object_ref_sink (g_object_new (RL_TYPE_REVIEW_VIEW, NULL));
  self->session = g_object_ref (session);
  self->search = g_steal_pointer (&search);
  self->candidates = g_steal_pointer (&candidates);
  self->match_threshold = rl_review_release_match_threshold (store, self->search->release_id);
  if (!load_sample (store, self->search->probe_sample_id, &self->probe_image, &self->probe_template, error))
    return NULL;
  rl_print_view_set_image (self->probe_view, self->probe_image);
  rl_print_view_set_template (self->probe_view, self->probe_template);

  /* Verification: a second examiner sees only the identified print, not
   * the first examiner's conclusion. */
  if (self->search->status == RL_SEARCH_VERIFICATION)
    {
      g_autoptr(GPtrArray) conclusions = rl_store_list_conclusions (store, self->search->id, error);
      if (conclusions == NULL)
        return NULL;
      for (guint i = 0; i < conclusions->len; i++)
        {
          RlConclusion *c = g_ptr_array_index (conclusions, i);
          if (c->decision == RL_DECISION_IDENTIFICATION)
            {
              g_clear_pointer (&self->to_verify, rl_conclusion_free);
              self->to_verify = g_ptr_array_steal_index (conclusions, i--);
            }
        }
      if (self->to_verify != NULL)
        {
          self->stage = RL_REVIEW_STAGE_VERIFICATION;
          for (guint i = self->candidates->len; i-- > 0;)
            if (((RlSearchCandidate *) g_ptr_array_index (self->candidates, i))->id != self->to_verify->candidate_id)
              g_ptr_array_remove_index (self->candidates, i);
        }
    }

  /* An analysis this examiner already recorded (a search reopened) is kept:
   * the audit log says whether there is one. */
  audit = rl_store_list_audit (store, "search", self->search->id, user->id, 0, NULL);
  for (guint i = 0; audit && i < audit->len; i++)
    {
      RlAuditEntry *entry = g_ptr_array_index (audit, i);
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
  refresh (self);
  open_pair_to_verify (self);
  return g_steal_pointer (&self);
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

static void
rl_review_view_dispose (GObject *object)
{
  RlReviewView *self = RL_REVIEW_VIEW (object);

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
rl_review_view_class_init (RlReviewViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_review_view_dispose;

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
    { N_("Encounter"), COL_ENCOUNTER, RL_TEXT_COLUMN_DIM },
    { N_("Agency"), COL_AGENCY, 0 },
    { N_("Conclusion"), COL_CONCLUSION, RL_TEXT_COLUMN_EXPAND },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->current = -1;
  self->match_threshold = NAN;
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
  /* Layers of the probe under analysis (the print view's own keys work too). */
  g_object_bind_property (self->minutiae_check, "active", self->probe_view, "show-minutiae",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->singularities_check, "active", self->probe_view, "show-singularities",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->link_button, "active", self->comparison, "linked",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}
