/* The GUI's remote workspace against a real ridgeline-server (issue #9):
 *
 * the ridgeline-server program runs in a child process on a free loopback
 * port over HTTPS, with its own self-signed certificate, on a workspace of
 * real prints (review-workspace.h: four people, a probe searched against
 * them, a pending grey-zone search). The real app (RlApplication) then:
 *   - in Preferences, chooses Server, types the address and connects; the
 *     certificate dialog shows the SHA-256 fingerprint the server printed,
 *     which is accepted (pinned);
 *   - signs in as the examiner with a password (POST /api/v1/session); a
 *     wrong password is refused with the server's message;
 *   - the window's subtitle names the server; pages not wired for a server
 *     say so instead of showing anything;
 *   - Import (the same dialog as on a file) sends a folder of a live scan
 *     (a synthetic print, and a file that is no image) and a real ANSI/NIST
 *     transaction from ../shared/interchange to the server: imported as the
 *     examiner (import.file rows, the person, the extracted template in the
 *     server's file), the broken file rejected with its reason; run again,
 *     every file is skipped by the server's history;
 *   - opens the queued search from the work queue (claimed on the server),
 *     records the analysis, opens candidate 1 (its image and template come
 *     from the server), records an exclusion of the top candidate (above the
 *     release's match threshold: a false-match correction in the same request);
 *   - the conclusion and the correction are then read from the server's
 *     SQLite file;
 *   - the examiner's token cannot approve a matcher release: the server
 *     refuses with 403 and the store error carries its message, which the
 *     window shows;
 *   - signing out deletes the session on the server (the token is refused);
 *   - after a server restart the window is still signed in (sessions are kept
 *     in the workspace).
 * Screenshots of the sign-in, the queue and the review are written to
 * tests/app/screenshots/ in the build tree.
 *
 * Nothing waits for a time: every wait is for a condition (a line from the
 * server, a painted frame), with the test's own timeout as the deadline. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "rl-application.h"
#include "rl-image-io.h"
#include "rl-import-dialog.h"
#include "rl-synth.h"
#include "rl-page.h"
#include "rl-preferences-window.h"
#include "rl-queue-page.h"
#include "rl-remote.h"
#include "rl-review-view.h"
#include "rl-store-credentials.h"
#include "rl-table-view.h"
#include "rl-window-private.h"

#include "gui-test-util.h"
#include "review-workspace.h"
#include "server-test-util.h"

#define PASSWORD "correct horse battery"

typedef struct {
  Workspace    ws;
  gint64       candidate_release;   /* evaluated, written by the supervisor: awaiting approval */
  RlTestServerProcess server;       /* ridgeline-server in a child process */
  gboolean     ran;
} Fixture;

/* ---- the server ------------------------------------------------------- */

static void
prepare_workspace (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_open (f->ws.path, &error);
  g_autoptr(RlUser) sam = NULL;
  g_autoptr(GPtrArray) users = NULL;

  g_assert_no_error (error);
  users = rl_store_list_users (store, &error);
  g_assert_no_error (error);
  /* Few iterations: the sanitizer build is slow, and the count is stored with the hash. */
  for (guint i = 0; i < users->len; i++)
    g_assert_true (rl_store_set_password_full (store, ((RlUser *) g_ptr_array_index (users, i))->id, PASSWORD, 2000,
                                               &error));
  g_assert_no_error (error);
  /* A release the supervisor wrote and evaluated: it waits for approval. */
  sam = rl_store_get_user_by_name (store, "sam", &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, sam->id, &error));
  f->candidate_release = rl_store_add_release (store, "2026.12-candidate", "{\"match_threshold\": 30}", 0, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_release_evaluated (store, f->candidate_release, "{\"eer\": 0.02}", NULL, &error));
  g_assert_no_error (error);
}

/* ---- driving the GUI -------------------------------------------------- */

/* Preferences → Workspace → Server: the address, Connect, and the
 * certificate dialog showing the fingerprint the server printed. */
