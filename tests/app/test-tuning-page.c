/* The Tuning page under Xvfb, on a small synthetic workspace with known
 * ground truth (the scenario of test-tune.c, smaller): look-alike prints
 * score above the active release's too-low match threshold and an examiner
 * recorded four of them as false matches, a missed match too.
 *  - a supervisor tunes from the page (Tune…, quick search, in its thread):
 *    the new draft is selected and its report is shown, with the figures of
 *    the stored metrics JSON (thresholds, rates, corrections fixed, set
 *    sizes) in the page's labels;
 *  - the author's approval is refused by the store and the page shows the
 *    store's message; an examiner's page offers no approval;
 *  - a pair opens in the comparison view;
 *  - a second supervisor approves and activates it; the report exports as
 *    PDF; a roll back restores the shipped release.
 * Screenshots go to tests/app/screenshots/ in the build tree. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "rl-comparison-view.h"
#include "rl-search.h"
#include "rl-session.h"
#include "rl-template-io.h"
#include "rl-tuning.h"
#include "gui-test-util.h"
#include "rl-tuning-page-private.h"

#define N_PEOPLE      16
#define N_LOOKALIKES  6
#define N_CORRECTED   4

static char *workspace;
static gint64 shipped_id;

/* ------------------------------------------------------------ the workspace */

static RlTemplate *
random_template (GRand *rand)
{
  RlTemplate *t = rl_template_new (40, 0);

  t->width = 400;
  t->height = 500;
  for (guint i = 0; i < t->n_minutiae; i++)
    t->minutiae[i] = (RlMinutia) { g_rand_double_range (rand, 40, 360), g_rand_double_range (rand, 40, 460),
                                   g_rand_double_range (rand, 0, 2 * G_PI), 1 + i % 2, 80 };
  return t;
}

static RlTemplate *
impression (GRand *rand, const RlTemplate *base, double dx, double dy, int quality)
{
  RlTemplate *t = rl_template_copy (base);

  for (guint i = 0; i < t->n_minutiae; i++)
    {
      t->minutiae[i].x += dx + g_rand_double_range (rand, -1.5, 1.5);
      t->minutiae[i].y += dy + g_rand_double_range (rand, -1.5, 1.5);
    }
  t->quality = quality;
  return t;
}

