/* rl-tuning-jobs.h — the tuning and evaluation jobs ridgeline-server runs
 * (docs/server-api.md, "Tuning and evaluation jobs"), kept in the workspace.
 *
 * A job's row is written when it starts (running) and when it ends (done
 * with its summary, failed or cancelled with why). Progress while it runs
 * stays in the server's memory. A job whose row still says running when a
 * server starts was cut off by the server stopping: the new server marks it
 * interrupted, so a supervisor polling it learns what happened instead of
 * "no such job", and a finished job's result is there after any restart. */
#pragma once

#include "rl-store.h"

G_BEGIN_DECLS

typedef enum {
  RL_TUNING_JOB_RUNNING = 1,
  RL_TUNING_JOB_DONE,
  RL_TUNING_JOB_FAILED,
  RL_TUNING_JOB_CANCELLED,
  RL_TUNING_JOB_INTERRUPTED,     /* the server stopped while it ran */
} RlTuningJobState;

/* Stable ids as the API spells them: "running", "done", "failed",
 * "cancelled", "interrupted". */
const char *rl_tuning_job_state_to_id   (RlTuningJobState state);
gboolean    rl_tuning_job_state_from_id (const char *id, RlTuningJobState *out);

typedef struct {
  gint64           id;
  gboolean         tune;            /* else an evaluation of release_id */
  gint64           user_id;         /* who started it */
  char            *name;            /* the draft's name asked for (tuning), NULL for the default */
  guint            trials;
  gint64           release_id;      /* evaluated release; the draft once tuned; 0 when none */
  gint64           started_at, finished_at;   /* finished_at 0 while running */
  RlTuningJobState state;
  char            *error_code;      /* NULL when done or running */
  char            *message;         /* why it failed, stopped or was interrupted */
  char            *summary_json;    /* when done: the result as the API answers it (a JSON object) */
} RlTuningJob;

void rl_tuning_job_free (RlTuningJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTuningJob, rl_tuning_job_free)

/* A new running job; its id (0 with error). A local workspace only. */
gint64       rl_tuning_job_add       (RlStore *store, gboolean tune, gint64 user_id, const char *name, guint trials,
                                      gint64 release_id, gint64 started_at, GError **error);
/* Records how a running job ended. state is not RUNNING; a job no longer
 * running (marked interrupted meanwhile) is left as it is. */
gboolean     rl_tuning_job_finish    (RlStore *store, gint64 job_id, RlTuningJobState state, gint64 finished_at,
                                      gint64 release_id, const char *error_code, const char *message,
                                      const char *summary_json, GError **error);
/* NULL with RL_STORE_ERROR_NOT_FOUND when there is no such job. */
RlTuningJob *rl_tuning_job_get       (RlStore *store, gint64 job_id, GError **error);
/* Marks every job still running as interrupted (error code "interrupted",
 * the message given, finished at now): for a server starting. Returns how
 * many, or -1 with error. */
int          rl_tuning_jobs_interrupt (RlStore *store, gint64 now, const char *message, GError **error);

G_END_DECLS
