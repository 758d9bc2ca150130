/* The GUI over a real ridgeline-server, clicked as users would (issue #9:
 * "the GUI ... works the same against the server as against a local file"):
 *
 * ridgeline-server runs in a child process on a free loopback port over
 * HTTPS on a workspace of real prints (review-workspace.h, plus a second
 * search of the same probe, an analyst and a link between two identities);
 * the real app signs in to it user after user and
 *   - Ben (examiner) opens both searches from the work queue (a row
 *     activated), records his analysis, picks the top candidate, chooses
 *     Identification, types his reasons and clicks Record Conclusion;
 *   - Ana (examiner) verifies both blind: she agrees with the first
 *     (completed) and disagrees with the second (disputed);
 *   - Sam (supervisor) shows the disputed searches only, opens the dispute,
 *     reads the history and records the final decision;
 *   - Ali (analyst) opens a person from the Identities page (the purpose
 *     dialog), clicks a mark on the timeline (the encounter pane, its prints
 *     fetched from the server), merges the linked identity into this one
 *     (the dialog, a reason), opens the merged one and undoes the merge (its
 *     banner button), and splits an encounter off (the dialog, a check box).
 * Each step is checked in the server's SQLite file and in what the window
 * shows; screenshots of each screen go to tests/app/screenshots/.
 *
 * Nothing waits for a time: every wait is for a condition (a painted frame,
 * a line from the server), with the test's own timeout as the deadline. */
#include <adwaita.h>
#include <string.h>

#include "rl-application.h"
#include "rl-encounter-pane.h"
#include "rl-identity-view.h"
#include "rl-page.h"
#include "rl-queue-page.h"
#include "rl-review-view-private.h"
#include "rl-store-credentials.h"
#include "rl-table-view.h"
#include "rl-text-row.h"
#include "rl-timeline.h"
#include "rl-window-private.h"

#include "gui-test-util.h"
#include "review-workspace.h"
#include "server-test-util.h"

#define PASSWORD "correct horse battery"

typedef struct {
  Workspace           ws;           /* search_id: identified, then verified (agreed) */
  gint64              disputed;     /* the second search: identified, then disputed */
  gint64              keep, other;  /* two identities a link joins (keep: two encounters) */
  gint64              link;
  RlTestServerProcess server;
  gboolean            ran;
} Fixture;

/* ---- the workspace ---------------------------------------------------- */

/* Passwords for everyone, an analyst, a second search of the same probe
 * with the same candidates, and a link between the probe's mate (two
 * encounters) and another enrolled person, as the multiple-identity
 * detector would make it. */
static void
prepare_workspace (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_open (f->ws.path, &error);
  g_autoptr(RlSearch) first = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  g_autoptr(GArray) in = g_array_new (FALSE, FALSE, sizeof (RlStoreCandidateIn));

  g_assert_no_error (error);
  rl_store_add_user (store, "ali", "Ali Haddad", RL_ROLE_ANALYST, 1, &error);
  g_assert_no_error (error);
  users = rl_store_list_users (store, &error);
  g_assert_no_error (error);
  /* Few iterations: the sanitizer build is slow, and the count is stored with the hash. */
  for (guint i = 0; i < users->len; i++)
    g_assert_true (rl_store_set_password_full (store, ((RlUser *) g_ptr_array_index (users, i))->id, PASSWORD, 2000,
                                               &error));

  first = rl_store_get_search (store, f->ws.search_id, &error);
  g_assert_no_error (error);
  candidates = rl_store_list_candidates (store, f->ws.search_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < candidates->len; i++)
    {
      RlSearchCandidate *c = g_ptr_array_index (candidates, i);
      RlStoreCandidateIn ci = { c->sample_id, c->score };
      g_array_append_val (in, ci);
    }
  f->disputed = rl_store_add_search (store, first->probe_sample_id, first->release_id, RL_SEARCH_PENDING,
                                     RL_SEARCH_REASON_GREY_ZONE, 2, (RlStoreCandidateIn *) in->data, in->len, &error);
  g_assert_no_error (error);

  f->keep = f->ws.mate_identity;
  identities = rl_store_list_identities (store, NULL, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < identities->len && f->other == 0; i++)
    {
      RlIdentity *id = g_ptr_array_index (identities, i);
      if (id->id != f->keep && g_strcmp0 (id->family_name, "Enrolled") == 0)
        f->other = id->id;
    }
  g_assert_cmpint (f->other, >, 0);
  f->link = rl_store_add_identity_link (store, MIN (f->keep, f->other), MAX (f->keep, f->other), 64, &error);
  g_assert_no_error (error);
}

