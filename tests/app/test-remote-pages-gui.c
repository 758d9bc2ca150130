/* The analyst's, supervisor's and data steward's pages of the real GUI on a
 * remote workspace (issue #9), under Xvfb:
 *
 * ridgeline-server runs in a child process on a free loopback port over
 * HTTPS (its certificate pinned), on the pages' workspace
 * (tests/server/pages-workspace.h). The app opens the server and:
 *   - signs in as the border analyst: the Hits, Identities and Identity
 *     Links pages are available (no "not available" notice) and list what
 *     the server holds; the hit opens in its view and the identity in its
 *     view (with a purpose, audited on the server), each showing the police
 *     record as "Held by POLICE" and never its text, which the server never
 *     sent; the sharable record is shown in full; the analyst escalates the
 *     hit, and the server's file says so;
 *   - signs in as a supervisor: the Tuning page evaluates the draft — the
 *     evaluation runs on the server, the page polls it to its end — and the
 *     Audit Log page checks the chain on the server;
 *   - a data steward ends the examiner's sessions: from elsewhere while the
 *     examiner works at this window (it returns to sign-in saying who ended
 *     the session), and with the Users page's "End Sessions…" for the
 *     examiner's other workstation (refused at its next request, audited).
 * Screenshots go to tests/app/screenshots/ in the build tree.
 *
 * Nothing waits for a time: every wait is for a condition (a line from the
 * server, a painted frame, the page no longer busy). */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "rl-application.h"
#include "rl-audit-page.h"
#include "rl-hits-page.h"
#include "rl-identity-view.h"
#include "rl-page.h"
#include "rl-remote.h"
#include "rl-store-credentials.h"
#include "rl-table-view.h"
#include "rl-tuning-page.h"
#include "rl-window-private.h"

#include "gui-test-util.h"
#include "pages-workspace.h"
#include "server-test-util.h"

typedef struct {
  char            *dir;
  char            *db;
  PagesWorkspace   ws;
  RlTestServerProcess server;   /* ridgeline-server in a child process */
  gboolean         ran;
} Fixture;

/* ---- the server ------------------------------------------------------- */

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

/* Shows the page; it must be wired for a remote workspace (no notice). */
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
  GtkWidget *table = rl_gui_find_type (page, RL_TYPE_TABLE_VIEW);

  g_assert_nonnull (table);
  return rl_table_view_get_n_rows (RL_TABLE_VIEW (table));
}

/* ---- the flows -------------------------------------------------------- */

static void
analyst_flow (RlWindow *window, Fixture *f)
{
  g_autoptr(GError) error = NULL;
  RlSession *session;
  GtkWidget *hits, *identities, *links;
  RlHitView *hit_view;
  RlIdentityView *identity_view;
  g_autofree char *hit_text = NULL, *identity_text = NULL;

  sign_in (window, "ban");
  session = rl_window_get_session (window);
  g_assert_true (rl_session_is_remote (session));

  /* The hit queue from the server: the one open hit. */
  hits = show_page (window, "hits");
  {
    g_autoptr(GArray) ids = rl_hits_page_get_hit_ids (RL_HITS_PAGE (hits));
    g_assert_cmpuint (ids->len, ==, 1);
    g_assert_cmpint (g_array_index (ids, gint64, 0), ==, f->ws.hit);
  }
  rl_gui_screenshot (GTK_WIDGET (window), "remote-pages-hits");

  /* The hit's review: the police record held by the police, its text never sent. */
  hit_view = rl_hits_page_open_hit (RL_HITS_PAGE (hits), f->ws.hit, &error);
  g_assert_no_error (error);
  rl_gui_wait_for_frame (GTK_WIDGET (hit_view));
  hit_text = rl_gui_visible_text (GTK_WIDGET (hit_view));
  g_test_message ("hit view: %s", hit_text);
  g_assert_nonnull (strstr (hit_text, "Held by POLICE"));
  g_assert_null (strstr (hit_text, SECRET));
  g_assert_nonnull (strstr (hit_text, SHARABLE));
  rl_gui_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (hit_view), GTK_TYPE_WINDOW), "remote-pages-hit-view");
  rl_hit_view_set_reason (hit_view, "Names differ: a supervisor to decide on referral.");
  g_assert_true (rl_hit_view_dispose (hit_view, RL_HIT_ESCALATED, &error));
  g_assert_no_error (error);
  {
    g_autoptr(RlStore) file = rl_test_server_file (&f->server);
    g_autoptr(RlHit) hit = rl_store_get_hit (file, f->ws.hit, &error);

    g_assert_no_error (error);
    g_assert_cmpint (hit->status, ==, RL_HIT_ESCALATED);
  }
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (hit_view), GTK_TYPE_WINDOW)));

  /* Identities and their record, opened with a purpose (audited on the server). */
  identities = show_page (window, "identities");
  g_assert_cmpuint (table_rows (identities), ==, N_PEOPLE + 1);
  rl_gui_screenshot (GTK_WIDGET (window), "remote-pages-identities");
  identity_view = rl_identity_view_new (session, f->ws.wanted, "CASE-B-17", &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (identity_view));
  rl_gui_wait_for_frame (GTK_WIDGET (identity_view));
  identity_text = rl_gui_visible_text (GTK_WIDGET (identity_view));
  g_test_message ("identity view: %s", identity_text);
  g_assert_nonnull (strstr (identity_text, "Held by POLICE"));
  g_assert_null (strstr (identity_text, SECRET));
  g_assert_nonnull (strstr (identity_text, SHARABLE));
  g_assert_nonnull (strstr (identity_text, "Okafor"));
  rl_gui_screenshot (GTK_WIDGET (identity_view), "remote-pages-identity-view");
  {
    g_autoptr(RlStore) file = rl_test_server_file (&f->server);
    g_autoptr(GPtrArray) opened = rl_store_list_audit (file, "identity", f->ws.wanted, f->ws.border_analyst, 0, &error);
    gboolean found = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < opened->len; i++)
      {
        RlAuditEntry *e = opened->pdata[i];
        found |= g_strcmp0 (e->action, "identity.open") == 0 && g_strcmp0 (e->purpose, "CASE-B-17") == 0;
      }
    g_assert_true (found);
  }
  gtk_window_destroy (GTK_WINDOW (identity_view));

  links = show_page (window, "links");
  g_assert_cmpuint (table_rows (links), >=, 1);
}