static gint64
enrol (RlStore *store, gint64 agency, gint64 identity, int encounter, const RlTemplate *tpl, int person)
{
  static const char *const nationalities[] = { "NGA", "MEX", "CHN", "UKR", "IND", "JOR" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = rl_template_serialize (tpl);
  g_autofree char *dob = g_strdup_printf ("%04d-%02d-15", 1950 + (person * 11) % 60, 1 + person % 12);
  RlEncounter enc = { .identity_id = identity, .agency_id = agency, .occurred_at = 1600000000 + 86400 * (100 * encounter + person),
                      .purpose = RL_PURPOSE_VISA_APPLICATION, .date_of_birth = dob,
                      .nationality = (char *) nationalities[person % G_N_ELEMENTS (nationalities)],
                      .sex = (char *) (person % 2 ? "F" : "M") };
  RlSample sample = { .finger = RL_FINGER_RIGHT_INDEX, .ppi = 500, .quality = tpl->quality };
  gint64 id;

  sample.encounter_id = rl_store_add_encounter (store, &enc, &error);
  g_assert_no_error (error);
  id = rl_store_add_sample (store, &sample, bytes, &error);
  g_assert_no_error (error);
  return id;
}

static void
make_workspace (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  gint64 sample[N_PEOPLE][2], lookalike[N_LOOKALIKES];
  GRand *rand = g_rand_new_with_seed (7);
  gint64 agency;
  float lowest = 100, bad_threshold;

  workspace = g_build_filename (dir, "tuning.db", NULL);
  store = rl_store_create (workspace, &error);
  g_assert_no_error (error);
  agency = rl_store_add_agency (store, "AG1", "Agency One", &error);
  rl_store_add_user (store, "steward", "Data Steward", RL_ROLE_DATA_STEWARD, agency, &error);
  g_assert_true (rl_store_set_actor (store, 1, &error));
  rl_store_add_user (store, "ana", "Ana Author", RL_ROLE_SUPERVISOR, agency, &error);
  rl_store_add_user (store, "bo", "Bo Reviewer", RL_ROLE_SUPERVISOR, agency, &error);
  rl_store_add_user (store, "eve", "Eve Examiner", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, 0, &error));

  for (int p = 0; p < N_PEOPLE; p++)
    {
      g_autoptr(RlTemplate) a = NULL, b = NULL;
      gint64 identity = rl_store_add_identity (store, NULL, &error);
      RlTemplate *base = random_template (rand);

      g_assert_no_error (error);
      g_ptr_array_add (bases, base);
      a = impression (rand, base, 0, 0, 60 + (p * 7) % 36);
      b = impression (rand, base, 6, 4, 60 + (p * 11) % 36);
      sample[p][0] = enrol (store, agency, identity, 0, a, p);
      sample[p][1] = enrol (store, agency, identity, 1, b, p);
    }
  /* Look-alikes: half of person l's minutiae; poor captures. */
  for (int l = 0; l < N_LOOKALIKES; l++)
    {
      g_autoptr(RlTemplate) mix = random_template (rand);
      g_autoptr(RlTemplate) tpl = NULL;
      const RlTemplate *source = bases->pdata[l];
      gint64 identity = rl_store_add_identity (store, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < 24; i++)
        mix->minutiae[i] = source->minutiae[i];
      tpl = impression (rand, mix, 3, -2, 30 + (l * 5) % 16);
      lookalike[l] = enrol (store, agency, identity, 2, tpl, N_PEOPLE + l);
      for (int k = 0; k < 2; k++)
        {
          g_autoptr(GBytes) bytes = rl_store_get_sample_template (store, sample[l][k], &error);
          g_autoptr(RlTemplate) other = rl_template_deserialize (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
          g_assert_no_error (error);
          lowest = MIN (lowest, rl_compare (tpl, other, NULL));
        }
    }
  bad_threshold = floorf (lowest) - 1;
  g_assert_cmpfloat (bad_threshold, >, 2);
  {
    g_autofree char *params = g_strdup_printf ("{\"match_threshold\": %.2f, \"no_match_threshold\": %.2f, \"quality_threshold\": 0}",
                                               bad_threshold, bad_threshold / 2);
    shipped_id = rl_store_add_release (store, "shipped", params, 0, &error);
    g_assert_no_error (error);
  }
  g_assert_true (rl_store_set_release_evaluated (store, shipped_id, "{}", NULL, &error));
  g_assert_true (rl_store_set_actor (store, 3, &error));
  g_assert_true (rl_store_review_release (store, shipped_id, TRUE, "shipped", &error));
  g_assert_true (rl_store_activate_release (store, shipped_id, &error));

  /* The examiner excludes the look-alikes' sure candidates: false matches. */
  for (int l = 0; l < N_CORRECTED; l++)
    {
      RlSearchOutcome out = { 0 };
      g_autoptr(GPtrArray) candidates = NULL;

      g_assert_true (rl_search_sample (store, lookalike[l], &out, &error));
      g_assert_no_error (error);
      g_assert_true (rl_store_set_actor (store, 4, &error));
      candidates = rl_store_list_candidates (store, out.search_id, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < candidates->len; i++)
        {
          RlSearchCandidate *c = candidates->pdata[i];
          RlConclusion conclusion = { .candidate_id = c->id, .decision = RL_DECISION_EXCLUSION,
                                      .reasons = (char *) "Ridge flow differs below the core." };
          RlCorrection corr = { .kind = RL_CORRECTION_FALSE_MATCH, .probe_sample_id = lookalike[l],
                                .candidate_sample_id = c->sample_id, .search_id = out.search_id, .score = c->score,
                                .reason = (char *) "Exclusion of a candidate above the match threshold." };

          if (c->score < bad_threshold)
            continue;
          corr.conclusion_id = rl_store_add_conclusion (store, &conclusion, &error);
          g_assert_no_error (error);
          rl_store_add_correction (store, &corr, &error);
          g_assert_no_error (error);
        }
    }
  g_rand_free (rand);
  g_assert_true (rl_store_set_actor (store, 0, &error));
}

/* ------------------------------------------------------------ GUI helpers */

static RlSession *
session_as (const char *username)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (workspace, &error);
  RlSession *session;

  g_assert_no_error (error);
  session = rl_session_new (store);
  g_assert_true (rl_session_sign_in (session, username, &error));
  g_assert_no_error (error);
  return session;
}

