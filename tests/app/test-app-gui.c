/* The real Ridgeline app (RlApplication, the same code as the `ridgeline`
 * binary) on a workspace under Xvfb: sign in, visit every page the role
 * allows, screenshot each one and check it is not blank; role limits;
 * sign-out; window state; errors for bad workspace files.
 *
 * Nothing here waits for a time: each step runs the main loop until the
 * window has painted a frame after the change. Animations are off so a
 * frame shows the end state. Screenshots go to tests/app/screenshots/ in
 * the build tree. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "rl-application.h"
#include "rl-window-private.h"
#include "rl-table-view.h"
#include "rl-tuning-page.h"

#include "gui-test-util.h"

typedef void (*Script) (RlApplication *app, RlWindow *window, gpointer data);

typedef struct {
  Script   script;
  gpointer data;
  gboolean ran;
} RunContext;


/* ---- workspace ------------------------------------------------------- */

static const struct { const char *username, *name, *role, *agency; } people[] = {
  { "dreyes",  "Dana Reyes",     "supervisor",   "CBP" },
  { "mokafor", "Michael Okafor", "examiner",     "FBI" },
  { "lchen",   "Lin Chen",       "analyst",      "CBP" },
  { "pnovak",  "Petra Novak",    "data-steward", "FBI" },
};

static const struct { const char *family, *given, *dob, *nationality, *sex, *place; } persons[] = {
  { "Haddad",    "Samir",        "1984-03-12", "LBN", "M", "JFK Terminal 4" },
  { "Kowalski",  "Anna Maria",   "1991-07-30", "POL", "F", "Chicago O'Hare" },
  { "Okonkwo",   "Chidi",        "1979-11-02", "NGA", "M", "Houston Field Office" },
  { "Marín",     "Lucía",        "2001-01-19", "MEX", "F", "San Ysidro" },
  { "Nguyen",    "Van Thanh",    "1968-05-25", "VNM", "M", "Newark Liberty" },
  { "Haddad",    "Sameer",       "1984-03-21", "LBN", "M", "Detroit Metro" },
};

