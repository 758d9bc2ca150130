/* A whole review done with the keyboard only, by real key presses: the real
 * `ridgeline` program runs on the test's X display (Xvfb) and xdotool types
 * into it as a user would (XTEST key events through the X server, not
 * events synthesised inside GTK). Nothing here touches a widget: what the
 * keys did is read back from the workspace the program writes.
 *
 * The examiner signs in (Tab, Return), opens the first search of the work
 * queue (Ctrl+F, Tab, Return), writes quality notes (Alt+Q), records the analysis
 * (Ctrl+Shift+A), opens candidate 1 (Alt+1), toggles the quality map and
 * skeleton layers (Ctrl+Shift+Q, Ctrl+Shift+K), chooses exclusion (Alt+X),
 * gives reasons (Alt+A) and records the conclusion (Ctrl+Return).
 *
 * The only thing done without a key is giving a window the X input focus
 * (xdotool windowfocus): with no window manager on Xvfb, nobody else does.
 * The test runs its own Xvfb (own-display.h) so no other test's window gets its keys.
 * Skipped without xdotool, Xvfb or the FVC prints. */
#include <glib.h>
#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>

#include "own-display.h"
#include "review-workspace.h"

#define STEP_TIMEOUT_S 60

static char *app_log;

/* What the screen and the program showed when a step did not happen. */
static void
report_failure (void)
{
  g_autofree char *log = NULL;
  g_autofree char *shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                            "keyboard-failure.png", NULL);
  const char *argv[] = { "import", "-window", "root", shot, NULL };

  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, NULL, NULL))
    g_test_message ("screen at the failure: %s", shot);
  if (app_log && g_file_get_contents (app_log, &log, NULL, NULL))
    g_test_message ("the program's output:\n%s", log);
}

static char *
xdotool_argv (GPtrArray *args)
{
  g_ptr_array_add (args, NULL);
  return own_display_xdotool_output ((const char *const *) args->pdata);
}

static char *
xdotool (const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  return xdotool_argv (args);
}

/* The id of a shown window whose title matches, waiting for it to appear. */
static char *
wait_for_window (const char *title_regex)
{
  gint64 deadline = g_get_monotonic_time () + STEP_TIMEOUT_S * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *ids = xdotool ("search", "--onlyvisible", "--name", title_regex, NULL);
      if (ids[0] != '\0')
        {
          char *newline = strchr (ids, '\n');
          if (newline)
            *newline = '\0';
          return g_steal_pointer (&ids);
        }
      g_usleep (200 * 1000);
    }
  report_failure ();
  g_error ("no window titled like “%s” appeared within %d s", title_regex, STEP_TIMEOUT_S);
  return NULL;
}

static void
focus_window (const char *id)
{
  g_free (xdotool ("windowfocus", "--sync", id, NULL));
}

/* Key presses, as xdotool names them ("ctrl+shift+a"), 120 ms apart. */
static void
keys (const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "key");
  g_ptr_array_add (args, (gpointer) "--delay");
  g_ptr_array_add (args, (gpointer) "120");
  va_start (ap, first);
  for (const char *arg = first; arg; arg = va_arg (ap, const char *))
    {
      g_test_message ("key %s", arg);
      g_ptr_array_add (args, (gpointer) arg);
    }
  va_end (ap);
  out = xdotool_argv (args);
}

static void
type_text (const char *text)
{
  g_free (xdotool ("type", "--delay", "40", text, NULL));
}

static gint64
query_int (const char *db, const char *sql)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (conn, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
  return n;
}

/* Waits until the workspace shows what the keys should have done. */
static void
wait_for_row (const char *db, const char *what, const char *sql)
{
  gint64 deadline = g_get_monotonic_time () + STEP_TIMEOUT_S * G_USEC_PER_SEC;

  while (query_int (db, sql) <= 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          report_failure ();
          g_error ("after %d s the workspace still does not show %s (%s)", STEP_TIMEOUT_S, what, sql);
        }
      g_usleep (200 * 1000);
    }
  g_test_message ("done: %s", what);
}

