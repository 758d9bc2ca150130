/* The examiner's review (RlReviewView) on a workspace of real prints from
 * /work/shared (FVC2002 DB1 B), under Xvfb: a search opened from the work
 * queue is claimed and leaves other examiners' queues; candidates stay
 * hidden until the analysis is recorded; a revision after candidates were
 * seen is kept and flagged; conclusions are stored with examiner and time and
 * superseded, never edited; an exclusion above the release's match
 * threshold and an identification outside the candidate list become
 * corrections; the examiner cannot verify their own identification, a
 * second examiner verifies it blind; the court chart is exported; a
 * screenshot of the review with a comparison open.
 *
 * Every step goes through the view's actions (the same ones its keyboard
 * shortcuts and buttons run). Nothing waits for a time: the main loop runs
 * until a frame was painted. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-queue-page.h"
#include "rl-review-view-private.h"
#include "rl-store.h"
#include "rl-table-view.h"
#include "rl-template-io.h"
#include "../widgets/widget-test-util.h"

#include "gui-test-util.h"
#include "review-workspace.h"

/* ---- helpers ---------------------------------------------------------- */

/* Not blank: a window drawn in one or two colours shows nothing. */
static void
screenshot (GtkWidget *widget, const char *name)
{
  g_autoptr(GdkTexture) texture = rl_gui_take_screenshot (widget, name);

  rl_gui_assert_colourful (texture, 64);
}

static gint64
count_rows (const char *db, const char *sql)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (conn, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
  return n;
}

static RlSession *
session_for (const char *path, const char *username)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (path, &error);
  RlSession *session;

  g_assert_no_error (error);
  session = rl_session_new (store);
  g_assert_true (rl_session_sign_in (session, username, &error));
  g_assert_no_error (error);
  return session;
}

static RlQueuePage *
queue_page_in_window (RlSession *session)
{
  GtkWidget *window = gtk_window_new ();
  RlQueuePage *page = g_object_new (RL_TYPE_QUEUE_PAGE, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 400);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  rl_page_set_session (RL_PAGE (page), session);
  gtk_window_present (GTK_WINDOW (window));
  rl_gui_wait_for_frame (window);
  return page;
}

/* The first RlTableView under a widget, depth first. */
static RlTableView *
find_table (GtkWidget *widget)
{
  if (RL_IS_TABLE_VIEW (widget))
    return RL_TABLE_VIEW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      RlTableView *found = find_table (child);
      if (found)
        return found;
    }
  return NULL;
}

static guint
queue_rows (RlQueuePage *page)
{
  RlTableView *table;

  rl_page_reload (RL_PAGE (page));
  table = find_table (GTK_WIDGET (page));
  g_assert_nonnull (table);
  return rl_table_view_get_n_rows (table);
}

/* Every GtkDropDown under a widget, depth first. */
static void
find_dropdowns (GtkWidget *widget, GPtrArray *out)
{
  if (GTK_IS_DROP_DOWN (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    find_dropdowns (child, out);
}

/* The queue's filters (agency, priority, quality, age) keep exactly the
 * searches that fit them; the count says how many of how many. */
static void
check_queue_filters (RlQueuePage *page, RlSession *session, gint64 search_id)
{
  g_autoptr(GPtrArray) dropdowns = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = rl_store_get_search (rl_session_get_store (session), search_id, &error);
  GtkDropDown *agency, *priority, *quality, *age;
  GListModel *agencies;
  gint64 waited;
  guint fitting_quality, other_quality, other_priority;

  g_assert_no_error (error);
  find_dropdowns (GTK_WIDGET (page), dropdowns);
  /* the supervisor's "assign to" comes first, then the four filters */
  g_assert_cmpuint (dropdowns->len, ==, 5);
  agency = dropdowns->pdata[1];
  priority = dropdowns->pdata[2];
  quality = dropdowns->pdata[3];
  age = dropdowns->pdata[4];
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (agency)));

  /* agencies: "Any agency" and the queue's one */
  agencies = gtk_drop_down_get_model (agency);
  g_assert_cmpuint (g_list_model_get_n_items (agencies), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (agencies), 1), ==, search->agency);
  gtk_drop_down_set_selected (agency, 1);
  g_assert_cmpuint (queue_rows (page), ==, 1);

  fitting_quality = search->probe_quality < 40 ? 1 : search->probe_quality < 60 ? 2 : 3;
  other_quality = fitting_quality == 1 ? 3 : 1;
  gtk_drop_down_set_selected (quality, other_quality);
  g_assert_cmpuint (queue_rows (page), ==, 0);
  gtk_drop_down_set_selected (quality, fitting_quality);
  g_assert_cmpuint (queue_rows (page), ==, 1);

  other_priority = search->priority <= 2 ? 3 : 1;
  gtk_drop_down_set_selected (priority, other_priority);
  g_assert_cmpuint (queue_rows (page), ==, 0);
  gtk_drop_down_set_selected (priority, 0);

  waited = rl_store_now (rl_session_get_store (session)) - search->created_at;
  gtk_drop_down_set_selected (age, 3);   /* waiting over a day */
  g_assert_cmpuint (queue_rows (page), ==, waited > 24 * 3600 ? 1 : 0);
  gtk_drop_down_set_selected (age, 1);   /* last 24 hours */
  g_assert_cmpuint (queue_rows (page), ==, waited <= 24 * 3600 ? 1 : 0);

  /* back to everything; the agency choice stays a choice across reloads */
  gtk_drop_down_set_selected (age, 0);
  gtk_drop_down_set_selected (quality, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (agency), ==, 1);
  gtk_drop_down_set_selected (agency, 0);
  g_assert_cmpuint (queue_rows (page), ==, 1);
}