static void
supervisor_flow (RlWindow *window, Fixture *f)
{
  GtkWidget *tuning, *audit;
  g_autofree char *text = NULL;

  sign_in (window, "supa");
  tuning = show_page (window, "tuning");
  g_assert_true (rl_tuning_page_select_release (RL_TUNING_PAGE (tuning), f->ws.draft));
  /* Evaluate: the work is the server's; the page polls until it ends. */
  g_assert_true (gtk_widget_activate_action (tuning, "tuning.evaluate", NULL));
  g_assert_true (rl_tuning_page_get_busy (RL_TUNING_PAGE (tuning)));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  rl_gui_screenshot (GTK_WIDGET (window), "remote-pages-tuning-running");
  while (rl_tuning_page_get_busy (RL_TUNING_PAGE (tuning)))
    g_main_context_iteration (NULL, TRUE);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_test_message ("tuning page: %s", rl_tuning_page_get_message (RL_TUNING_PAGE (tuning)) ?: "");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RlStore) file = rl_test_server_file (&f->server);
    g_autoptr(RlMatcherRelease) draft = rl_store_get_release (file, f->ws.draft, &error);

    g_assert_no_error (error);
    g_assert_cmpint (draft->state, ==, RL_RELEASE_EVALUATED);
  }
  rl_gui_screenshot (GTK_WIDGET (window), "remote-pages-tuning");

  audit = show_page (window, "audit");
  g_assert_cmpuint (table_rows (audit), >, 0);
  text = rl_gui_visible_text (audit);
  rl_gui_screenshot (GTK_WIDGET (window), "remote-pages-audit");
}

/* Selects the row of the users table whose sign-in name is username. */
static void
select_user (GtkWidget *users, const char *username)
{
  RlTableView *table = RL_TABLE_VIEW (rl_gui_find_type (users, RL_TYPE_TABLE_VIEW));
  GtkSelectionModel *model = gtk_column_view_get_model (rl_table_view_get_column_view (table));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(RlTextRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      if (g_strcmp0 (rl_text_row_get_cell (row, 1), username) == 0)
        {
          gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), i);
          return;
        }
    }
  g_assert_not_reached ();
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* A data steward ends sessions:
 *   - of the examiner signed in at this window (ended from another
 *     workstation): the window's next request is refused and it returns to
 *     sign-in, saying who ended the session;
 *   - of the examiner at another workstation, with the Users page's "End
 *     Sessions…" and its confirmation: that workstation is refused at once,
 *     the page says how many were ended, and the server's file audits it. */