static gint64
count (Fixture *f, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* A count(*) from the server's file. */
static gint64
count (Fixture *f, const char *format, ...)
{
  va_list ap;
  g_autofree char *sql = NULL;

  va_start (ap, format);
  sql = g_strdup_vprintf (format, ap);
  va_end (ap);
  return rl_test_count_rows (f->ws.path, sql);
}

/* ---- driving the GUI -------------------------------------------------- */

static void
sign_in (RlWindow *window, const char *username)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (window->main_stack), "session") == 0)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
      rl_gui_wait_for_frame (GTK_WIDGET (window));
    }
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  rl_gui_type_sign_in (window, username, PASSWORD);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "session");
  g_assert_cmpstr (rl_session_get_user (rl_window_get_session (window))->username, ==, username);
}

static GtkWidget *
show_page (RlWindow *window, const char *id)
{
  GtkWidget *page;

  g_assert_true (rl_window_show_page (window, id));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  page = gtk_stack_get_child_by_name (window->page_stack, id);
  g_assert_nonnull (page);
  g_assert_false (rl_page_is_unavailable (RL_PAGE (page)));
  return page;
}

static guint
table_rows (GtkWidget *page)
{
  GtkWidget *table;

  /* A page reloads after a change (from a server, in a worker): its rows
   * once that load is applied. */
  rl_gui_wait_for_loads ();
  table = rl_gui_find_type (page, RL_TYPE_TABLE_VIEW);

  g_assert_nonnull (table);
  return rl_table_view_get_n_rows (RL_TABLE_VIEW (table));
}

/* Activates (double-click, Enter) the row of the page's table whose first
 * cell is `first_cell`, as the user would; FALSE when no row shows it. */
static gboolean
activate_row (GtkWidget *page, const char *first_cell)
{
  RlTableView *table = RL_TABLE_VIEW (rl_gui_find_type (page, RL_TYPE_TABLE_VIEW));
  GtkColumnView *view;
  GListModel *model;

  rl_gui_wait_for_loads ();
  g_assert_nonnull (table);
  view = rl_table_view_get_column_view (table);
  model = G_LIST_MODEL (gtk_column_view_get_model (view));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(RlTextRow) row = g_list_model_get_item (model, i);
      if (g_strcmp0 (rl_text_row_get_cell (row, 0), first_cell) == 0)
        {
          g_signal_emit_by_name (view, "activate", i);
          return TRUE;
        }
    }
  return FALSE;
}

static char *
search_ref (gint64 id)
{
  return g_strdup_printf ("S-%06" G_GINT64_FORMAT, id);
}

/* The review opened from the queue's row of this search, in its window. */
static RlReviewView *
open_from_queue (RlWindow *window, gint64 search_id)
{
  GtkWidget *queue = show_page (window, "queue");
  g_autofree char *ref = search_ref (search_id);
  GtkWindow *review_window = NULL;
  RlReviewView *view = NULL;
  g_autoptr(GList) toplevels = NULL;

  g_assert_true (activate_row (queue, ref));
  /* On a server the review arrives from a worker thread (rl-store-load.h). */
  rl_gui_wait_for_loads ();
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l && view == NULL; l = l->next)
    if (gtk_widget_get_visible (l->data) &&
        (view = (RlReviewView *) rl_gui_find_type (l->data, RL_TYPE_REVIEW_VIEW)) &&
        rl_review_view_get_search_id (view) != search_id)
      view = NULL;
  g_assert_nonnull (view);
  review_window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view)));
  rl_gui_wait_for_frame (GTK_WIDGET (review_window));
  return view;
}

static void
close_review (RlReviewView *view)
{
  gtk_window_close (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));
  rl_gui_iterate ();
  /* Closing a review reloads the queue: from a server, in a worker. */
  rl_gui_wait_for_loads ();
}

static void
conclude (RlReviewView *view, GtkToggleButton *decision, const char *reasons)
{
  rl_gui_click_button (decision);
  g_assert_true (gtk_toggle_button_get_active (decision));
  gtk_editable_set_text (GTK_EDITABLE (view->reasons_entry), reasons);
  rl_gui_click_button (view->conclude_button);
}