static void
choose (RlReviewView *view, GtkToggleButton *decision, const char *reasons)
{
  gtk_toggle_button_set_active (decision, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (view->reasons_entry), reasons);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.record-conclusion", NULL));
}

/* ---- layers ----------------------------------------------------------- */

static void
wait_for_layers (RlReviewView *view)
{
  while (_rl_review_view_get_extracting (view))
    g_main_context_iteration (NULL, TRUE);
}

static const guint8 *
pixel_at (const RlTestPixels *pixels, int x, int y)
{
  x = CLAMP (x, 0, pixels->width - 1);
  y = CLAMP (y, 0, pixels->height - 1);
  return pixels->data + (gsize) y * pixels->stride + (gsize) x * 4;   /* B, G, R, A */
}

/* Whether the 3×3 pixels around a point hold the skeleton's cyan over the
 * grey print (blue and green well above red). */
static gboolean
cyan_near (const RlTestPixels *pixels, double wx, double wy)
{
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++)
      {
        const guint8 *p = pixel_at (pixels, (int) wx + dx, (int) wy + dy);
        if (p[0] > p[2] + 40 && p[1] > p[2] + 40)
          return TRUE;
      }
  return FALSE;
}

/* The quality map's tint over the grey print: red and green above blue. */
static gboolean
tinted (const RlTestPixels *pixels, double wx, double wy)
{
  const guint8 *p = pixel_at (pixels, (int) wx, (int) wy);
  return (p[2] + p[1]) / 2 > p[0] + 15;
}

/* Share of the layer's pixels (skeleton ridge pixels, or print blocks of
 * the quality map) drawn as expected where the print view puts them. */
static double
layer_hits (RlPrintView *view, const RlImage *layer, gboolean skeleton)
{
  g_autoptr(RlTestPixels) pixels = rl_test_render (GTK_WIDGET (view));
  guint n = 0, hits = 0;

  for (int y = 8; y < layer->height - 8; y += 7)
    for (int x = 8; x < layer->width - 8; x += 5)
      {
        guint8 v = layer->pixels[(gsize) y * layer->width + x];
        double wx, wy;

        if (skeleton ? v != 0 : v == 0)
          continue;
        rl_print_view_image_to_widget (view, x + 0.5, y + 0.5, &wx, &wy);
        if (wx < 1 || wy < 1 || wx >= pixels->width - 1 || wy >= pixels->height - 1)
          continue;
        n++;
        if (skeleton ? cyan_near (pixels, wx, wy) : tinted (pixels, wx, wy))
          hits++;
      }
  g_assert_cmpuint (n, >, 50);
  return (double) hits / n;
}

/* The layers of the print on the right of the comparison, checked against
 * the extractor's own output for that print: the skeleton's cyan lies on
 * its ridge pixels and the quality map tints the print, only when shown. */