static void
connect_in_preferences (RlApplication *app, Fixture *f)
{
  RlPreferencesWindow *prefs = rl_preferences_window_new (app);
  GtkWidget *server_row, *kind_row;
  AdwMessageDialog *dialog;
  g_autoptr(GString) text = g_string_new (NULL);

  gtk_window_present (GTK_WINDOW (prefs));
  rl_gui_wait_for_frame (GTK_WIDGET (prefs));
  kind_row = rl_gui_find_titled (GTK_WIDGET (prefs), ADW_TYPE_COMBO_ROW, "Workspace");
  g_assert_nonnull (kind_row);
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind_row), 1);   /* Server */
  server_row = rl_gui_find_titled (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "Server Address");
  g_assert_nonnull (server_row);
  g_assert_true (gtk_widget_get_visible (server_row));
  gtk_editable_set_text (GTK_EDITABLE (server_row), f->server.url);
  rl_preferences_window_connect (prefs);
  dialog = rl_preferences_window_get_certificate_dialog (prefs);
  g_assert_nonnull (dialog);
  rl_gui_wait_for_frame (GTK_WIDGET (dialog));
  rl_gui_collect_text (GTK_WIDGET (dialog), text);
  g_test_message ("certificate dialog: %s", text->str);
  g_assert_nonnull (strstr (text->str, f->server.fingerprint));
  g_assert_nonnull (strstr (text->str, f->server.url));
  rl_gui_screenshot (GTK_WIDGET (dialog), "remote-certificate");
  adw_message_dialog_response (dialog, "accept");
  g_assert_null (rl_preferences_window_get_certificate_dialog (prefs));
  {
    g_autofree char *kind = g_settings_get_string (rl_application_get_settings (app), "workspace-kind");
    g_autofree char *pem = g_settings_get_string (rl_application_get_settings (app), "server-certificate");
    g_assert_cmpstr (kind, ==, "server");
    g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
  }
  rl_gui_wait_for_frame (GTK_WIDGET (prefs));
  rl_gui_screenshot (GTK_WIDGET (prefs), "remote-preferences");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* ---- import ------------------------------------------------------------ */

/* Opens Import from the window (win.import), imports paths, waits for the
 * dialog to finish (a condition, not a time) and returns it, still open. */
static RlImportDialog *
run_import_dialog (RlWindow *window, const char *const *paths)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours to free */
  RlImportDialog *dialog = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.import", NULL);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);
      if (RL_IS_IMPORT_DIALOG (item))
        dialog = RL_IMPORT_DIALOG (item);
    }
  g_assert_nonnull (dialog);
  rl_gui_wait_for_frame (GTK_WIDGET (dialog));
  for (guint i = 0; paths[i]; i++)
    rl_import_dialog_add_path (dialog, paths[i]);
  rl_import_dialog_start (dialog);
  while (rl_import_dialog_get_running (dialog))
    g_main_context_iteration (NULL, TRUE);
  rl_gui_wait_for_frame (GTK_WIDGET (dialog));
  return dialog;
}

static void
import_through_dialog (RlWindow *window, Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (777, RL_FINGER_LEFT_THUMB);
  g_autoptr(RlImage) image = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *dir = g_dir_make_tmp ("rl-remote-import-XXXXXX", &error);
  g_autofree char *folder = NULL, *print = NULL, *broken = NULL, *transaction = NULL;
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  const char *paths[3] = { NULL };
  RlSynthImpression how;
  RlImportDialog *dialog;
  gint64 ana = rl_test_count_rows (f->ws.path, "SELECT id FROM user WHERE username = 'ana'");
  g_autofree char *by_ana = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'import.file' "
                                             "AND user_id = %" G_GINT64_FORMAT, ana);
  guint expected;

  g_assert_no_error (error);
  /* A folder of a live scan (FINGER_IMPRESSION names, as the FVC sets) with
   * a file that is no image; and a real transaction when ../shared is there. */
  folder = g_build_filename (dir, "LIVESCAN", NULL);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  rl_synth_impression_random (7, &how);
  how.partial = 0;
  image = rl_synth_render (finger, &how, &error);
  g_assert_no_error (error);
  png = rl_image_encode (image, "png", &error);
  g_assert_no_error (error);
  print = g_build_filename (folder, "7_1.png", NULL);
  broken = g_build_filename (folder, "8_1.png", NULL);
  g_assert_true (g_file_set_contents (print, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));
  g_assert_true (g_file_set_contents (broken, "not a picture of anything", -1, NULL));
  paths[0] = folder;
  expected = 1;
  transaction = shared ? g_build_filename (shared, "interchange", "an2k", "valid1.9.an2", NULL) : NULL;
  if (transaction && g_file_test (transaction, G_FILE_TEST_IS_REGULAR))
    {
      paths[1] = transaction;
      expected++;
    }
  else
    g_test_message ("../shared/interchange is not there: no real transaction imported");

  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));
  dialog = run_import_dialog (window, paths);
  g_assert_cmpuint (rl_import_dialog_get_n_imported (dialog), ==, expected);
  g_assert_cmpuint (rl_import_dialog_get_n_rejected (dialog), ==, 1);
  rl_gui_collect_text (GTK_WIDGET (dialog), text);
  g_test_message ("import dialog: %s", text->str);
  g_assert_nonnull (strstr (text->str, "8_1.png"));
  g_assert_nonnull (strstr (text->str, "not an image we read"));
  rl_gui_screenshot (GTK_WIDGET (dialog), "remote-import");
  /* In the server's file, imported as ana: the person LIVESCAN-7 and the
   * import.file rows. */
  g_assert_cmpint (rl_test_count_rows (f->ws.path, by_ana), ==, expected);
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM identity WHERE reference = 'LIVESCAN-7'"), ==, 1);
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM sample s JOIN encounter e ON s.encounter_id = e.id "
                                           "JOIN identity i ON e.identity_id = i.id WHERE i.reference = 'LIVESCAN-7' "
                                           "AND s.template IS NOT NULL"), ==, 1);
  gtk_window_close (GTK_WINDOW (dialog));

  /* Again: the server's history says every file was imported before. */
  dialog = run_import_dialog (window, paths);
  g_assert_cmpuint (rl_import_dialog_get_n_imported (dialog), ==, 0);
  g_assert_cmpuint (rl_import_dialog_get_n_skipped (dialog), ==, expected);
  g_assert_cmpint (rl_test_count_rows (f->ws.path, by_ana), ==, expected);
  gtk_window_close (GTK_WINDOW (dialog));
  rl_gui_wait_for_frame (GTK_WIDGET (window));

  g_unlink (print);
  g_unlink (broken);
  g_rmdir (folder);
  g_rmdir (dir);
}

