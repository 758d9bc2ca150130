/* rl-tuning-jobs.c — ridgeline-server's tuning and evaluation jobs, kept in
 * the workspace (rl-tuning-jobs.h). */
#define G_LOG_DOMAIN "rl-tuning-jobs"

#include "rl-tuning-jobs.h"

#include "rl-store-private.h"

static const RlEnumEntry state_table[] = {
  { RL_TUNING_JOB_RUNNING,     "running",     N_("Running") },
  { RL_TUNING_JOB_DONE,        "done",        N_("Done") },
  { RL_TUNING_JOB_FAILED,      "failed",      N_("Failed") },
  { RL_TUNING_JOB_CANCELLED,   "cancelled",   N_("Cancelled") },
  { RL_TUNING_JOB_INTERRUPTED, "interrupted", N_("Interrupted") },
};

const char *
rl_tuning_job_state_to_id (RlTuningJobState state)
{
  return rl_enum_to_id (state_table, G_N_ELEMENTS (state_table), state);
}

gboolean
rl_tuning_job_state_from_id (const char *id, RlTuningJobState *out)
{
  int v;

  if (!rl_enum_from_id (state_table, G_N_ELEMENTS (state_table), id, &v))
    return FALSE;
  if (out)
    *out = (RlTuningJobState) v;
  return TRUE;
}

void
rl_tuning_job_free (RlTuningJob *job)
{
  if (job == NULL)
    return;
  g_free (job->name);
  g_free (job->error_code);
  g_free (job->message);
  g_free (job->summary_json);
  g_free (job);
}

gint64
rl_tuning_job_add (RlStore *store, gboolean tune, gint64 user_id, const char *name, guint trials, gint64 release_id,
                   gint64 started_at, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (rl_store_refuse_remote (store, error, _("Server jobs")))
    return 0;
  if (!(stmt = rl_store_stmt (store, "INSERT INTO tuning_job (kind, user_id, name, trials, release_id, started_at, state) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running')", error)))
    return 0;
  sqlite3_bind_text (stmt, 1, tune ? "tune" : "evaluate", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, user_id);
  rl_bind_text_or_null (stmt, 3, name);
  sqlite3_bind_int64 (stmt, 4, trials);
  rl_bind_id_or_null (stmt, 5, release_id);
  sqlite3_bind_int64 (stmt, 6, started_at);
  if (!rl_store_run (store, stmt, error, _("Cannot record the job")))
    return 0;
  return sqlite3_last_insert_rowid (store->db);
}

gboolean
rl_tuning_job_finish (RlStore *store, gint64 job_id, RlTuningJobState state, gint64 finished_at, gint64 release_id,
                      const char *error_code, const char *message, const char *summary_json, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (state != RL_TUNING_JOB_RUNNING, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rl_store_refuse_remote (store, error, _("Server jobs")))
    return FALSE;
  /* "AND state = 'running'": a job marked interrupted by a server that
   * started meanwhile stays interrupted (its result was never answered). */
  if (!(stmt = rl_store_stmt (store, "UPDATE tuning_job SET state = ?2, finished_at = ?3, release_id = ?4, error = ?5, "
                                     "message = ?6, summary = ?7 WHERE id = ?1 AND state = 'running'", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job_id);
  sqlite3_bind_text (stmt, 2, rl_tuning_job_state_to_id (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, finished_at);
  rl_bind_id_or_null (stmt, 4, release_id);
  rl_bind_text_or_null (stmt, 5, error_code);
  rl_bind_text_or_null (stmt, 6, message);
  rl_bind_text_or_null (stmt, 7, summary_json);
  return rl_store_run (store, stmt, error, _("Cannot record how the job ended"));
}

static gpointer
job_from_row (sqlite3_stmt *stmt)
{
  RlTuningJob *job = g_new0 (RlTuningJob, 1);
  g_autofree char *state = rl_column_strdup (stmt, 9);

  job->id = sqlite3_column_int64 (stmt, 0);
  job->tune = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "tune") == 0;
  job->user_id = sqlite3_column_int64 (stmt, 2);
  job->name = rl_column_strdup (stmt, 3);
  job->trials = (guint) CLAMP (sqlite3_column_int64 (stmt, 4), 0, G_MAXUINT);
  job->release_id = sqlite3_column_int64 (stmt, 5);
  job->started_at = sqlite3_column_int64 (stmt, 6);
  job->finished_at = sqlite3_column_int64 (stmt, 7);
  job->error_code = rl_column_strdup (stmt, 8);
  if (!rl_tuning_job_state_from_id (state, &job->state))
    job->state = RL_TUNING_JOB_FAILED;
  job->message = rl_column_strdup (stmt, 10);
  job->summary_json = rl_column_strdup (stmt, 11);
  return job;
}

RlTuningJob *
rl_tuning_job_get (RlStore *store, gint64 job_id, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (rl_store_refuse_remote (store, error, _("Server jobs")))
    return NULL;
  if (!(stmt = rl_store_stmt (store, "SELECT id, kind, user_id, name, trials, coalesce(release_id, 0), started_at, "
                                     "coalesce(finished_at, 0), error, state, message, summary "
                                     "FROM tuning_job WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, job_id);
  return rl_store_query_row (store, stmt, job_from_row, _("Cannot read the job"), error,
                             _("Job %" G_GINT64_FORMAT " does not exist"), job_id);
}

int
rl_tuning_jobs_interrupt (RlStore *store, gint64 now, const char *message, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, -1);
  g_return_val_if_fail (message != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (rl_store_refuse_remote (store, error, _("Server jobs")))
    return -1;
  if (!(stmt = rl_store_stmt (store, "UPDATE tuning_job SET state = 'interrupted', finished_at = ?1, "
                                     "error = 'interrupted', message = ?2 WHERE state = 'running'", error)))
    return -1;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, message, -1, SQLITE_TRANSIENT);
  if (!rl_store_run (store, stmt, error, _("Cannot mark the interrupted jobs")))
    return -1;
  return sqlite3_changes (store->db);
}