static void
check_layers (RlReviewView *view, gint64 sample_id, const RlImage *image)
{
  RlPrintView *candidate = rl_comparison_view_get_candidate_view (view->comparison);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlExtraction) ex = rl_extract (image, &error);
  double off, on;

  g_assert_no_error (error);
  g_assert_nonnull (g_hash_table_lookup (view->extractions, &sample_id));
  /* Marks and symbols off, to look at the layers alone. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-minutiae", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-singularities", NULL));
  g_assert_false (view->show_minutiae);

  off = layer_hits (candidate, rl_extraction_get_skeleton (ex), TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-skeleton", NULL));
  g_assert_true (view->show_skeleton);
  on = layer_hits (candidate, rl_extraction_get_skeleton (ex), TRUE);
  g_test_message ("skeleton pixels drawn cyan: %.0f%% shown, %.0f%% hidden", 100 * on, 100 * off);
  g_assert_cmpfloat (on, >, 0.8);
  g_assert_cmpfloat (off, <, 0.1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-skeleton", NULL));

  off = layer_hits (candidate, rl_extraction_get_quality_map (ex), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-quality", NULL));
  on = layer_hits (candidate, rl_extraction_get_quality_map (ex), FALSE);
  g_test_message ("print pixels tinted by the quality map: %.0f%% shown, %.0f%% hidden", 100 * on, 100 * off);
  g_assert_cmpfloat (on, >, 0.8);
  g_assert_cmpfloat (off, <, 0.1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-quality", NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-minutiae", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.show-singularities", NULL));
  g_assert_true (view->show_minutiae && view->show_singularities);
}

/* Controls without visible text of their own carry a label for screen
 * readers (the drawing areas too); text-labelled ones are named by it. */
static void
check_accessible_labels (RlReviewView *view)
{
  GtkWidget *unlabelled[] = {
    GTK_WIDGET (view->probe_view), GTK_WIDGET (view->comparison),
    GTK_WIDGET (rl_comparison_view_get_probe_view (view->comparison)),
    GTK_WIDGET (rl_comparison_view_get_candidate_view (view->comparison)),
    GTK_WIDGET (view->candidate_list), GTK_WIDGET (view->notes_view), GTK_WIDGET (view->reasons_entry),
    GTK_WIDGET (view->conclusion_notes_entry), GTK_WIDGET (view->pairs_scale), GTK_WIDGET (view->link_button),
    GTK_WIDGET (view->layers_spinner), GTK_WIDGET (view->revised_label), GTK_WIDGET (view->error_label),
  };

  for (guint i = 0; i < G_N_ELEMENTS (unlabelled); i++)
    if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (unlabelled[i]), GTK_ACCESSIBLE_PROPERTY_LABEL))
      g_error ("%s #%u has no accessible label", G_OBJECT_TYPE_NAME (unlabelled[i]), i);
  /* The print views also say what they show. */
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (view->probe_view),
                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
}

/* ---- the day's review -------------------------------------------------- */