static gint64
add_sample_for (RlStore *store, gint64 encounter, RlFingerPosition finger, int quality)
{
  g_autoptr(GError) error = NULL;
  RlSample sample = { .encounter_id = encounter, .finger = finger, .impression = RL_IMPRESSION_PLAIN,
                      .ppi = 500, .quality = quality, .source = (char *) "gui test" };
  gint64 id = rl_store_add_sample (store, &sample, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* A small workspace built through the store's API: two agencies, one user
 * of each role, six identities (two of them the same man, spelled two ways),
 * a matcher release, a search awaiting review with its candidates, and a
 * hit. */
static char *
make_workspace (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-gui-XXXXXX", NULL);
  char *path = g_build_filename (dir, "workspace.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_create (path, &error);
  gint64 cbp, fbi, release, probe = 0, search;
  gint64 samples[G_N_ELEMENTS (persons)], identities[G_N_ELEMENTS (persons)];
  RlStoreCandidateIn candidates[3];
  g_autoptr(GPtrArray) listed = NULL;
  const RlSearchCandidate *first;
  gint64 probe_encounter = 0;
  RlHit hit = { 0 };

  g_assert_no_error (error);
  rl_store_set_time (store, 1763900000);  /* 2025-11-23: the same history on every run */
  cbp = rl_store_add_agency (store, "CBP", "Customs and Border Protection", &error);
  g_assert_no_error (error);
  fbi = rl_store_add_agency (store, "FBI", "Federal Bureau of Investigation", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      RlRole role;

      g_assert_true (rl_role_from_id (people[i].role, &role));
      rl_store_add_user (store, people[i].username, people[i].name, role,
                         g_str_equal (people[i].agency, "CBP") ? cbp : fbi, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (persons); i++)
    {
      RlEncounter encounter = {
        .agency_id = i % 3 == 2 ? fbi : cbp,
        .occurred_at = 1600000000 + (gint64) i * 8640000,
        .purpose = i % 3 == 2 ? RL_PURPOSE_ARREST_BOOKING : RL_PURPOSE_BORDER_CROSSING,
        .place = (char *) persons[i].place,
        .case_reference = (char *) "",
        .family_name = (char *) persons[i].family,
        .given_names = (char *) persons[i].given,
        .date_of_birth = (char *) persons[i].dob,
        .nationality = (char *) persons[i].nationality,
        .sex = (char *) persons[i].sex,
      };
      gint64 encounter_id;

      identities[i] = rl_store_add_identity (store, NULL, &error);
      g_assert_no_error (error);
      encounter.identity_id = identities[i];
      encounter_id = rl_store_add_encounter (store, &encounter, &error);
      g_assert_no_error (error);
      samples[i] = add_sample_for (store, encounter_id, RL_FINGER_RIGHT_INDEX, 40 + 9 * (int) i);
      if (i == G_N_ELEMENTS (persons) - 1)
        probe = samples[i], probe_encounter = encounter_id;
    }

  release = rl_store_add_release (store, "2026.11-1", "{\"match_threshold\": 0.42}", 0, &error);
  g_assert_no_error (error);
  candidates[0] = (RlStoreCandidateIn) { samples[0], 0.388f };
  candidates[1] = (RlStoreCandidateIn) { samples[3], 0.214f };
  candidates[2] = (RlStoreCandidateIn) { samples[1], 0.173f };
  search = rl_store_add_search (store, probe, release, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 2,
                                candidates, G_N_ELEMENTS (candidates), &error);
  g_assert_no_error (error);

  /* The probe's encounter matched Haddad, Samir (candidate 1): a hit. */
  listed = rl_store_list_candidates (store, search, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, G_N_ELEMENTS (candidates));
  first = g_ptr_array_index (listed, 0);
  hit.search_id = search;
  hit.encounter_id = probe_encounter;
  hit.identity_id = first->identity_id;
  hit.candidate_id = first->id;
  hit.score = first->score;
  hit.status = RL_HIT_OPEN;
  rl_store_add_hit (store, &hit, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- driving the app -------------------------------------------------- */

static gboolean
is_sidebar_row_labelled (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LIST_BOX_ROW (widget) && gtk_widget_has_css_class (widget, "sidebar-row") &&
         rl_gui_find (widget, rl_gui_is_label, text) != NULL;
}

static gboolean
is_table_view (GtkWidget *widget, gconstpointer data)
{
  return RL_IS_TABLE_VIEW (widget);
}

static void
sign_in (RlWindow   *window,
         const char *display_name)
{
  GtkWidget *row;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  row = rl_gui_find (GTK_WIDGET (window->sign_in_view), rl_gui_is_row_titled, display_name);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate (row));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "session");
  /* The header shows who is signed in. */
  g_assert_cmpstr (gtk_label_get_text (window->user_label), ==, display_name);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (window->user_button)));
}

static GtkWidget *
sidebar_row (RlWindow   *window,
             const char *title)
{
  GtkWidget *row = rl_gui_find (GTK_WIDGET (window->sidebar_list), is_sidebar_row_labelled, title);

  g_assert_nonnull (row);
  return row;
}

/* ---- screenshots ------------------------------------------------------ */

static void
screenshot_and_check (GtkWidget  *window,
                      GtkWidget  *content,
                      const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;
  graphene_rect_t area;

  rl_gui_wait_for_frame (window);
  rl_gui_wait_for_frame (window);
  texture = rl_gui_take_screenshot (window, name);
  g_assert_true (gtk_widget_compute_bounds (content, window, &area));
  rl_gui_assert_not_blank (texture, &area, name);
}

/* ---- running ---------------------------------------------------------- */

static void
on_activate (RlApplication *app,
             RunContext    *ctx)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (RL_IS_WINDOW (window));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  ctx->script (app, RL_WINDOW (window), ctx->data);
  ctx->ran = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
run_app (const char *workspace,
         Script      script,
         gpointer    data)
{
  g_autoptr(RlApplication) app = rl_application_new ();
  char *argv[] = { "ridgeline", "--workspace", (char *) workspace, NULL };
  RunContext ctx = { script, data, FALSE };
  int status;

  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &ctx);
  status = g_application_run (G_APPLICATION (app), 3, argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (ctx.ran);
}

/* ---- tests ------------------------------------------------------------ */

static const struct { const char *id, *title; } all_pages[] = {
  { "queue", "Work Queue" },
  { "searches", "Searches" },
  { "identities", "Identities" },
  { "hits", "Hits" },
  { "links", "Identity Links" },
  { "tuning", "Tuning" },
  { "audit", "Audit Log" },
  { "users", "Users" },
};

static void
supervisor_script (RlApplication *app,
                   RlWindow      *window,
                   gpointer       data)
{
  GtkWidget *table;
  GtkWindow *other;

  screenshot_and_check (GTK_WIDGET (window), GTK_WIDGET (window->sign_in_view), "sign-in");
  sign_in (window, "Dana Reyes");

  /* A supervisor sees every page; visit each one from the sidebar. */
  for (guint i = 0; i < G_N_ELEMENTS (all_pages); i++)
    {
      GtkWidget *row = sidebar_row (window, all_pages[i].title);

      g_assert_true (gtk_widget_get_visible (row));
      g_assert_true (gtk_widget_activate (row));
      rl_gui_wait_for_frame (GTK_WIDGET (window));
      g_assert_cmpstr (rl_window_get_page (window), ==, all_pages[i].id);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (window->page_stack), ==, all_pages[i].id);
      g_assert_cmpstr (adw_window_title_get_title (window->page_title), ==, all_pages[i].title);
      screenshot_and_check (GTK_WIDGET (window), GTK_WIDGET (window->page_stack), all_pages[i].id);
    }

  /* The Users page lists the workspace's users from the store. */
  table = rl_gui_find (gtk_stack_get_visible_child (window->page_stack), is_table_view, NULL);
  g_assert_nonnull (table);
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (table)), ==, G_N_ELEMENTS (people));

  /* Alt+N shortcuts go through win.page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.page", "s", "tuning"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (rl_window_get_page (window), ==, "tuning");

  /* Preferences and keyboard shortcuts windows. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  other = rl_gui_find_window (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (other);
  screenshot_and_check (GTK_WIDGET (other), GTK_WIDGET (other), "preferences");
  gtk_window_destroy (other);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  other = rl_gui_find_window (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (other);
  screenshot_and_check (GTK_WIDGET (other), GTK_WIDGET (other), "shortcuts");
  gtk_widget_set_visible (GTK_WIDGET (other), FALSE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.about", NULL));
  other = rl_gui_find_window (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (other);
  screenshot_and_check (GTK_WIDGET (other), GTK_WIDGET (other), "about");
  gtk_window_destroy (other);

  /* Sign out returns to the sign-in view. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  g_assert_null (rl_window_get_page (window));
}

static void
test_supervisor_visits_every_page (void)
{
  g_autofree char *path = make_workspace ();

  run_app (path, supervisor_script, NULL);
}

static void
examiner_script (RlApplication *app,
                 RlWindow      *window,
                 gpointer       data)
{
  const char *visible[] = { "Work Queue", "Searches", "Identities" };
  const char *hidden[] = { "Hits", "Tuning", "Audit Log", "Users" };
  const char *before;

  sign_in (window, "Michael Okafor");
  for (guint i = 0; i < G_N_ELEMENTS (visible); i++)
    g_assert_true (gtk_widget_get_visible (sidebar_row (window, visible[i])));
  for (guint i = 0; i < G_N_ELEMENTS (hidden); i++)
    g_assert_false (gtk_widget_get_visible (sidebar_row (window, hidden[i])));

  /* Nor can the examiner reach them by shortcut. */
  before = rl_window_get_page (window);
  g_assert_nonnull (before);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.page", "s", "tuning");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.page", "s", "audit");
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (rl_window_get_page (window), ==, before);
  g_assert_false (rl_window_show_page (window, "audit"));
  screenshot_and_check (GTK_WIDGET (window), GTK_WIDGET (window->page_stack), "examiner");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  rl_gui_wait_for_frame (GTK_WIDGET (window));

  /* The data steward's pages are the audit log and the users. */
  sign_in (window, "Petra Novak");
  g_assert_false (gtk_widget_get_visible (sidebar_row (window, "Work Queue")));
  g_assert_true (gtk_widget_get_visible (sidebar_row (window, "Audit Log")));
  g_assert_true (gtk_widget_get_visible (sidebar_row (window, "Users")));

  /* ... and there she sets who may read restricted records: a rule takes
   * effect in the store at once, and is revoked the same way. */
  {
    GtkWidget *page, *rules;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) grants = NULL;
    RlStore *store = rl_session_get_store (rl_window_get_session (window));

    g_assert_true (rl_window_show_page (window, "users"));
    rl_gui_wait_for_frame (GTK_WIDGET (window));
    page = gtk_stack_get_visible_child (window->page_stack);
    rules = rl_gui_find (page, rl_gui_is_label, "Access to Restricted Records");
    g_assert_nonnull (rules);
    g_assert_true (gtk_widget_is_visible (rules));
    rules = gtk_widget_get_last_child (gtk_widget_get_parent (rules));
    g_assert_true (RL_IS_TABLE_VIEW (rules));
    g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rules)), ==, 0);
    /* A file has no server sessions: no "End Sessions…" and no "Signed In". */
    {
      GtkWidget *column = rl_gui_find (page, rl_gui_is_label, "Signed In");
      GtkWidget *end = rl_gui_find (page, rl_gui_is_label, "End Sessions…");

      g_assert_true (column == NULL || !gtk_widget_is_visible (column));
      g_assert_nonnull (end);
      g_assert_false (gtk_widget_is_visible (end));
    }

    g_assert_true (gtk_widget_activate_action (page, "users.grant-access", NULL));
    rl_gui_wait_for_frame (GTK_WIDGET (window));
    g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rules)), ==, 1);
    grants = rl_store_list_access_grants (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (grants->len, ==, 1);
    screenshot_and_check (GTK_WIDGET (window), GTK_WIDGET (window->page_stack), "users-access-rules");

    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                                         rl_table_view_get_column_view (RL_TABLE_VIEW (rules)))), 0);
    g_assert_true (gtk_widget_activate_action (page, "users.revoke-access", NULL));
    rl_gui_wait_for_frame (GTK_WIDGET (window));
    g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rules)), ==, 0);
    g_clear_pointer (&grants, g_ptr_array_unref);
    grants = rl_store_list_access_grants (store, &error);
    g_assert_cmpuint (grants->len, ==, 0);
  }
}

