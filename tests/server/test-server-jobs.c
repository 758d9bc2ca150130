/* Tuning and evaluation jobs outlive ridgeline-server (a real server in a
 * child process, restarted): a finished job's result is still answered
 * after a restart, and a job cut off by the server stopping is answered as
 * "interrupted" with why, instead of being forgotten. Driven through the
 * remote store calls the Tuning page makes (rl-remote-pages.h).
 *
 * To stop the server with a job surely still running, the server is started
 * with RIDGELINE_TEST_HOLD_JOBS naming a file: while it exists, a new job
 * waits before it starts. No sleep decides anything: polls wait for a state. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-remote-pages.h"
#include "rl-remote.h"

#include "pages-workspace.h"
#include "server-test-util.h"

typedef struct {
  char               *dir;
  char               *db;
  char               *hold;      /* the hold file's path */
  PagesWorkspace      ws;
  RlTestServerProcess server;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  f->dir = g_dir_make_tmp ("rl-server-jobs-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  f->hold = g_build_filename (f->dir, "hold-jobs", NULL);
  build_pages_workspace (&f->ws, f->db, FALSE);
  /* Inherited by the server processes this test starts. */
  g_setenv ("RIDGELINE_TEST_HOLD_JOBS", f->hold, TRUE);
  rl_test_server_spawn (&f->server, RL_SERVER_PATH, f->db, "0", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  rl_test_server_clear (&f->server);
  rl_test_remove_dir (f->dir);
  g_unsetenv ("RIDGELINE_TEST_HOLD_JOBS");
  g_free (f->hold);
  g_free (f->db);
  g_free (f->dir);
}

static void
hold_jobs (Fixture *f, gboolean hold)
{
  g_autoptr(GError) error = NULL;

  if (hold)
    g_assert_true (g_file_set_contents (f->hold, "", 0, &error));
  else
    g_unlink (f->hold);
  g_assert_no_error (error);
}

/* Polls as the Tuning page does until the job is no longer running. */
static RlRemoteJob *
wait_for_job (RlStore *remote, gint64 id)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      RlRemoteJob *job = rl_remote_get_job (remote, id, &error);

      g_assert_no_error (error);
      if (job->state != RL_REMOTE_JOB_RUNNING)
        return job;
      rl_remote_job_free (job);
      g_usleep (G_USEC_PER_SEC / 10);
    }
}

/* The state of a job's row in the server's file. */
static char *
stored_state (Fixture *f, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM tuning_job WHERE id = %" G_GINT64_FORMAT, id);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *state = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return state;
}