static RlTuningPage *
page_in_window (RlSession *session)
{
  GtkWidget *window = gtk_window_new ();
  RlTuningPage *page = g_object_new (RL_TYPE_TUNING_PAGE, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 960);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  rl_page_set_session (RL_PAGE (page), session);
  gtk_window_present (GTK_WINDOW (window));
  rl_gui_wait_mapped (window);
  return page;
}

static RlReleaseState
state_of (RlSession *session, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) r = rl_store_get_release (rl_session_get_store (session), id, &error);

  g_assert_no_error (error);
  return r->state;
}

/* Answers the page's open dialog as a user would: text in its entry, then
 * the response. */
static void
answer_dialog (RlTuningPage *page, const char *text, const char *response)
{
  g_assert_nonnull (page->dialog);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (page->dialog));
  if (text)
    gtk_editable_set_text (GTK_EDITABLE (page->comment_entry), text);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (page->dialog), response);
  rl_gui_iterate ();
}

/* ------------------------------------------------------------ the test */

static void
test_tuning_page (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-tuning-page-XXXXXX", NULL);
  g_autoptr(RlSession) ana = NULL, bo = NULL, eve = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = NULL;
  RlTuningPage *page;
  GtkWidget *window, *view;
  JsonObject *m, *match = NULL;
  JsonArray *points, *corrections, *near;
  gint64 draft, deadline;
  guint n_fixed = 0;

  make_workspace (dir);

  /* Ana tunes from the page: the Tune… dialog, a quick search, a thread. */
  ana = session_as ("ana");
  page = page_in_window (ana);
  window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (page)));
  g_assert_cmpint (rl_tuning_page_get_selected_release (page), ==, shipped_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.tune", NULL));
  rl_gui_iterate ();
  {
    GtkDropDown *depth = g_object_get_data (G_OBJECT (page->dialog), "depth");
    gtk_drop_down_set_selected (depth, 1);
  }
  answer_dialog (page, "gui-tuned", "tune");
  /* running, or on an idle machine already done while the dialog closed */
  g_assert_true (rl_tuning_page_get_busy (page) || rl_tuning_page_get_selected_release (page) != shipped_id);
  deadline = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;
  while (rl_tuning_page_get_busy (page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (rl_tuning_page_get_busy (page));
  g_assert_null (rl_tuning_page_get_message (page));

  /* The new draft is selected, evaluated, with its report. */
  draft = rl_tuning_page_get_selected_release (page);
  g_assert_cmpint (draft, !=, shipped_id);
  {
    g_autoptr(RlMatcherRelease) r = rl_store_get_release (rl_session_get_store (ana), draft, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (r->name, ==, "gui-tuned");
    g_assert_cmpint (r->state, ==, RL_RELEASE_EVALUATED);
    g_assert_nonnull (r->metrics);
    g_assert_true (json_parser_load_from_data (parser, r->metrics, -1, &error));
    g_assert_no_error (error);
  }
  m = json_node_get_object (json_parser_get_root (parser));
  points = json_object_get_array_member (m, "operating_points");
  for (guint i = 0; i < json_array_get_length (points); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (points, i), "name"), "match"))
      match = json_array_get_object_element (points, i);
  g_assert_nonnull (match);
  corrections = json_object_get_array_member (m, "corrections");
  g_assert_cmpuint (json_array_get_length (corrections), >=, N_CORRECTED);
  for (guint i = 0; i < json_array_get_length (corrections); i++)
    n_fixed += json_object_get_boolean_member (json_array_get_object_element (corrections, i), "fixed");

  /* What the page shows is the stored report's figures. */
  view = rl_tuning_page_get_release_view (page);
  rl_gui_collect_labels (GTK_WIDGET (page), text);
  {
    g_autofree char *thr_after = g_strdup_printf ("%.2f", json_object_get_double_member (match, "threshold_after"));
    g_autofree char *thr_before = g_strdup_printf ("was %.2f", json_object_get_double_member (match, "threshold_before"));
    g_autofree char *fmr_after = rl_release_view_format_rate (json_object_get_double_member (match, "fmr_after"));
    g_autofree char *fnmr_after = rl_release_view_format_rate (json_object_get_double_member (match, "fnmr_after"));
    g_autofree char *fixed = g_strdup_printf ("%u / %u", n_fixed, json_array_get_length (corrections));
    g_autofree char *sets = g_strdup_printf ("Measured on %" G_GINT64_FORMAT " genuine pairs and %" G_GINT64_FORMAT " impostor pairs",
                                             json_object_get_int_member (m, "n_genuine"), json_object_get_int_member (m, "n_impostor"));
    g_autofree char *first_pair = g_strdup_printf ("S-%06" G_GINT64_FORMAT " ↔ S-%06" G_GINT64_FORMAT,
                                                   json_object_get_int_member (json_array_get_object_element (corrections, 0), "probe_sample_id"),
                                                   json_object_get_int_member (json_array_get_object_element (corrections, 0), "candidate_sample_id"));

    g_test_message ("match threshold %s (%s), FMR %s, FNMR %s, corrections fixed %s", thr_after, thr_before,
                    fmr_after, fnmr_after, fixed);
    g_assert_nonnull (strstr (text->str, "gui-tuned"));
    g_assert_nonnull (strstr (text->str, "Evaluated"));
    g_assert_nonnull (strstr (text->str, "Ana Author"));
    g_assert_nonnull (strstr (text->str, thr_after));
    g_assert_nonnull (strstr (text->str, thr_before));
    g_assert_nonnull (strstr (text->str, fmr_after));
    g_assert_nonnull (strstr (text->str, fnmr_after));
    g_assert_nonnull (strstr (text->str, fixed));
    g_assert_nonnull (strstr (text->str, sets));
    g_assert_nonnull (strstr (text->str, first_pair));
    g_assert_nonnull (strstr (text->str, "By Print Quality"));
    g_assert_nonnull (strstr (text->str, "Past Searches Re-run"));
    g_assert_nonnull (strstr (text->str, "You made this release"));
  }
  /* The author may try (the role allows it); the store refuses. */
  g_assert_true (gtk_widget_get_sensitive (rl_gui_find_button (view, "tuning.approve")));
  g_assert_false (gtk_widget_get_sensitive (rl_gui_find_button (view, "tuning.activate")));
  rl_gui_screenshot (window, "tuning-page-report");
  {
    /* the whole report, as far as it scrolls */
    GtkWidget *clamp = view;
    while (clamp && !ADW_IS_CLAMP (clamp))
      clamp = gtk_widget_get_first_child (clamp) && !GTK_IS_STACK (clamp) ? gtk_widget_get_first_child (clamp)
              : GTK_IS_STACK (clamp) ? gtk_stack_get_visible_child (GTK_STACK (clamp)) : NULL;
    g_assert_nonnull (clamp);
    rl_gui_screenshot (clamp, "tuning-report-full");
  }

  /* Approving as the author: refused, the store's words in the banner. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.approve", NULL));
  rl_gui_iterate ();
  answer_dialog (page, "looks good to me", "approve");
  g_assert_nonnull (rl_tuning_page_get_message (page));
  g_test_message ("refusal shown: %s", rl_tuning_page_get_message (page));
  {
    /* the same words the store gives */
    g_autoptr(GError) refusal = NULL;
    g_assert_false (rl_store_review_release (rl_session_get_store (ana), draft, TRUE, "again", &refusal));
    g_assert_nonnull (refusal);
    g_assert_nonnull (strstr (rl_tuning_page_get_message (page), refusal->message));
  }
  g_assert_cmpint (state_of (ana, draft), ==, RL_RELEASE_EVALUATED);
  rl_gui_screenshot (window, "tuning-page-refused");

  /* A pair near the threshold opens in the comparison view. */
  near = json_object_get_array_member (m, "near_threshold");
  g_assert_cmpuint (json_array_get_length (near), >, 0);
  {
    JsonObject *pair = json_array_get_object_element (near, 0);
    gint64 probe = json_object_get_int_member (pair, "probe_sample_id");
    gint64 candidate = json_object_get_int_member (pair, "candidate_sample_id");
    g_autofree char *title = g_strdup_printf ("S-%06" G_GINT64_FORMAT " and S-%06" G_GINT64_FORMAT, probe, candidate);
    g_autoptr(GList) toplevels = NULL;
    GtkWindow *compare = NULL;
    GtkWidget *child;

    /* as the row's Compare button does */
    g_assert_true (gtk_widget_activate_action (view, "release.compare", "(xx)", probe, candidate));
    rl_gui_iterate ();
    toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l; l = l->next)
      if (g_strcmp0 (gtk_window_get_title (l->data), title) == 0)
        compare = l->data;
    g_assert_nonnull (compare);
    rl_gui_wait_mapped (GTK_WIDGET (compare));
    child = gtk_widget_get_last_child (adw_window_get_content (ADW_WINDOW (compare)));
    g_assert_true (RL_IS_COMPARISON_VIEW (child));
    g_assert_cmpuint (rl_comparison_view_get_n_correspondences (RL_COMPARISON_VIEW (child)), >, 0);
    rl_gui_screenshot (GTK_WIDGET (compare), "tuning-pair");
    gtk_window_destroy (compare);
  }

  /* An examiner sees the releases but may not approve. */
  eve = session_as ("eve");
  rl_page_set_session (RL_PAGE (page), eve);
  g_assert_true (rl_tuning_page_select_release (page, draft));
  rl_gui_iterate ();
  g_assert_false (gtk_widget_get_sensitive (rl_gui_find_button (view, "tuning.approve")));
  g_assert_false (gtk_widget_get_sensitive (rl_gui_find_button (view, "tuning.evaluate")));

  /* Bo, the second supervisor, approves with a comment and activates. */
  bo = session_as ("bo");
  rl_page_set_session (RL_PAGE (page), bo);
  g_assert_true (rl_tuning_page_select_release (page, draft));
  rl_gui_iterate ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.approve", NULL));
  rl_gui_iterate ();
  answer_dialog (page, "Held-out FMR not raised; the four false matches are fixed.", "approve");
  g_assert_null (rl_tuning_page_get_message (page));
  g_assert_cmpint (state_of (bo, draft), ==, RL_RELEASE_APPROVED);
  g_assert_true (gtk_widget_get_sensitive (rl_gui_find_button (view, "tuning.activate")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.activate", NULL));
  rl_gui_iterate ();
  g_assert_null (rl_tuning_page_get_message (page));
  g_assert_cmpint (state_of (bo, draft), ==, RL_RELEASE_ACTIVE);
  {
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (rl_session_get_store (bo), &error);
    g_assert_no_error (error);
    g_assert_cmpint (active->id, ==, draft);
  }
  g_string_truncate (text, 0);
  rl_gui_collect_labels (GTK_WIDGET (page), text);
  g_assert_nonnull (strstr (text->str, "Held-out FMR not raised"));
  g_assert_nonnull (strstr (text->str, "Bo Reviewer"));
  rl_gui_screenshot (window, "tuning-page-active");

  /* The report as PDF. */
  pdf = g_build_filename (dir, "report.pdf", NULL);
  g_assert_true (_rl_tuning_page_export_to (page, pdf));
  {
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
    g_assert_cmpuint (len, >, 1000);
    g_assert_true (g_str_has_prefix (data, "%PDF"));
  }

  /* Roll back (after the confirmation): the shipped release is active again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.rollback", NULL));
  rl_gui_iterate ();
  answer_dialog (page, NULL, "rollback");
  g_assert_null (rl_tuning_page_get_message (page));
  g_assert_cmpint (state_of (bo, draft), ==, RL_RELEASE_RETIRED);
  g_assert_cmpint (state_of (bo, shipped_id), ==, RL_RELEASE_ACTIVE);
  g_assert_cmpint (rl_tuning_page_get_selected_release (page), ==, shipped_id);

  gtk_window_destroy (GTK_WINDOW (window));
  rl_gui_iterate ();
  g_unlink (pdf);
  {
    g_autofree char *wal = g_strconcat (workspace, "-wal", NULL);
    g_autofree char *shm = g_strconcat (workspace, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_unlink (workspace);
  g_rmdir (dir);
}

/* ------------------------------------------------------------ progress and cancel */

typedef struct {
  GCancellable *cancellable;   /* cancelled at the first report when set */
  GArray       *fractions;
  GPtrArray    *texts;
} Reports;

static void
record_report (double fraction, const char *what, gpointer data)
{
  Reports *r = data;

  g_array_append_val (r->fractions, fraction);
  g_ptr_array_add (r->texts, g_strdup (what));
  if (r->cancellable)
    g_cancellable_cancel (r->cancellable);
}

static guint
count_rows (RlSession *session, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_open_v2 (workspace, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* The page's progress while a job runs: on the first report the worker
 * waits until the page has shown it, so pressing Cancel here is seen by the
 * tuning's very next check, before anything is written. */
typedef struct {
  RlTuningPage *page;
  const char   *screenshot;
  double        from;        /* cancel at the first report at least this far */
  guint         cancelled;
  double        fraction;
  char         *shown;
} CancelAtFirst;

static void
on_progress_label (GtkLabel *label, GParamSpec *pspec, CancelAtFirst *c)
{
  RlTuningPage *page = c->page;

  /* "Starting…" comes before any report: the bar has no text yet. */
  if (c->cancelled || gtk_progress_bar_get_text (page->progress_bar) == NULL ||
      gtk_progress_bar_get_fraction (page->progress_bar) < c->from)
    return;
  c->fraction = gtk_progress_bar_get_fraction (page->progress_bar);
  c->shown = g_strdup (gtk_label_get_text (label));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (page->progress_box)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (page->cancel_button)));
  if (c->screenshot)
    rl_gui_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (page))), c->screenshot);
  c->cancelled++;
  /* A click, as the mouse makes it ("clicked" runs the button's action at
   * once; gtk_widget_activate would only press it, clicking 250 ms later). */
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (page->cancel_button)), ==, "tuning.cancel");
  g_signal_emit_by_name (page->cancel_button, "clicked");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (page->cancel_button)));   /* cancelling */
}