static void
select_candidate (RlReviewView *view, guint position)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (view->candidate_list));

  gtk_single_selection_set_selected (selection, position);
  rl_gui_iterate ();
}

/* ---- examiners and the supervisor ------------------------------------- */

static void
ben_identifies (RlWindow *window, Fixture *f)
{
  gint64 searches[] = { f->ws.search_id, f->disputed };
  GtkWidget *queue;

  sign_in (window, "ben");
  queue = show_page (window, "queue");
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW))), ==, 2);
  rl_gui_screenshot (GTK_WIDGET (window), "remote-flows-queue");
  for (guint k = 0; k < G_N_ELEMENTS (searches); k++)
    {
      RlReviewView *view = open_from_queue (window, searches[k]);

      g_assert_cmpint (count (f, "SELECT count(*) FROM search WHERE id = %" G_GINT64_FORMAT " AND status = 'in-review' "
                                 "AND claimed_by = (SELECT id FROM user WHERE username = 'ben')", searches[k]), ==, 1);
      g_assert_cmpint (rl_review_view_get_stage (view), ==, RL_REVIEW_STAGE_ANALYSIS);
      rl_gui_click_button (view->analysis_button);
      g_assert_cmpuint (rl_review_view_get_n_candidates (view), ==, f->ws.n_candidates);
      select_candidate (view, 0);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (view->print_stack), ==, "comparison");
      conclude (view, view->identification_button, "Twelve minutiae in agreement, no discrepancy");
      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->error_label)));
      if (k == 0)
        rl_gui_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "remote-flows-identified");
      g_assert_cmpint (count (f, "SELECT count(*) FROM conclusion c JOIN user u ON u.id = c.examiner_id "
                                 "JOIN candidate k ON k.id = c.candidate_id WHERE c.search_id = %" G_GINT64_FORMAT
                                 " AND u.username = 'ben' AND c.decision = 'identification' AND k.rank = 1",
                          searches[k]), ==, 1);
      g_assert_cmpint (count (f, "SELECT count(*) FROM search WHERE id = %" G_GINT64_FORMAT
                                 " AND status = 'verification'", searches[k]), ==, 1);
      /* The last one stays open: signing out must close it. */
      if (k + 1 < G_N_ELEMENTS (searches))
        close_review (view);
    }
}

/* Windows showing a widget of this type (a review, a person's record). */
static guint
windows_with (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = toplevels; l; l = l->next)
    n += gtk_widget_get_visible (l->data) && rl_gui_find_type (l->data, type) != NULL;
  return n;
}

static void
ana_verifies (RlWindow *window, Fixture *f)
{
  RlReviewView *view;
  g_autofree char *history = NULL;

  /* Ben's review left open went with his sign-out: nothing he opened stays
   * open for, and acts as, the next user. */
  g_assert_cmpuint (windows_with (RL_TYPE_REVIEW_VIEW), ==, 1);
  sign_in (window, "ana");
  rl_gui_iterate ();
  g_assert_cmpuint (windows_with (RL_TYPE_REVIEW_VIEW), ==, 0);

  /* Blind: neither the candidate list nor Ben's conclusion shows. Agrees. */
  view = open_from_queue (window, f->ws.search_id);
  g_assert_cmpint (rl_review_view_get_stage (view), ==, RL_REVIEW_STAGE_VERIFICATION);
  g_assert_false (rl_review_view_get_candidates_visible (view));
  rl_gui_click_button (view->analysis_button);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (view->print_stack), ==, "comparison");
  history = rl_gui_visible_text (GTK_WIDGET (view));
  g_assert_null (strstr (history, "Twelve minutiae"));
  rl_gui_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "remote-flows-blind-verification");
  conclude (view, view->identification_button, "Agree: same ridge flow and minutiae");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->error_label)));
  g_assert_cmpint (count (f, "SELECT count(*) FROM verification v JOIN user u ON u.id = v.verifier_id "
                             "JOIN conclusion c ON c.id = v.conclusion_id WHERE c.search_id = %" G_GINT64_FORMAT
                             " AND u.username = 'ana' AND v.agrees = 1 AND v.blind = 1", f->ws.search_id), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM search WHERE id = %" G_GINT64_FORMAT " AND status = 'completed'",
                          f->ws.search_id), ==, 1);
  close_review (view);

  /* Disagrees with the second: disputed, for a supervisor. */
  view = open_from_queue (window, f->disputed);
  g_assert_cmpint (rl_review_view_get_stage (view), ==, RL_REVIEW_STAGE_VERIFICATION);
  rl_gui_click_button (view->analysis_button);
  conclude (view, view->exclusion_button, "Ridge count from core to delta differs (7 vs 11)");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->error_label)));
  g_assert_cmpint (count (f, "SELECT count(*) FROM verification v JOIN user u ON u.id = v.verifier_id "
                             "JOIN conclusion c ON c.id = v.conclusion_id WHERE c.search_id = %" G_GINT64_FORMAT
                             " AND u.username = 'ana' AND v.agrees = 0 AND v.decision = 'exclusion'", f->disputed),
                   ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM search WHERE id = %" G_GINT64_FORMAT " AND status = 'disputed'",
                          f->disputed), ==, 1);
  close_review (view);
  /* Nothing left for her: both searches left her queue. */
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (show_page (window, "queue"),
                                                                                RL_TYPE_TABLE_VIEW))), ==, 0);
}