static void
test_jobs_survive_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) remote = NULL, again = NULL, third = NULL;
  g_autoptr(RlRemoteJob) evaluated = NULL, started = NULL, held = NULL, after_eval = NULL, after_tune = NULL;
  g_autoptr(RlRemoteJob) cancel_ended = NULL, second = NULL, second_done = NULL, stopped = NULL, after_stop = NULL;
  g_autofree char *state = NULL;
  gint64 eval_id, tune_id;

  if (f->db == NULL)
    return;
  remote = rl_test_remote_sign_in (&f->server, "supa", PASSWORD);

  /* 1. An evaluation runs to its end. */
  started = rl_remote_start_evaluation (remote, f->ws.draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (started->state, ==, RL_REMOTE_JOB_RUNNING);
  eval_id = started->id;
  evaluated = wait_for_job (remote, eval_id);
  if (evaluated->state != RL_REMOTE_JOB_DONE)
    g_printerr ("evaluation: %s\n", evaluated->message);
  g_assert_cmpint (evaluated->state, ==, RL_REMOTE_JOB_DONE);
  g_assert_cmpint (evaluated->summary.release_id, ==, f->ws.draft);
  state = stored_state (f, eval_id);
  g_assert_cmpstr (state, ==, "done");
  g_clear_pointer (&state, g_free);

  /* 2. A tuning job, held before it starts, is running when the server
   * dies (SIGKILL: nothing of the server gets to say anything). */
  hold_jobs (f, TRUE);
  g_clear_pointer (&started, rl_remote_job_free);
  started = rl_remote_start_tuning (remote, "cut-off", 0, &error);
  g_assert_no_error (error);
  tune_id = started->id;
  g_assert_cmpint (tune_id, >, eval_id);
  held = rl_remote_get_job (remote, tune_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (held->state, ==, RL_REMOTE_JOB_RUNNING);
  g_subprocess_force_exit (f->server.process);
  g_assert_true (g_subprocess_wait (f->server.process, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->server.process);
  state = stored_state (f, tune_id);
  g_assert_cmpstr (state, ==, "running");
  g_clear_pointer (&state, g_free);

  /* 3. Restarted: the cut-off job is interrupted, saying why; the finished
   * one's result is as it was. */
  rl_test_server_spawn (&f->server, RL_SERVER_PATH, f->db, "0", NULL);
  again = rl_test_remote_sign_in (&f->server, "supb", PASSWORD);
  after_tune = rl_remote_get_job (again, tune_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after_tune->state, ==, RL_REMOTE_JOB_INTERRUPTED);
  g_assert_true (after_tune->tune);
  g_assert_nonnull (strstr (after_tune->message, "server restarted"));
  after_eval = rl_remote_get_job (again, eval_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after_eval->state, ==, RL_REMOTE_JOB_DONE);
  g_assert_false (after_eval->tune);
  g_assert_cmpfloat (after_eval->progress, ==, 1.0);
  g_assert_cmpint (after_eval->release_id, ==, f->ws.draft);
  g_assert_cmpint (after_eval->summary.release_id, ==, evaluated->summary.release_id);
  g_assert_cmpuint (after_eval->summary.n_genuine, ==, evaluated->summary.n_genuine);
  g_assert_cmpuint (after_eval->summary.n_impostor, ==, evaluated->summary.n_impostor);
  g_assert_cmpuint (after_eval->summary.n_broken, ==, evaluated->summary.n_broken);
  g_assert_cmpfloat (after_eval->summary.threshold_after, ==, evaluated->summary.threshold_after);
  g_assert_cmpfloat_with_epsilon (after_eval->summary.fmr_after, evaluated->summary.fmr_after, 1e-12);
  /* Cancelling a job that ended answers it as it is. */
  cancel_ended = rl_remote_cancel_job (again, tune_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cancel_ended->state, ==, RL_REMOTE_JOB_INTERRUPTED);

  /* 4. The interrupted job does not count as running: a new one starts,
   * and with a graceful stop (SIGTERM) while it is held, it is interrupted
   * too after the next start. */
  second = rl_remote_start_evaluation (again, f->ws.draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second->id, >, tune_id);
  g_assert_cmpint (second->state, ==, RL_REMOTE_JOB_RUNNING);
  rl_test_server_stop (&f->server);
  rl_test_server_spawn (&f->server, RL_SERVER_PATH, f->db, "0", NULL);
  third = rl_test_remote_sign_in (&f->server, "supa", PASSWORD);
  after_stop = rl_remote_get_job (third, second->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after_stop->state, ==, RL_REMOTE_JOB_INTERRUPTED);
  g_test_message ("after a graceful stop: %s", after_stop->message);

  /* 5. Released, a job runs to its end on the restarted server. */
  hold_jobs (f, FALSE);
  g_clear_pointer (&started, rl_remote_job_free);
  started = rl_remote_start_evaluation (third, f->ws.draft, &error);
  g_assert_no_error (error);
  second_done = wait_for_job (third, started->id);
  g_assert_cmpint (second_done->state, ==, RL_REMOTE_JOB_DONE);

  /* No such job: 404 naming it. */
  stopped = rl_remote_get_job (third, 999999, &error);
  g_assert_null (stopped);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "999999"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server-jobs/survive-restart", Fixture, NULL, fixture_set_up, test_jobs_survive_restart,
              fixture_tear_down);
  return g_test_run ();
}