/* Closes the page's window at the job's first report. */
static void
on_progress_label_close (GtkLabel *label, GParamSpec *pspec, RlTuningPage *page)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));

  if (root == NULL || page->progress_bar == NULL || gtk_progress_bar_get_text (page->progress_bar) == NULL)
    return;
  g_signal_handlers_disconnect_by_func (label, on_progress_label_close, page);
  gtk_window_destroy (GTK_WINDOW (root));
}

/* Signs out at the job's first report. */
static void
on_progress_label_sign_out (GtkLabel *label, GParamSpec *pspec, RlSession *session)
{
  RlTuningPage *page = RL_TUNING_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (label), RL_TYPE_TUNING_PAGE));

  if (page->progress_bar == NULL || gtk_progress_bar_get_text (page->progress_bar) == NULL)
    return;
  g_signal_handlers_disconnect_by_func (label, on_progress_label_sign_out, session);
  rl_session_sign_out (session);
}

static void
wait_idle (RlTuningPage *page)
{
  gint64 deadline = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;

  while (rl_tuning_page_get_busy (page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (rl_tuning_page_get_busy (page));
}

static void
test_progress_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-tuning-cancel-XXXXXX", NULL);
  g_autoptr(RlSession) ana = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *metrics_before = NULL;
  const char *count_releases = "SELECT count(*) FROM matcher_release";
  const char *count_tune_audit = "SELECT count(*) FROM audit_log WHERE action = 'release.tune'";
  guint releases, audits;
  gint64 draft;
  RlTuningPage *page;

  make_workspace (dir);
  ana = session_as ("ana");
  releases = count_rows (ana, count_releases);
  audits = count_rows (ana, count_tune_audit);

  /* The library: cancelled from the progress callback's first report,
   * rl_tuning_run fails with G_IO_ERROR_CANCELLED and writes nothing. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
    Reports r = { cancellable, fractions, texts };
    RlTuningOptions options = { .name = "cancelled", .max_trials = 5, .progress = record_report,
                                .progress_data = &r, .cancellable = cancellable };

    g_assert_cmpint (rl_tuning_run (rl_session_get_store (ana), &options, NULL, &error), ==, 0);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpuint (fractions->len, ==, 1);
    g_assert_cmpfloat (g_array_index (fractions, double, 0), ==, 0.0);
    g_assert_cmpuint (count_rows (ana, count_releases), ==, releases);
    g_assert_cmpuint (count_rows (ana, count_tune_audit), ==, audits);
  }
  /* A whole run reports from 0 to 1, never falling, saying what it does. */
  {
    g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
    Reports r = { NULL, fractions, texts };
    RlTuningOptions options = { .name = "reported", .max_trials = 3, .progress = record_report, .progress_data = &r };
    gboolean scored = FALSE, reran = FALSE;

    draft = rl_tuning_run (rl_session_get_store (ana), &options, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (draft, >, 0);
    g_test_message ("a quick tuning reported %u times", fractions->len);
    g_assert_cmpuint (fractions->len, >, 5);
    g_assert_cmpfloat (g_array_index (fractions, double, 0), ==, 0.0);
    g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
    for (guint i = 0; i < fractions->len; i++)
      {
        const char *text = g_ptr_array_index (texts, i);
        g_assert_true (text != NULL && text[0] != '\0');
        if (i > 0)
          g_assert_cmpfloat (g_array_index (fractions, double, i), >=, g_array_index (fractions, double, i - 1));
        scored |= strstr (text, "setting 3 of 3") != NULL;
        reran |= strstr (text, "Re-running past searches") != NULL;
      }
    g_assert_true (scored);
    g_assert_true (reran);
    releases = count_rows (ana, count_releases);
    audits = count_rows (ana, count_tune_audit);
  }

  /* The page: Tune…, the progress shown, Cancel at the first report past
   * 30 % (while it scores the pairs with the second setting or later). */
  page = page_in_window (ana);
  gtk_window_set_default_size (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))), 1100, 760);
  {
    CancelAtFirst c = { page, "tuning-progress", 0.3, 0, 0, NULL };
    gulong id = g_signal_connect (page->progress_label, "notify::label", G_CALLBACK (on_progress_label), &c);

    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (page->progress_box)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.tune", NULL));
    rl_gui_iterate ();
    answer_dialog (page, "gui-cancelled", "tune");
    wait_idle (page);
    g_signal_handler_disconnect (page->progress_label, id);
    g_assert_cmpuint (c.cancelled, ==, 1);
    g_assert_cmpfloat (c.fraction, >=, 0.3);
    g_test_message ("cancelled at %.0f %%: %s", c.fraction * 100, c.shown);
    g_assert_nonnull (strstr (c.shown, "Scoring the labelled pairs with setting"));
    g_free (c.shown);
  }
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (page->progress_box)));
  g_assert_null (rl_tuning_page_get_message (page));   /* a cancel is no failure */
  g_assert_cmpuint (count_rows (ana, count_releases), ==, releases);
  g_assert_cmpuint (count_rows (ana, count_tune_audit), ==, audits);
  g_assert_cmpuint (count_rows (ana, "SELECT count(*) FROM matcher_release WHERE name = 'gui-cancelled'"), ==, 0);

  /* Evaluate the draft again, cancelled at its first report: the report is
   * unchanged. */
  {
    g_autoptr(RlMatcherRelease) r = rl_store_get_release (rl_session_get_store (ana), draft, &error);
    g_assert_no_error (error);
    metrics_before = g_strdup (r->metrics);
  }
  g_assert_true (rl_tuning_page_select_release (page, draft));
  rl_gui_iterate ();
  {
    CancelAtFirst c = { page, NULL, 0.0, 0, 0, NULL };
    gulong id = g_signal_connect (page->progress_label, "notify::label", G_CALLBACK (on_progress_label), &c);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.evaluate", NULL));
    wait_idle (page);
    g_signal_handler_disconnect (page->progress_label, id);
    g_assert_cmpuint (c.cancelled, ==, 1);
    g_assert_cmpfloat (c.fraction, ==, 0.0);
    g_assert_nonnull (strstr (c.shown, "Reading the corrections"));
    g_free (c.shown);
  }
  {
    g_autoptr(RlMatcherRelease) r = rl_store_get_release (rl_session_get_store (ana), draft, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (r->metrics, ==, metrics_before);
    g_assert_cmpint (r->state, ==, RL_RELEASE_EVALUATED);
  }
  g_assert_null (rl_tuning_page_get_message (page));
  rl_gui_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (page))), "tuning-cancelled");
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));
  rl_gui_iterate ();

  /* The window closed while a tuning runs (at its first report): the job
   * is cancelled as the page leaves the window, nothing is stored. */
  page = page_in_window (ana);
  g_object_ref (page);
  /* (disconnects itself when it closes the window) */
  g_signal_connect (page->progress_label, "notify::label", G_CALLBACK (on_progress_label_close), page);
  {
    gint64 deadline = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.tune", NULL));
    rl_gui_iterate ();
    answer_dialog (page, "gui-closed", "tune");
    while (page->job != NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_null (page->job);
  }
  g_object_unref (page);
  g_assert_cmpuint (count_rows (ana, count_releases), ==, releases);
  g_assert_cmpuint (count_rows (ana, "SELECT count(*) FROM matcher_release WHERE name = 'gui-closed'"), ==, 0);

  /* Signing out while a tuning runs in one's name stops it too. */
  page = page_in_window (ana);
  g_signal_connect (page->progress_label, "notify::label", G_CALLBACK (on_progress_label_sign_out), ana);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tuning.tune", NULL));
  rl_gui_iterate ();
  answer_dialog (page, "gui-signed-out", "tune");
  wait_idle (page);
  g_assert_null (rl_session_get_user (ana));
  g_assert_cmpuint (count_rows (ana, count_releases), ==, releases);
  g_assert_cmpuint (count_rows (ana, "SELECT count(*) FROM matcher_release WHERE name = 'gui-signed-out'"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));
  rl_gui_iterate ();
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/ridgeline/Workstation/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/tuning-page/tune-review-activate", test_tuning_page);
  g_test_add_func ("/tuning-page/progress-cancel", test_progress_cancel);
  return g_test_run ();
}