static void
sam_decides (RlWindow *window, Fixture *f)
{
  GtkWidget *queue;
  RlReviewView *view;
  const char *history;

  sign_in (window, "sam");
  queue = show_page (window, "queue");
  g_assert_true (gtk_widget_activate_action (queue, "queue.disputed-only", NULL));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW))), ==, 1);
  rl_gui_screenshot (GTK_WIDGET (window), "remote-flows-disputes");

  view = open_from_queue (window, f->disputed);
  gtk_window_set_default_size (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))), 1400, 860);
  g_assert_cmpint (rl_review_view_get_stage (view), ==, RL_REVIEW_STAGE_DISPUTE);
  rl_gui_click_button (view->analysis_button);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (view->print_stack), ==, "comparison");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->history_label)));
  history = gtk_label_get_text (view->history_label);
  g_test_message ("dispute history: %s", history);
  g_assert_nonnull (strstr (history, "Ridge count from core to delta differs"));
  g_assert_nonnull (strstr (history, "Disputed"));
  rl_gui_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "remote-flows-dispute");

  conclude (view, view->identification_button, "Ridge count checked again: 9 on both; identification stands");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->error_label)));
  g_assert_cmpint (count (f, "SELECT count(*) FROM search WHERE id = %" G_GINT64_FORMAT " AND status = 'completed'",
                          f->disputed), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conclusion c JOIN user u ON u.id = c.examiner_id "
                             "WHERE c.search_id = %" G_GINT64_FORMAT " AND u.username = 'sam' AND "
                             "c.decision = 'identification' AND c.supersedes IS NOT NULL", f->disputed), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'search.decide-dispute' AND object_id = %"
                             G_GINT64_FORMAT, f->disputed), ==, 1);
  /* The window reads the decision back from the server. */
  g_assert_nonnull (strstr (gtk_label_get_text (view->history_label), "Final decision"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (view->conclude_button)));
  rl_gui_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))), "remote-flows-dispute-decided");
  close_review (view);
  g_assert_cmpuint (table_rows (queue), ==, 0);
  g_assert_true (gtk_widget_activate_action (queue, "queue.disputed-only", NULL));
}

/* ---- the analyst: a person's record ----------------------------------- */

static AdwMessageDialog *
dialog (void)
{
  AdwMessageDialog *d;

  rl_gui_iterate ();
  d = (AdwMessageDialog *) rl_gui_find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (d);
  rl_gui_wait_for_frame (GTK_WIDGET (d));
  return d;
}

/* Types the reason (a response stays disabled until there is one) and
 * picks the response, as its button would. */
static void
answer (AdwMessageDialog *d, GtkWidget *entry, const char *text, const char *response, const char *shot)
{
  g_assert_nonnull (entry);
  g_assert_false (adw_message_dialog_get_response_enabled (d, response));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_assert_true (adw_message_dialog_get_response_enabled (d, response));
  if (shot)
    rl_gui_screenshot (GTK_WIDGET (d), shot);
  adw_message_dialog_response (d, response);
  gtk_window_destroy (GTK_WINDOW (d));
  rl_gui_iterate ();
}