static void
test_examiner_sees_only_examiner_pages (void)
{
  g_autofree char *path = make_workspace ();

  run_app (path, examiner_script, NULL);
}

static void
visit_identities_script (RlApplication *app,
                         RlWindow      *window,
                         gpointer       data)
{
  sign_in (window, "Dana Reyes");
  g_assert_true (rl_window_show_page (window, "identities"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
}

static void
restored_script (RlApplication *app,
                 RlWindow      *window,
                 gpointer       data)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  sign_in (window, "Dana Reyes");
  g_assert_cmpstr (rl_window_get_page (window), ==, "identities");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  /* An analyst has no Work Queue; the last page is shown when allowed. */
  sign_in (window, "Lin Chen");
  g_assert_cmpstr (rl_window_get_page (window), ==, "identities");
}

static void
test_window_state_is_restored (void)
{
  g_autofree char *path = make_workspace ();

  run_app (path, visit_identities_script, NULL);
  run_app (path, restored_script, NULL);
}

typedef struct {
  const char *title;
  const char *screenshot;
} ErrorExpectation;

static void
error_script (RlApplication *app,
              RlWindow      *window,
              gpointer       data)
{
  const ErrorExpectation *expect = data;
  GtkWidget *button;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "error");
  g_assert_cmpstr (adw_status_page_get_title (window->error_page), ==, expect->title);
  g_assert_nonnull (adw_status_page_get_description (window->error_page));
  button = adw_status_page_get_child (window->error_page);
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.choose-workspace");
  g_assert_true (gtk_widget_is_sensitive (button));
  if (expect->screenshot)
    screenshot_and_check (GTK_WIDGET (window), GTK_WIDGET (window->error_page), expect->screenshot);

  /* Choosing a good workspace from here leads to the sign-in view. */
  {
    g_autofree char *good = make_workspace ();
    rl_application_open_workspace (app, good);
    rl_gui_wait_for_frame (GTK_WIDGET (window));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  }
}