static void
test_review (void)
{
  Workspace ws = { 0 };
  g_autoptr(RlSession) ana = NULL, ben = NULL;
  RlQueuePage *ana_queue, *ben_queue;
  RlReviewView *view;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conclusions = NULL;
  g_autoptr(GPtrArray) corrections = NULL;
  g_autofree char *sql = NULL;
  gboolean seen = TRUE;
  RlConclusion *c;

  if (!make_workspace (&ws))
    {
      g_test_skip ("no FVC prints in RIDGELINE_SHARED");
      return;
    }
  ana = session_for (ws.path, "ana");
  ben = session_for (ws.path, "ben");

  /* Both examiners see the pending search; Ana opens it: claimed, and gone
   * from Ben's queue. */
  ana_queue = queue_page_in_window (ana);
  ben_queue = queue_page_in_window (ben);
  g_assert_cmpuint (queue_rows (ana_queue), ==, 1);
  g_assert_cmpuint (queue_rows (ben_queue), ==, 1);
  /* Every queue column sorts (age, priority, agency, quality, ...). */
  {
    RlTableView *w = find_table (GTK_WIDGET (ana_queue));
    GListModel *columns;
    columns = gtk_column_view_get_columns (rl_table_view_get_column_view (RL_TABLE_VIEW (w)));
    g_assert_cmpuint (g_list_model_get_n_items (columns), >, 4);
    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
        g_assert_nonnull (gtk_column_view_column_get_sorter (column));
        if (i == 4)
          gtk_column_view_sort_by_column (rl_table_view_get_column_view (RL_TABLE_VIEW (w)), column,
                                          GTK_SORT_DESCENDING);
      }
    g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (w)), ==, 1);
  }
  check_queue_filters (ana_queue, ana, ws.search_id);
  view = rl_queue_page_open_search (ana_queue, ws.search_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (view);
  {
    g_autoptr(RlSearch) s = rl_store_get_search (rl_session_get_store (ben), ws.search_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (s->claimed_by, ==, rl_session_get_user (ana)->id);
  }
  g_assert_cmpuint (queue_rows (ben_queue), ==, 0);
  g_assert_cmpuint (queue_rows (ana_queue), ==, 1);   /* still Ana's */
  /* Returned to the queue (Ctrl+Shift+R), Ben sees it again; Ana reopens it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.return-to-queue", NULL));
  g_assert_cmpuint (queue_rows (ben_queue), ==, 1);
  view = rl_queue_page_open_search (ana_queue, ws.search_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue_rows (ben_queue), ==, 0);
  gtk_window_set_default_size (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))), 1400, 860);
  rl_gui_wait_for_frame (GTK_WIDGET (view));

  /* Analysis first: the candidates are hidden and cannot be opened. */
  g_assert_cmpint (rl_review_view_get_stage (view), ==, RL_REVIEW_STAGE_ANALYSIS);
  g_assert_false (rl_review_view_get_candidates_visible (view));
  g_assert_false (gtk_widget_get_visible (view->candidates_box));
  g_assert_false (rl_review_view_select_candidate (view, 0, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->error_label)));
  screenshot (gtk_widget_get_root (GTK_WIDGET (view)) ? GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))) : NULL,
              "review-analysis");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view->notes_view), "Clear core area, slight smudge lower left", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.record-analysis", NULL));
  g_assert_true (rl_review_view_get_candidates_visible (view));
  g_assert_cmpuint (rl_review_view_get_n_candidates (view), ==, ws.n_candidates);
  /* Each candidate names its identity as the store gives it: reference and
   * the name its encounter recorded, beside finger, date, agency, quality. */
  {
    GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view->candidate_list));
    g_autoptr(RlTextRow) row = g_list_model_get_item (rows, 0);
    g_autoptr(RlSearchCandidate) first = NULL;
    g_autoptr(GPtrArray) listed = rl_store_list_candidates (rl_session_get_store (ana), ws.search_id, &error);

    g_assert_no_error (error);
    first = g_ptr_array_steal_index (listed, 0);
    g_assert_cmpstr (rl_text_row_get_cell (row, 5), ==, first->identity_reference);
    g_assert_true (g_str_has_prefix (first->identity_reference, "P-"));
    g_assert_cmpstr (rl_text_row_get_cell (row, 6), ==, "Enrolled");
    g_assert_cmpstr (rl_text_row_get_cell (row, 3), ==, "Right index");
    g_assert_cmpstr (rl_text_row_get_cell (row, 8), ==, "CBP");
  }
  sql = g_strdup_printf ("SELECT count(*) FROM probe_analysis WHERE search_id = %" G_GINT64_FORMAT
                         " AND of_value = 1 AND after_candidate_seen = 0 AND notes LIKE 'Clear core%%'", ws.search_id);
  g_assert_cmpint (count_rows (ws.path, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  g_assert_true (rl_store_candidate_seen (rl_session_get_store (ana), ws.search_id, rl_session_get_user (ana)->id,
                                          &seen, &error));
  g_assert_false (seen);   /* recorded before any candidate was seen */

  /* The first candidate (Alt+1), beside the probe with the matcher's pairs. */
  {
    /* How long opening a comparison takes (reported, not asserted: the
     * machine is shared and this build has sanitizers). */
    gint64 t0 = g_get_monotonic_time ();
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.open-candidate", "i", 0));
    g_test_message ("opening candidate 1 beside the probe: %.1f ms (load, decode, rl_compare, set the views)",
                    (g_get_monotonic_time () - t0) / 1000.0);
    /* The extractor runs in a thread: the layers arrive later. */
    g_assert_true (_rl_review_view_get_extracting (view));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->layers_status)));
    wait_for_layers (view);
    g_test_message ("layers of candidate 1 shown %.1f ms after it was opened", (g_get_monotonic_time () - t0) / 1000.0);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->layers_status)));
  }
  rl_gui_wait_for_frame (GTK_WIDGET (view));
  check_accessible_labels (view);
  check_layers (view, ((RlSearchCandidate *) g_ptr_array_index (view->candidates, 0))->sample_id, view->other_image);
  /* Opened again, a print's layers come from the cache at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.open-candidate", "i", 1));
  wait_for_layers (view);
  {
    gint64 t0 = g_get_monotonic_time ();
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.open-candidate", "i", 0));
    g_test_message ("opening candidate 1 again (layers cached): %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
    g_assert_false (_rl_review_view_get_extracting (view));
  }
  g_object_set (view, "show-quality", TRUE, "show-skeleton", TRUE, NULL);
  screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "review-layers");
  g_object_set (view, "show-quality", FALSE, "show-skeleton", FALSE, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (view->print_stack), ==, "comparison");
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (view->comparison), >, 0);
  g_assert_true (rl_store_candidate_seen (rl_session_get_store (ana), ws.search_id, rl_session_get_user (ana)->id,
                                          &seen, &error));
  g_assert_true (seen);

  /* A revision of the analysis now is kept and flagged. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->revised_label)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view->notes_view), "Also a scar near the delta", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.record-analysis", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->revised_label)));
  sql = g_strdup_printf ("SELECT count(*) FROM probe_analysis WHERE search_id = %" G_GINT64_FORMAT
                         " AND after_candidate_seen = 1", ws.search_id);
  g_assert_cmpint (count_rows (ws.path, sql), ==, 1);
  g_clear_pointer (&sql, g_free);

  /* Exclusion of the top candidate, scored above the match threshold: a
   * conclusion with examiner and time, and a confirmed-false-match correction. */
  g_assert_cmpfloat (view->match_threshold, <, ws.scores[0]);
  choose (view, view->exclusion_button, "Different pattern type in the core");
  conclusions = rl_store_list_conclusions (rl_session_get_store (ana), ws.search_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conclusions->len, ==, 1);
  c = g_ptr_array_index (conclusions, 0);
  g_assert_cmpint (c->decision, ==, RL_DECISION_EXCLUSION);
  g_assert_cmpint (c->examiner_id, ==, rl_session_get_user (ana)->id);
  g_assert_cmpint (c->created_at, >, 0);
  g_assert_cmpstr (c->reasons, ==, "Different pattern type in the core");
  corrections = rl_store_list_corrections (rl_session_get_store (ana), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (corrections->len, ==, 1);
  {
    RlCorrection *k = g_ptr_array_index (corrections, 0);
    g_assert_cmpint (k->kind, ==, RL_CORRECTION_FALSE_MATCH);
    g_assert_cmpint (k->probe_sample_id, ==, c->probe_sample_id);
    g_assert_cmpint (k->candidate_sample_id, ==, c->candidate_sample_id);
    g_assert_cmpint (k->conclusion_id, ==, c->id);
    g_assert_cmpstr (k->reason, ==, "Different pattern type in the core");
  }
  g_clear_pointer (&corrections, g_ptr_array_unref);
  g_clear_pointer (&conclusions, g_ptr_array_unref);

  /* A change of mind is a new conclusion superseding the old one. */
  choose (view, view->inconclusive_button, "Core area too smudged on reflection");
  conclusions = rl_store_list_conclusions (rl_session_get_store (ana), ws.search_id, &error);
  g_assert_cmpuint (conclusions->len, ==, 2);
  g_assert_cmpint (((RlConclusion *) g_ptr_array_index (conclusions, 1))->supersedes, ==,
                   ((RlConclusion *) g_ptr_array_index (conclusions, 0))->id);
  g_assert_nonnull (strstr (gtk_label_get_label (view->history_label), "<s>"));
  g_clear_pointer (&conclusions, g_ptr_array_unref);

  /* Candidate 2 (Alt+Down), below the threshold: excluding it is no correction. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.step-candidate", "i", 1));
  choose (view, view->exclusion_button, "Whorl against a loop");
  corrections = rl_store_list_corrections (rl_session_get_store (ana), 0, &error);
  g_assert_cmpuint (corrections->len, ==, 1);
  g_clear_pointer (&corrections, g_ptr_array_unref);

  /* A print off the candidate list, searched by hand, identified: a missed match. */
  g_assert_true (rl_review_view_compare_sample (view, ws.extra_sample, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (view->comparison), >, 0);
  screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "review-comparison");
  choose (view, view->identification_button, "14 corresponding minutiae in agreement, no discrepancy");
  corrections = rl_store_list_corrections (rl_session_get_store (ana), 0, &error);
  g_assert_cmpuint (corrections->len, ==, 2);
  {
    RlCorrection *k0 = g_ptr_array_index (corrections, 0), *k1 = g_ptr_array_index (corrections, 1);
    RlCorrection *k = k0->kind == RL_CORRECTION_MISSED_MATCH ? k0 : k1;
    g_assert_cmpint (k->kind, ==, RL_CORRECTION_MISSED_MATCH);
    g_assert_cmpint (k->candidate_sample_id, ==, ws.extra_sample);
  }
  {
    g_autoptr(RlSearch) s = rl_store_get_search (rl_session_get_store (ana), ws.search_id, &error);
    g_assert_cmpint (s->status, ==, RL_SEARCH_VERIFICATION);
  }
  screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "review-concluded");

  /* The chart for court. */
  {
    g_autofree char *dir = g_dir_make_tmp ("rl-chart-XXXXXX", NULL);
    g_autofree char *pdf = g_build_filename (dir, "chart.pdf", NULL);
    GStatBuf st;
    g_assert_true (rl_review_view_export_chart (view, pdf, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_stat (pdf, &st), ==, 0);
    g_assert_cmpint (st.st_size, >, 1000);
  }

  /* Ana cannot verify her own identification: the view says so. */
  {
    RlReviewView *own = rl_review_view_new (ana, ws.search_id, &error);
    GtkWidget *window = gtk_window_new ();
    g_assert_no_error (error);
    gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (own));
    gtk_window_present (GTK_WINDOW (window));
    g_assert_cmpint (rl_review_view_get_stage (own), ==, RL_REVIEW_STAGE_VERIFICATION);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (own), "review.record-analysis", NULL));
    choose (own, own->identification_button, "Agree");
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (own->error_label)));
    g_assert_nonnull (strstr (gtk_label_get_text (own->error_label), "cannot verify their own"));
    sql = g_strdup_printf ("SELECT count(*) FROM verification");
    g_assert_cmpint (count_rows (ws.path, sql), ==, 0);
    g_clear_pointer (&sql, g_free);
    gtk_window_destroy (GTK_WINDOW (window));
  }

  /* Ben verifies blind: he does not see Ana's conclusion, analyses, compares
   * the same pair and reaches his own; agreeing completes the search. */
  {
    RlReviewView *blind = rl_review_view_new (ben, ws.search_id, &error);
    GtkWidget *window = gtk_window_new ();
    g_assert_no_error (error);
    gtk_window_set_default_size (GTK_WINDOW (window), 1400, 860);
    gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (blind));
    gtk_window_present (GTK_WINDOW (window));
    g_assert_cmpint (rl_review_view_get_stage (blind), ==, RL_REVIEW_STAGE_VERIFICATION);
    g_assert_false (rl_review_view_get_candidates_visible (blind));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (blind), "review.record-analysis", NULL));
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (blind->history_label)));
    g_assert_null (strstr (gtk_label_get_label (blind->history_label), "Identification"));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (blind->print_stack), ==, "comparison");
    screenshot (window, "review-blind-verification");
    choose (blind, blind->identification_button, "Agree: same ridge flow and minutiae");
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (blind->error_label)));
    {
      g_autoptr(RlSearch) s = rl_store_get_search (rl_session_get_store (ben), ws.search_id, &error);
      g_assert_cmpint (s->status, ==, RL_SEARCH_COMPLETED);
    }
    gtk_window_destroy (GTK_WINDOW (window));
  }
  g_free (ws.path);
}