static RlIdentityView *
identity_window (gint64 identity_id)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (RL_IS_IDENTITY_VIEW (l->data) && gtk_widget_get_visible (l->data) &&
        rl_identity_view_get_identity_id (l->data) == identity_id)
      {
        rl_gui_wait_for_frame (l->data);
        return l->data;
      }
  return NULL;
}

static gint64
open_timeline_mark (RlIdentityView *view, RlStore *file, gint64 encounter_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) e = rl_store_get_encounter (file, encounter_id, &error);
  RlTimeline *timeline = rl_identity_view_get_timeline (view);
  int lane;

  g_assert_no_error (error);
  lane = rl_timeline_lane_for_agency (timeline, e->agency);
  g_assert_cmpint (lane, >=, 0);
  rl_gui_click (GTK_WIDGET (timeline), rl_timeline_x_for_time (timeline, e->occurred_at),
                rl_timeline_y_for_lane (timeline, lane));
  return e->occurred_at;
}

static void
ali_edits_identities (RlWindow *window, Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) file = rl_test_server_file (&f->server);
  g_autoptr(GPtrArray) encounters = rl_store_list_encounters (file, f->keep, &error);
  g_autoptr(RlIdentity) keep = rl_store_get_identity_summary (file, f->keep, &error);
  g_autoptr(RlIdentity) other = rl_store_get_identity_summary (file, f->other, &error);
  g_autofree char *text = NULL;
  GtkWidget *identities, *button;
  RlIdentityView *view, *other_view;
  RlEncounterPane *pane;
  AdwMessageDialog *d;
  gint64 split_encounter, new_identity;
  guint n_keep, n_other, n_identities;

  g_assert_no_error (error);
  n_keep = encounters->len;
  n_other = other->n_encounters;
  g_assert_cmpuint (n_keep, ==, 2);
  sign_in (window, "ali");

  /* The Identities page; the person's row activated: the purpose first. */
  identities = show_page (window, "identities");
  n_identities = table_rows (identities);
  g_assert_cmpuint (n_identities, ==, 5);
  rl_gui_screenshot (GTK_WIDGET (window), "remote-flows-identities");
  g_assert_true (activate_row (identities, keep->reference));
  d = dialog ();
  answer (d, rl_gui_find_type (GTK_WIDGET (d), GTK_TYPE_ENTRY), "CASE-MID-9", "open", "remote-flows-purpose");
  view = identity_window (f->keep);
  g_assert_nonnull (view);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log a JOIN user u ON u.id = a.user_id WHERE "
                             "a.action = 'identity.open' AND a.object_id = %" G_GINT64_FORMAT " AND a.purpose = "
                             "'CASE-MID-9' AND u.username = 'ali'", f->keep), ==, 1);
  gtk_window_set_default_size (GTK_WINDOW (view), 1280, 900);
  /* The record's summary leaves out what was not recorded (no given names,
   * no nationality here) instead of showing it empty. */
  text = rl_gui_visible_text (GTK_WIDGET (view));
  g_assert_nonnull (strstr (text, "Enrolled · born unknown · 2 encounters, "));
  g_clear_pointer (&text, g_free);

  /* A mark on the timeline clicked: that encounter beside the record, its
   * prints from the server. */
  g_assert_null (rl_identity_view_get_encounter_pane (view));
  open_timeline_mark (view, file, ((RlEncounter *) g_ptr_array_index (encounters, 1))->id);
  pane = rl_identity_view_get_encounter_pane (view);
  g_assert_nonnull (pane);
  g_assert_cmpint (rl_encounter_pane_get_encounter_id (pane), ==, ((RlEncounter *) g_ptr_array_index (encounters, 1))->id);
  text = rl_gui_visible_text (GTK_WIDGET (pane));
  g_test_message ("encounter pane: %s", text);
  {
    g_autofree char *title = g_strdup_printf ("Encounter E-%06" G_GINT64_FORMAT,
                                              ((RlEncounter *) g_ptr_array_index (encounters, 1))->id);
    g_assert_nonnull (strstr (text, title));
  }
  g_assert_nonnull (strstr (text, "CBP"));
  g_assert_nonnull (strstr (text, "Right index"));
  g_assert_cmpuint (rl_gui_count_type (GTK_WIDGET (pane), GTK_TYPE_PICTURE), >, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pane)));
  rl_gui_screenshot (GTK_WIDGET (view), "remote-flows-encounter-pane");
  g_clear_pointer (&text, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "identity.back", NULL));
  rl_gui_iterate ();
  g_assert_null (rl_identity_view_get_encounter_pane (view));

  /* Merge…: the linked identity into this one, with a reason. */
  button = rl_gui_find_button (GTK_WIDGET (view), "identity.merge");
  g_assert_nonnull (button);
  rl_gui_click_button (button);
  d = dialog ();
  {
    g_autofree char *said = rl_gui_visible_text (GTK_WIDGET (d));
    g_autofree char *sides = g_strdup_printf ("%s (Enrolled, 2 encounters) and %s (Enrolled, 1 encounter).", keep->reference,
                                              other->reference);
    g_assert_nonnull (strstr (said, sides));
  }
  answer (d, rl_gui_find_named (GTK_WIDGET (d), "reason-entry"), "Same person: passport shows both spellings",
          "into-this", "remote-flows-merge-dialog");
  g_assert_cmpint (count (f, "SELECT count(*) FROM identity WHERE id = %" G_GINT64_FORMAT " AND merged_into = %"
                             G_GINT64_FORMAT, f->other, f->keep), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM encounter WHERE identity_id = %" G_GINT64_FORMAT, f->keep), ==,
                   n_keep + n_other);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'identity.merge' AND object_id = %"
                             G_GINT64_FORMAT " AND details LIKE '%%both spellings%%'", f->other), ==, 1);
  rl_gui_wait_for_frame (GTK_WIDGET (view));
  text = rl_gui_visible_text (GTK_WIDGET (view));
  {
    g_autofree char *n = g_strdup_printf ("%u encounters", n_keep + n_other);
    g_assert_nonnull (strstr (text, n));
  }
  g_assert_nonnull (strstr (text, "Reason: Same person: passport shows both spellings"));
  rl_gui_screenshot (GTK_WIDGET (view), "remote-flows-merged");
  /* The merged identity left the Identities page behind. */
  g_assert_cmpuint (table_rows (identities), ==, n_identities - 1);
  g_clear_pointer (&text, g_free);

  /* The merged identity opened from the link: its banner undoes the merge. */
  button = rl_gui_find_button (GTK_WIDGET (view), "identity.open-linked");
  g_assert_nonnull (button);
  rl_gui_click_button (button);
  other_view = identity_window (f->other);
  g_assert_nonnull (other_view);
  text = rl_gui_visible_text (GTK_WIDGET (other_view));
  {
    g_autofree char *says = g_strdup_printf ("merged into %s", keep->reference);
    g_assert_nonnull (strstr (text, says));
  }
  g_clear_pointer (&text, g_free);
  rl_gui_screenshot (GTK_WIDGET (other_view), "remote-flows-merged-away");
  rl_gui_click_button (rl_gui_find_button (GTK_WIDGET (other_view), "identity.undo-merge"));
  d = dialog ();
  answer (d, rl_gui_find_named (GTK_WIDGET (d), "reason-entry"), "Supervisor review: two people", "undo", NULL);
  g_assert_cmpint (count (f, "SELECT count(*) FROM identity WHERE id = %" G_GINT64_FORMAT " AND merged_into IS NULL",
                          f->other), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM encounter WHERE identity_id = %" G_GINT64_FORMAT, f->keep), ==,
                   n_keep);
  g_assert_cmpint (count (f, "SELECT count(*) FROM encounter WHERE identity_id = %" G_GINT64_FORMAT, f->other), ==,
                   n_other);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'identity.unmerge' AND object_id = %"
                             G_GINT64_FORMAT " AND details LIKE '%%two people%%'", f->other), ==, 1);
  rl_gui_wait_for_frame (GTK_WIDGET (other_view));
  g_assert_false (gtk_widget_get_visible (rl_gui_find_button (GTK_WIDGET (other_view), "identity.undo-merge")) &&
                  gtk_widget_is_drawable (rl_gui_find_button (GTK_WIDGET (other_view), "identity.undo-merge")));
  g_assert_cmpuint (table_rows (identities), ==, n_identities);
  gtk_window_destroy (GTK_WINDOW (other_view));

  /* Split: the later encounter off to a new identity. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "identity.split", NULL));
  d = dialog ();
  {
    g_autoptr(GPtrArray) checks = g_ptr_array_new ();
    GtkWidget *check = NULL;

    rl_gui_collect_type (GTK_WIDGET (d), GTK_TYPE_CHECK_BUTTON, checks);
    g_assert_cmpuint (checks->len, ==, n_keep);
    for (guint i = 0; i < checks->len; i++)
      if (*(gint64 *) g_object_get_data (checks->pdata[i], "encounter-id") ==
          ((RlEncounter *) g_ptr_array_index (encounters, 1))->id)
        check = checks->pdata[i];
    g_assert_nonnull (check);
    split_encounter = ((RlEncounter *) g_ptr_array_index (encounters, 1))->id;
    rl_gui_click_button (check);
    g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  }
  answer (d, rl_gui_find_named (GTK_WIDGET (d), "reason-entry"), "Enrolled under the wrong reference at intake",
          "split", "remote-flows-split-dialog");
  new_identity = count (f, "SELECT identity_id FROM encounter WHERE id = %" G_GINT64_FORMAT, split_encounter);
  g_assert_cmpint (new_identity, !=, f->keep);
  g_assert_cmpint (new_identity, !=, f->other);
  g_assert_cmpint (count (f, "SELECT count(*) FROM encounter WHERE identity_id = %" G_GINT64_FORMAT, f->keep), ==,
                   n_keep - 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE action = 'identity.split' AND object_id = %"
                             G_GINT64_FORMAT " AND details LIKE '%%wrong reference%%'", f->keep), ==, 1);
  rl_gui_wait_for_frame (GTK_WIDGET (view));
  text = rl_gui_visible_text (GTK_WIDGET (view));
  g_assert_nonnull (strstr (text, "Reason: Enrolled under the wrong reference at intake"));
  /* One encounter left: one date, no range. */
  {
    const char *at = strstr (text, "Enrolled · born unknown · 1 encounter, ");

    g_assert_nonnull (at);
    at += strlen ("Enrolled · born unknown · 1 encounter, ");
    g_assert_cmpuint (strcspn (at, "\n"), ==, strlen ("2023-11-14"));
  }
  g_assert_cmpuint (table_rows (identities), ==, n_identities + 1);
  /* The toast on show is the split's (the merge's, untrue since the undo,
   * was dismissed rather than queued before it). */
  {
    g_autofree char *said = g_strdup_printf ("1 encounter split off into the new identity P-%06" G_GINT64_FORMAT,
                                             new_identity);
    g_assert_nonnull (strstr (text, said));
    g_assert_null (strstr (text, "merged into"));
  }
  rl_gui_screenshot (GTK_WIDGET (view), "remote-flows-split");

  /* Signing out closes the record (no one else may read it unaudited). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  rl_gui_iterate ();
  g_assert_cmpuint (windows_with (RL_TYPE_IDENTITY_VIEW), ==, 0);
}

/* ---- running ---------------------------------------------------------- */