static void
examiner_flow (RlApplication *app, RlWindow *window, Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  RlSession *session;
  RlStore *store;
  GtkWidget *queue, *hits_page;
  RlReviewView *view;
  gint64 conclusion, before;

  connect_in_preferences (app, f);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  session = rl_window_get_session (window);
  g_assert_nonnull (session);
  g_assert_true (rl_session_is_remote (session));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  g_assert_cmpstr (adw_window_title_get_subtitle (window->sign_in_title), ==, "127.0.0.1");

  /* A wrong password: the server's refusal, and still the sign-in form. */
  rl_gui_type_sign_in (window, "ana", "not the password");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  rl_gui_collect_text (GTK_WIDGET (window->sign_in_view), text);
  g_test_message ("refused: %s", text->str);
  g_assert_nonnull (strstr (text->str, "password"));
  rl_gui_screenshot (GTK_WIDGET (window), "remote-sign-in");

  /* The examiner signs in. */
  rl_gui_type_sign_in (window, "ana", PASSWORD);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "session");
  g_assert_cmpstr (rl_session_get_user (session)->username, ==, "ana");
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (window->page_title), "127.0.0.1"));
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM audit_log WHERE action = 'session.open'"), ==, 1);
  store = rl_session_get_store (session);

  /* Import works as on a file: the files go to the server, which imports
   * them as ana; what it did is in the server's file. */
  import_through_dialog (window, f);

  /* The work queue, from the server: the pending search. */
  g_assert_true (rl_window_show_page (window, "queue"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  queue = gtk_stack_get_child_by_name (window->page_stack, "queue");
  g_assert_false (rl_page_is_unavailable (RL_PAGE (queue)));
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW))), ==, 1);
  rl_gui_screenshot (GTK_WIDGET (window), "remote-queue");

  /* The Searches page works too; Identities (not wired yet) says so. */
  g_assert_true (rl_window_show_page (window, "searches"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_false (rl_page_is_unavailable (RL_PAGE (gtk_stack_get_child_by_name (window->page_stack, "searches"))));
  g_assert_true (rl_window_show_page (window, "identities"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  hits_page = gtk_stack_get_child_by_name (window->page_stack, "identities");
  if (rl_page_is_unavailable (RL_PAGE (hits_page)))
    {
      g_string_truncate (text, 0);
      rl_gui_collect_text (hits_page, text);
      g_assert_nonnull (strstr (text->str, "Not Available on a Remote Workspace Yet"));
      rl_gui_screenshot (GTK_WIDGET (window), "remote-unavailable-page");
    }
  g_assert_true (rl_window_show_page (window, "queue"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));

  /* Open the search (claims it on the server), analyse, compare, conclude. */
  view = rl_queue_page_open_search (RL_QUEUE_PAGE (queue), f->ws.search_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (view);
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM search WHERE status = 'in-review' AND claimed_by = "
                                           "(SELECT id FROM user WHERE username = 'ana')"), ==, 1);
  rl_gui_wait_for_frame (GTK_WIDGET (view));
  g_assert_true (rl_review_view_record_analysis (view, TRUE, "Clear core and delta", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rl_review_view_get_n_candidates (view), ==, f->ws.n_candidates);
  g_assert_true (rl_review_view_select_candidate (view, 1, &error));
  g_assert_no_error (error);
  g_assert_true (rl_review_view_select_candidate (view, 0, &error));
  g_assert_no_error (error);
  rl_gui_wait_for_frame (GTK_WIDGET (view));
  rl_gui_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "remote-review");

  /* Excluding the top candidate (scored above the release's match
   * threshold): a false-match correction goes with it, in one request. */
  before = rl_test_count_rows (f->ws.path, "SELECT count(*) FROM conclusion");
  conclusion = rl_review_view_record_conclusion (view, RL_DECISION_EXCLUSION, "Ridge count between core and delta "
                                                 "differs (7 vs 11)", "remote test", &error);
  g_assert_no_error (error);
  g_assert_cmpint (conclusion, >, 0);

  /* What the server wrote to its SQLite file. */
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM conclusion"), ==, before + 1);
  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM conclusion c JOIN user u ON u.id = c.examiner_id WHERE c.id = %" G_GINT64_FORMAT
      " AND u.username = 'ana' AND c.decision = 'exclusion' AND c.search_id = %" G_GINT64_FORMAT
      " AND c.reasons LIKE 'Ridge count%%'", conclusion, f->ws.search_id);
    g_assert_cmpint (rl_test_count_rows (f->ws.path, sql), ==, 1);
    g_free (sql);
    sql = g_strdup_printf ("SELECT count(*) FROM correction WHERE conclusion_id = %" G_GINT64_FORMAT
                           " AND kind = 'false-match'", conclusion);
    g_assert_cmpint (rl_test_count_rows (f->ws.path, sql), ==, 1);
  }
  /* …and the GUI reads it back from the server: the history names it. */
  {
    g_autoptr(GPtrArray) conclusions = rl_store_list_conclusions (store, f->ws.search_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (conclusions->len, ==, 1);
    g_assert_cmpint (((RlConclusion *) g_ptr_array_index (conclusions, 0))->id, ==, conclusion);
  }
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW)));

  /* An examiner's token cannot approve a matcher release: the server says
   * 403 with the store's words, and the window shows them. */
  g_assert_false (rl_store_review_release (store, f->candidate_release, TRUE, "looks fine", &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_test_message ("approval refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Examiner"));
  g_assert_nonnull (strstr (error->message, "Supervisor"));
  adw_toast_overlay_add_toast (window->toast_overlay, adw_toast_new (error->message));
  g_clear_error (&error);
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM matcher_release WHERE state = 'approved'"), ==, 0);

  /* Signing out deletes the session on the server. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "sign-in");
  g_assert_false (rl_remote_is_signed_in (store));
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM audit_log WHERE action = 'session.close'"), ==, 1);

  /* The server restarts. */
  rl_gui_type_sign_in (window, "ana", PASSWORD);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "session");
  {
    g_autofree char *port = g_strdup (strrchr (f->server.url, ':') + 1);
    rl_test_server_stop (&f->server);
    rl_test_server_spawn (&f->server, RL_SERVER_PATH, f->ws.path, port, NULL);
  }
  {
    /* Sessions are kept in the workspace: still signed in after a restart. */
    g_autoptr(GPtrArray) after = rl_store_list_work_queue (store, &error);
    g_assert_no_error (error);
    g_assert_nonnull (after);
  }
  rl_page_reload (RL_PAGE (queue));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "session");

  f->ran = TRUE;
}

static void
on_activate (RlApplication *app, Fixture *f)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (RL_IS_WINDOW (window));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  examiner_flow (app, RL_WINDOW (window), f);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_remote_workspace (void)
{
  Fixture f = { 0 };
  g_autoptr(RlApplication) app = NULL;
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

  /* The app starts on a local file, as a fresh install would. */
  g_unsetenv ("RIDGELINE_DB");
  app = rl_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &f);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, argv), ==, 0);
  g_assert_true (f.ran);

  rl_test_server_clear (&f.server);
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

  g_test_add_func ("/app/remote/examiner-on-a-server", test_remote_workspace);
  return g_test_run ();
}