static void
sessions_flow (RlWindow *window, Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) other_steward = rl_test_remote_sign_in (&f->server, "steward", PASSWORD);
  g_autoptr(RlStore) other_desk = NULL;
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *users;
  guint n = 0;

  sign_in (window, "examiner");
  show_page (window, "queue");
  g_assert_true (rl_store_end_user_sessions (other_steward, f->ws.examiner, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  /* The examiner's next step: another page, read from the server. */
  g_assert_true (rl_window_show_page (window, "searches"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  text = rl_gui_visible_text (GTK_WIDGET (window));
  g_test_message ("sign-in after the session was ended: %s", text);
  g_assert_nonnull (strstr (text, "Dana Steward (Data steward) ended your session at "));
  rl_gui_screenshot (GTK_WIDGET (window), "remote-sessions-ended");

  /* The steward, at this window, ends the examiner's other workstation's session. */
  other_desk = rl_test_remote_sign_in (&f->server, "examiner", PASSWORD);
  sign_in (window, "steward");
  users = show_page (window, "users");
  g_assert_cmpuint (table_rows (users), >=, 6);
  g_clear_pointer (&text, g_free);
  text = rl_gui_visible_text (users);
  g_assert_nonnull (strstr (text, "1 session, since "));
  /* Not for the steward's own session… */
  select_user (users, "steward");
  g_assert_false (gtk_widget_activate_action (users, "users.end-sessions", NULL) && find_message_dialog ());
  /* …for the examiner's, after confirming. */
  select_user (users, "examiner");
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  rl_gui_screenshot (GTK_WIDGET (window), "remote-pages-users");
  g_assert_true (gtk_widget_activate_action (users, "users.end-sessions", NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  rl_gui_wait_for_frame (GTK_WIDGET (dialog));
  g_clear_pointer (&text, g_free);
  text = rl_gui_visible_text (GTK_WIDGET (dialog));
  g_assert_nonnull (strstr (text, "End Eve Examiner’s Sessions?"));
  rl_gui_screenshot (GTK_WIDGET (dialog), "remote-sessions-confirm");
  adw_message_dialog_response (dialog, "end");
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_clear_pointer (&text, g_free);
  text = rl_gui_visible_text (users);
  g_test_message ("users page: %s", text);
  g_assert_nonnull (strstr (text, "Ended 1 session of Eve Examiner"));
  g_assert_null (strstr (text, "1 session, since "));
  rl_gui_screenshot (GTK_WIDGET (window), "remote-sessions-ended-by-steward");
  {
    g_autoptr(GPtrArray) none = rl_store_list_users (other_desk, &error);

    g_assert_null (none);
    g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_SIGNED_OUT);
    g_clear_error (&error);
  }
  {
    g_autoptr(RlStore) file = rl_test_server_file (&f->server);
    g_autoptr(GPtrArray) audit = rl_store_list_audit (file, "user", f->ws.examiner, f->ws.steward, 0, &error);
    guint ended = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      ended += g_strcmp0 (((RlAuditEntry *) audit->pdata[i])->action, "user.end-sessions") == 0;
    g_assert_cmpuint (ended, ==, 2);
  }
}

static void
on_activate (RlApplication *app, Fixture *f)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (RL_IS_WINDOW (window));
  rl_application_open_server (app, f->server.url, f->server.certificate);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  analyst_flow (RL_WINDOW (window), f);
  supervisor_flow (RL_WINDOW (window), f);
  sessions_flow (RL_WINDOW (window), f);
  f->ran = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_remote_pages (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlApplication) app = NULL;
  char *argv[] = { "ridgeline", NULL };

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  f.dir = g_dir_make_tmp ("rl-remote-pages-gui-XXXXXX", &error);
  g_assert_no_error (error);
  f.db = g_build_filename (f.dir, "ws.db", NULL);
  build_pages_workspace (&f.ws, f.db, TRUE);
  rl_test_server_spawn (&f.server, RL_SERVER_PATH, f.db, "0", NULL);

  g_unsetenv ("RIDGELINE_DB");
  app = rl_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &f);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, argv), ==, 0);
  g_assert_true (f.ran);

  rl_test_server_clear (&f.server);
  rl_test_remove_dir (f.dir);
  g_free (f.db);
  g_free (f.dir);
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
  g_test_add_func ("/app/remote/analyst-supervisor-steward-pages", test_remote_pages);
  return g_test_run ();
}