static void
test_keyboard_review (void)
{
  Workspace ws = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) app = NULL;
  g_autofree char *main_window = NULL, *review_window = NULL, *sql = NULL;
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  g_autoptr(GSubprocess) display = NULL;

  if (xdotool_path == NULL || !(display = own_display_start ()))
    {
      g_test_skip ("needs xdotool and Xvfb");
      return;
    }
  if (!make_workspace (&ws))
    {
      g_test_skip ("no FVC prints in RIDGELINE_SHARED");
      return;
    }

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_autofree char *dir = g_path_get_dirname (ws.path);

    app_log = g_build_filename (dir, "ridgeline.log", NULL);
    g_subprocess_launcher_set_stdout_file_path (launcher, app_log);
    g_subprocess_launcher_set_child_setup (launcher, own_display_die_with_parent, NULL, NULL);
    app = g_subprocess_launcher_spawn (launcher, &error, RL_APP_PATH, "--workspace", ws.path, NULL);
    g_assert_no_error (error);
  }

  /* Sign in as the first user of the list (Ana Ortiz, examiner). */
  main_window = wait_for_window ("^Ridgeline$");
  focus_window (main_window);
  keys ("Tab", "Return", NULL);
  g_free (main_window);
  main_window = wait_for_window ("^Work Queue — Ridgeline$");

  /* The work queue: the keyboard starts in its filter (Ctrl+F goes there
   * too), Tab into the table, Return opens the first search in its own
   * window and claims it. */
  g_usleep (G_USEC_PER_SEC);   /* let the program settle on the page (not a measurement) */
  focus_window (main_window);
  keys ("ctrl+f", "Tab", "Return", NULL);
  review_window = wait_for_window ("^Review of Search S-");
  sql = g_strdup_printf ("SELECT count(*) FROM search s JOIN user u ON u.id = s.claimed_by "
                         "WHERE s.id = %" G_GINT64_FORMAT " AND u.username = 'ana'", ws.search_id);
  wait_for_row (ws.path, "the search claimed by Ana", sql);
  g_clear_pointer (&sql, g_free);

  /* Analysis: quality notes (Alt+Q), record it (Ctrl+Shift+A, with the
   * focus still in the notes). */
  focus_window (review_window);
  keys ("alt+q", NULL);
  type_text ("Ridge flow clear around the core");
  keys ("ctrl+shift+a", NULL);
  sql = g_strdup_printf ("SELECT count(*) FROM probe_analysis WHERE search_id = %" G_GINT64_FORMAT
                         " AND notes = 'Ridge flow clear around the core' AND after_candidate_seen = 0", ws.search_id);
  wait_for_row (ws.path, "the analysis recorded with the typed notes", sql);
  g_clear_pointer (&sql, g_free);

  /* Candidate 1 beside the probe (Alt+1); the quality map and skeleton
   * layers on and off again. */
  keys ("alt+1", NULL);
  sql = g_strdup_printf ("SELECT count(*) FROM candidate_view v JOIN candidate c ON c.id = v.candidate_id "
                         "WHERE c.search_id = %" G_GINT64_FORMAT " AND c.rank = 1", ws.search_id);
  wait_for_row (ws.path, "candidate 1 opened", sql);
  g_clear_pointer (&sql, g_free);
  keys ("ctrl+shift+q", "ctrl+shift+k", "ctrl+shift+q", "ctrl+shift+k", NULL);

  /* Exclusion (Alt+X), reasons (Alt+A), recorded (Ctrl+Return). */
  keys ("alt+x", "alt+a", NULL);
  type_text ("Different pattern type");
  keys ("ctrl+Return", NULL);
  sql = g_strdup_printf ("SELECT count(*) FROM conclusion c JOIN user u ON u.id = c.examiner_id "
                         "JOIN candidate k ON k.id = c.candidate_id WHERE c.search_id = %" G_GINT64_FORMAT
                         " AND k.rank = 1 AND c.decision = 'exclusion' AND c.reasons = 'Different pattern type' "
                         "AND u.username = 'ana'", ws.search_id);
  wait_for_row (ws.path, "Ana's exclusion of candidate 1 with the typed reasons", sql);
  g_clear_pointer (&sql, g_free);
  /* The top candidate scored above the release's match threshold: the
   * exclusion is a confirmed false match for the tuning loop. */
  sql = g_strdup_printf ("SELECT count(*) FROM correction WHERE search_id = %" G_GINT64_FORMAT
                         " AND kind = 'false-match'", ws.search_id);
  wait_for_row (ws.path, "the confirmed false match", sql);

  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, NULL);
  g_subprocess_send_signal (display, SIGTERM);
  g_subprocess_wait (display, NULL, NULL);
  g_free (ws.path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/review/keyboard-only", test_keyboard_review);
  return g_test_run ();
}