/* ---- a dispute, decided by a supervisor ---------------------------------- */

static void
test_dispute (void)
{
  Workspace ws = { 0 };
  g_autoptr(RlSession) ana = NULL, ben = NULL, sam = NULL;
  RlQueuePage *ana_queue, *ben_queue, *sam_queue;
  RlReviewView *view;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  RlTableView *table;

  if (!make_workspace (&ws))
    {
      g_test_skip ("no FVC prints in RIDGELINE_SHARED");
      return;
    }
  ana = session_for (ws.path, "ana");
  ben = session_for (ws.path, "ben");
  sam = session_for (ws.path, "sam");
  ana_queue = queue_page_in_window (ana);
  ben_queue = queue_page_in_window (ben);
  sam_queue = queue_page_in_window (sam);

  /* The supervisor's tools show for Sam only. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (sam_queue), RL_TYPE_QUEUE_PAGE, "supervisor_bar"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (ana_queue), RL_TYPE_QUEUE_PAGE, "supervisor_bar"))));

  /* Sam assigns the search to Ben (select it, choose Ben, Assign): it leaves
   * Ana's queue and stays in Ben's. */
  g_assert_cmpuint (queue_rows (sam_queue), ==, 1);
  table = find_table (GTK_WIDGET (sam_queue));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                                       rl_table_view_get_column_view (table))), 0);
  {
    GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (sam_queue), RL_TYPE_QUEUE_PAGE, "examiner_dropdown"));
    GListModel *names = gtk_drop_down_get_model (dropdown);
    guint ben_index = GTK_INVALID_LIST_POSITION;

    for (guint i = 0; i < g_list_model_get_n_items (names); i++)
      if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "Ben Adeyemi"))
        ben_index = i;
    g_assert_cmpuint (ben_index, !=, GTK_INVALID_LIST_POSITION);
    gtk_drop_down_set_selected (dropdown, ben_index);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sam_queue), "queue.assign", NULL));
  {
    g_autoptr(RlSearch) s = rl_store_get_search (rl_session_get_store (sam), ws.search_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (s->assigned_to, ==, rl_session_get_user (ben)->id);
    g_assert_cmpint (s->reason, ==, RL_SEARCH_REASON_ASSIGNED);
  }
  g_assert_cmpuint (queue_rows (ana_queue), ==, 0);
  g_assert_cmpuint (queue_rows (ben_queue), ==, 1);
  /* Ana cannot claim it either. */
  g_assert_null (rl_queue_page_open_search (ana_queue, ws.search_id, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Ben identifies the top candidate. */
  view = rl_queue_page_open_search (ben_queue, ws.search_id, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.record-analysis", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.open-candidate", "i", 0));
  choose (view, view->identification_button, "Twelve minutiae in agreement");
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));

  /* Ana verifies blind and disagrees: the search is disputed, for a supervisor. */
  view = rl_queue_page_open_search (ana_queue, ws.search_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rl_review_view_get_stage (view), ==, RL_REVIEW_STAGE_VERIFICATION);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.record-analysis", NULL));
  choose (view, view->exclusion_button, "Ridge count from core to 3 differs");
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));
  {
    g_autoptr(RlSearch) s = rl_store_get_search (rl_session_get_store (sam), ws.search_id, &error);
    g_assert_cmpint (s->status, ==, RL_SEARCH_DISPUTED);
  }
  g_assert_cmpuint (queue_rows (ana_queue), ==, 0);
  g_assert_cmpuint (queue_rows (ben_queue), ==, 0);

  /* Sam's view of the disputes: only the disputed search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sam_queue), "queue.disputed-only", NULL));
  g_assert_cmpuint (queue_rows (sam_queue), ==, 1);

  /* Sam opens it: the history shows the identification and the
   * disagreement with its reasons; the disputed pair opens after Sam's own
   * analysis; Sam's decision is final and completes the search. */
  view = rl_queue_page_open_search (sam_queue, ws.search_id, &error);
  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))), 1400, 860);
  g_assert_cmpint (rl_review_view_get_stage (view), ==, RL_REVIEW_STAGE_DISPUTE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "review.record-analysis", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (view->print_stack), ==, "comparison");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->history_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (view->history_label), "Ridge count from core to 3 differs"));
  g_assert_nonnull (strstr (gtk_label_get_text (view->history_label), "Disputed"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (view->identity_button)));
  wait_for_layers (view);
  screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "review-dispute");
  /* A plain conclusion is refused: the decision is the supervisor's. */
  g_assert_cmpint (rl_review_view_record_conclusion (view, RL_DECISION_IDENTIFICATION, "x", NULL, &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  choose (view, view->identification_button, "Ridge count checked again: 4 on both; identification stands");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->error_label)));
  {
    g_autoptr(RlSearch) s = rl_store_get_search (rl_session_get_store (sam), ws.search_id, &error);
    gint64 final_id = rl_store_get_dispute_decision (rl_session_get_store (sam), ws.search_id, &error);
    g_autoptr(RlConclusion) final = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (s->status, ==, RL_SEARCH_COMPLETED);
    g_assert_cmpint (final_id, >, 0);
    final = rl_store_get_conclusion (rl_session_get_store (sam), final_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (final->examiner_id, ==, rl_session_get_user (sam)->id);
    g_assert_cmpint (final->decision, ==, RL_DECISION_IDENTIFICATION);
    g_assert_cmpint (final->supersedes, >, 0);
  }
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'search.decide-dispute' AND object_id = %"
                         G_GINT64_FORMAT, ws.search_id);
  g_assert_cmpint (count_rows (ws.path, sql), ==, 1);
  g_assert_nonnull (strstr (gtk_label_get_text (view->history_label), "Final decision"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (view->conclude_button)));
  /* Decided once: a second decision is refused by the store. */
  g_assert_cmpint (rl_store_decide_dispute (rl_session_get_store (sam), ws.search_id, RL_DECISION_EXCLUSION,
                                            "again", &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpuint (queue_rows (sam_queue), ==, 0);
  g_free (ws.path);
}

/* The estimated false-match rate shown beside each candidate comes from the
 * release the search ran under: two searches with the same candidates, one
 * under a release without a calibration (the matcher's own table) and one
 * under a tuned release whose calibration puts the top candidate's score
 * midway (log-linear) between FMR 0.2 and 0.002, i.e. at 0.02. */
static void
test_release_calibration (void)
{
  Workspace ws = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSession) ana = NULL;
  g_autofree char *params = NULL, *own = NULL;
  gint64 tuned_release, tuned_search;
  const char *shown[2];
  RlReviewView *views[2];

  if (!make_workspace (&ws))
    {
      g_test_skip ("no FVC prints in RIDGELINE_SHARED");
      return;
    }
  {
    g_autoptr(RlStore) store = rl_store_open (ws.path, &error);
    g_autoptr(GPtrArray) listed = NULL;
    g_autoptr(RlSearch) search = NULL;
    RlStoreCandidateIn in[8];
    double spread;

    g_assert_no_error (error);
    listed = rl_store_list_candidates (store, ws.search_id, &error);
    g_assert_no_error (error);
    search = rl_store_get_search (store, ws.search_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (listed->len, <=, G_N_ELEMENTS (in));
    for (guint i = 0; i < listed->len; i++)
      {
        RlSearchCandidate *c = g_ptr_array_index (listed, i);
        in[i] = (RlStoreCandidateIn) { c->sample_id, c->score };
      }
    /* Points either side of the score, inside the 0–100 scale. */
    spread = MIN (1.0, (100.0 - ws.scores[0]) / 2);
    g_assert_cmpfloat (spread, >, 0.01);
    params = g_strdup_printf ("{\"match_threshold\": 100, \"calibration\": [[%.9g, 0.2], [%.9g, 0.002]]}",
                              ws.scores[0] - spread, ws.scores[0] + spread);
    tuned_release = rl_store_add_release (store, "2026.11-tuned-calibration", params, 0, &error);
    g_assert_no_error (error);
    tuned_search = rl_store_add_search (store, search->probe_sample_id, tuned_release, RL_SEARCH_PENDING,
                                        RL_SEARCH_REASON_GREY_ZONE, 2, in, listed->len, &error);
    g_assert_no_error (error);
  }
  ana = session_for (ws.path, "ana");
  for (guint k = 0; k < 2; k++)
    {
      GtkWidget *window = gtk_window_new ();
      GListModel *rows;
      g_autoptr(RlTextRow) row = NULL;

      views[k] = rl_review_view_new (ana, k == 0 ? ws.search_id : tuned_search, &error);
      g_assert_no_error (error);
      gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
      gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (views[k]));
      gtk_window_present (GTK_WINDOW (window));
      rl_gui_wait_for_frame (window);
      g_assert_true (rl_review_view_record_analysis (views[k], TRUE, "Clear core", &error));
      g_assert_no_error (error);
      rows = G_LIST_MODEL (gtk_column_view_get_model (views[k]->candidate_list));
      row = g_list_model_get_item (rows, 0);
      shown[k] = rl_text_row_get_cell (row, 2);
      g_test_message ("search %u: top candidate %.2f, est. FMR %s", k, ws.scores[0], shown[k]);
    }
  own = rl_score_to_fmr (ws.scores[0]) >= 0.01 ? g_strdup_printf ("%.2f", rl_score_to_fmr (ws.scores[0]))
                                               : g_strdup_printf ("%.0e", rl_score_to_fmr (ws.scores[0]));
  g_assert_cmpstr (shown[0], ==, own);       /* no calibration in the release: the matcher's own */
  g_assert_cmpstr (shown[1], ==, "0.02");    /* the tuned release's calibration */
  g_assert_cmpstr (shown[0], !=, shown[1]);
  /* The comparison's caption says the same. */
  g_assert_true (rl_review_view_select_candidate (views[1], 0, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (gtk_label_get_text (views[1]->target_label), "est. FMR 0.02"));
  screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (views[1]))), "review-release-calibration");
  for (guint k = 0; k < 2; k++)
    gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (views[k]))));
  g_free (ws.path);
}

int
main (int argc, char **argv)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  /* The test AT context keeps accessible properties for checking them. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("ADW_DISABLE_PORTAL", "1", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  {
    GtkCssProvider *css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/ridgeline/Workstation/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/review/examiner-day", test_review);
  g_test_add_func ("/review/dispute", test_dispute);
  g_test_add_func ("/review/release-calibration", test_release_calibration);
  return g_test_run ();
}