static void
on_activate (RlApplication *app, Fixture *f)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (RL_IS_WINDOW (window));
  rl_application_open_server (app, f->server.url, f->server.certificate);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  ben_identifies (RL_WINDOW (window), f);
  ana_verifies (RL_WINDOW (window), f);
  sam_decides (RL_WINDOW (window), f);
  ali_edits_identities (RL_WINDOW (window), f);
  f->ran = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_remote_flows (void)
{
  Fixture f = { 0 };
  g_autoptr(RlApplication) app = NULL;
  g_autofree char *dir = NULL;
  char *argv[] = { "ridgeline", NULL };

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  if (!make_workspace (&f.ws))
    {
      g_test_skip ("the FVC2002 prints are not in RIDGELINE_SHARED");
      return;
    }
  prepare_workspace (&f);
  rl_test_server_spawn (&f.server, RL_SERVER_PATH, f.ws.path, "0", NULL);

  g_unsetenv ("RIDGELINE_DB");
  app = rl_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &f);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, argv), ==, 0);
  g_assert_true (f.ran);

  rl_test_server_clear (&f.server);
  dir = g_path_get_dirname (f.ws.path);
  rl_test_remove_dir (dir);
  g_free (f.ws.path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under xvfb-run\n");
      return 77;
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/app/remote/verify-dispute-merge-split-encounter", test_remote_flows);
  return g_test_run ();
}