static void
test_bad_workspaces (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-gui-bad-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.db", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.db", NULL);
  ErrorExpectation not_found = { "No Workspace Found", "error-missing" };
  ErrorExpectation corrupt = { "Not a Ridgeline Workspace", NULL };
  ErrorExpectation too_new = { "Workspace From a Newer Ridgeline", NULL };
  GString *text = g_string_new (NULL);
  sqlite3 *db = NULL;

  for (int i = 0; i < 200; i++)
    g_string_append (text, "this is not a database. ");
  g_assert_true (g_file_set_contents (junk, text->str, text->len, NULL));
  g_string_free (text, TRUE);
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); PRAGMA user_version=9999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  run_app (missing, error_script, &not_found);
  run_app (junk, error_script, &corrupt);
  run_app (newer, error_script, &too_new);
}

/* ---- the demo workspace ---------------------------------------------- */

typedef struct {
  char *supervisor;   /* display names, from the store */
  char *examiner;
  guint n_users;
  guint n_identities;
} DemoPeople;

static void
demo_script (RlApplication *app,
             RlWindow      *window,
             gpointer       data)
{
  DemoPeople *demo = data;
  GtkWidget *table;

  screenshot_and_check (GTK_WIDGET (window), GTK_WIDGET (window->sign_in_view), "demo-sign-in");
  sign_in (window, demo->supervisor);
  for (guint i = 0; i < G_N_ELEMENTS (all_pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("demo-%s", all_pages[i].id);

      g_assert_true (gtk_widget_activate (sidebar_row (window, all_pages[i].title)));
      rl_gui_wait_for_frame (GTK_WIDGET (window));
      g_assert_cmpstr (rl_window_get_page (window), ==, all_pages[i].id);
      screenshot_and_check (GTK_WIDGET (window), GTK_WIDGET (window->page_stack), name);

      if (g_str_equal (all_pages[i].id, "tuning"))
        {
          /* releases in its own list, the selected one's report beside */
          GtkWidget *page = gtk_stack_get_visible_child (window->page_stack);
          g_assert_true (RL_IS_TUNING_PAGE (page));
          g_assert_cmpint (rl_tuning_page_get_selected_release (RL_TUNING_PAGE (page)), >, 0);
          continue;
        }
      table = rl_gui_find (gtk_stack_get_visible_child (window->page_stack), is_table_view, NULL);
      g_assert_nonnull (table);
      if (g_str_equal (all_pages[i].id, "identities"))
        g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (table)), ==, demo->n_identities);
      else if (g_str_equal (all_pages[i].id, "users"))
        g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (table)), ==, demo->n_users);
      else if (g_str_equal (all_pages[i].id, "audit"))
        {
          g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (table)), >, 0);
          g_assert_nonnull (rl_gui_find (table, rl_gui_is_label, "Hash chain intact"));
        }
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  sign_in (window, demo->examiner);
  g_assert_false (gtk_widget_get_visible (sidebar_row (window, "Tuning")));
  g_assert_false (gtk_widget_get_visible (sidebar_row (window, "Audit Log")));
  g_assert_true (gtk_widget_get_visible (sidebar_row (window, "Work Queue")));
}

