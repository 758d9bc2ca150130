/* rl-remote-pages.h — on a remote workspace, tuning and evaluation run on
 * the server as jobs (docs/server-api.md, "Tuning and evaluation jobs"):
 * the Tuning page starts one, polls it for its progress and may cancel it.
 * Each call is one short request; the work itself never runs on the
 * workstation. */
#pragma once

#include "rl-store.h"
#include "rl-tuning.h"

G_BEGIN_DECLS

typedef enum {
  RL_REMOTE_JOB_RUNNING = 1,
  RL_REMOTE_JOB_DONE,
  RL_REMOTE_JOB_FAILED,
  RL_REMOTE_JOB_CANCELLED,
  RL_REMOTE_JOB_INTERRUPTED,      /* the server stopped while it ran (message says so) */
} RlRemoteJobState;

typedef struct {
  gint64           id;
  gboolean         tune;           /* else an evaluation */
  RlRemoteJobState state;
  double           progress;       /* 0 … 1 */
  char            *stage;          /* what it is doing, in words; NULL before the first step */
  gboolean         cancelling;
  gint64           release_id;     /* the draft once tuned; the evaluated release */
  char            *message;        /* why it failed or stopped (the server's words), NULL when done */
  RlTuningSummary  summary;        /* when done */
} RlRemoteJob;

void rl_remote_job_free (RlRemoteJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlRemoteJob, rl_remote_job_free)

/* POST /releases/tune: a draft tuned on the server by the signed-in
 * supervisor (name NULL: the default; trials 0: every setting). */
RlRemoteJob *rl_remote_start_tuning    (RlStore *store, const char *name, guint trials, GError **error);
/* POST /releases/{id}/evaluate. */
RlRemoteJob *rl_remote_start_evaluation (RlStore *store, gint64 release_id, GError **error);
/* GET /jobs/{id}: where it is now. */
RlRemoteJob *rl_remote_get_job         (RlStore *store, gint64 job_id, GError **error);
/* DELETE /jobs/{id}: asks it to stop (it then stores nothing); poll on. */
RlRemoteJob *rl_remote_cancel_job      (RlStore *store, gint64 job_id, GError **error);

G_END_DECLS