static void
test_demo_workspace (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-gui-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  const char *argv[] = { RL_CLI_PATH, "demo", "--identities", "40", "--seed", "3", "--no-prints", "--quiet",
                         "--db", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  DemoPeople demo = { 0 };
  int status = 0;

  /* RL_TEST_DEMO_DB=PATH runs this on an existing workspace instead (e.g. a
   * demo with prints, which takes minutes to build). */
  if (g_getenv ("RL_TEST_DEMO_DB"))
    {
      g_free (path);
      path = g_strdup (g_getenv ("RL_TEST_DEMO_DB"));
    }
  else
    {
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, &error));
      g_assert_no_error (error);
    }

  /* Whoever the demo made: the first supervisor and examiner by name. */
  store = rl_store_open (path, &error);
  g_assert_no_error (error);
  users = rl_store_list_users (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < users->len; i++)
    {
      RlUser *user = g_ptr_array_index (users, i);
      if (user->role == RL_ROLE_SUPERVISOR && demo.supervisor == NULL)
        demo.supervisor = user->display_name;
      if (user->role == RL_ROLE_EXAMINER && demo.examiner == NULL)
        demo.examiner = user->display_name;
    }
  g_assert_nonnull (demo.supervisor);
  g_assert_nonnull (demo.examiner);
  demo.n_users = users->len;
  demo.n_identities = rl_store_count_identities (store, &error);
  g_assert_no_error (error);
  if (!g_getenv ("RL_TEST_DEMO_DB"))
    g_assert_cmpuint (demo.n_identities, ==, 40);
  g_clear_pointer (&store, rl_store_close);

  run_app (path, demo_script, &demo);
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
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/app/gui/supervisor-visits-every-page", test_supervisor_visits_every_page);
  g_test_add_func ("/app/gui/examiner-sees-only-examiner-pages", test_examiner_sees_only_examiner_pages);
  g_test_add_func ("/app/gui/window-state-is-restored", test_window_state_is_restored);
  g_test_add_func ("/app/gui/bad-workspaces", test_bad_workspaces);
  g_test_add_func ("/app/gui/demo-workspace", test_demo_workspace);
  return g_test_run ();
}
