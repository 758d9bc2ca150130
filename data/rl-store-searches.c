/* rl-store-searches.c — searches and candidates, the examiners' work queue,
 * ACE-V analysis, conclusions and verifications, hits and their
 * dispositions, corrections. */
#define G_LOG_DOMAIN "rl-store"

#include "rl-store-private.h"
#include "rl-remote-pages-private.h"
#include "rl-remote-private.h"

#include <math.h>

static const RlEnumEntry status_table[] = {
  { RL_SEARCH_PENDING, "pending", N_("Pending") },
  { RL_SEARCH_IN_REVIEW, "in-review", N_("In review") },
  { RL_SEARCH_VERIFICATION, "verification", N_("Awaiting verification") },
  { RL_SEARCH_DISPUTED, "disputed", N_("Disputed") },
  { RL_SEARCH_COMPLETED, "completed", N_("Completed") },
  { RL_SEARCH_AUTOMATIC, "automatic", N_("Decided automatically") },
};
RL_DEFINE_ENUM_IDS (rl_search_status, RlSearchStatus, status_table)

static const RlEnumEntry reason_table[] = {
  { RL_SEARCH_REASON_GREY_ZONE, "grey-zone", N_("Score between thresholds") },
  { RL_SEARCH_REASON_LOW_QUALITY, "low-quality", N_("Low-quality probe") },
  { RL_SEARCH_REASON_ASSIGNED, "assigned", N_("Assigned by a supervisor") },
  { RL_SEARCH_REASON_AUTOMATIC, "automatic", N_("Automatic") },
};
RL_DEFINE_ENUM_IDS (rl_search_reason, RlSearchReason, reason_table)

static const RlEnumEntry decision_table[] = {
  { RL_DECISION_IDENTIFICATION, "identification", N_("Identification") },
  { RL_DECISION_EXCLUSION, "exclusion", N_("Exclusion") },
  { RL_DECISION_INCONCLUSIVE, "inconclusive", N_("Inconclusive") },
};
RL_DEFINE_ENUM_IDS (rl_decision, RlDecision, decision_table)

static const RlEnumEntry hit_status_table[] = {
  { RL_HIT_OPEN, "open", N_("Open") },
  { RL_HIT_CONFIRMED, "confirmed", N_("Confirmed") },
  { RL_HIT_DISMISSED, "dismissed", N_("Dismissed") },
  { RL_HIT_ESCALATED, "escalated", N_("Escalated") },
};
RL_DEFINE_ENUM_IDS (rl_hit_status, RlHitStatus, hit_status_table)

static const RlEnumEntry correction_kind_table[] = {
  { RL_CORRECTION_FALSE_MATCH, "false-match", N_("Confirmed false match") },
  { RL_CORRECTION_MISSED_MATCH, "missed-match", N_("Missed match") },
};
RL_DEFINE_ENUM_IDS (rl_correction_kind, RlCorrectionKind, correction_kind_table)

static const RlEnumEntry correction_status_table[] = {
  { RL_CORRECTION_OPEN, "open", N_("Open") },
  { RL_CORRECTION_ACCEPTED, "accepted", N_("Accepted") },
  { RL_CORRECTION_REJECTED, "rejected", N_("Rejected") },
  { RL_CORRECTION_USED, "used", N_("Used in a release") },
};
RL_DEFINE_ENUM_IDS (rl_correction_status, RlCorrectionStatus, correction_status_table)

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* --------------------------------------------------------- searches */

void
rl_search_free (RlSearch *s)
{
  if (s == NULL)
    return;
  g_free (s->case_reference);
  g_free (s->agency);
  g_free (s);
}

void
rl_search_candidate_free (RlSearchCandidate *c)
{
  if (c == NULL)
    return;
  g_free (c->agency);
  g_free (c->identity_reference);
  g_free (c->family_name);
  g_free (c->given_names);
  g_free (c);
}

gint64
rl_store_add_search (RlStore *self, gint64 probe_sample_id, gint64 release_id, RlSearchStatus status,
                     RlSearchReason reason, int priority, const RlStoreCandidateIn *candidates, guint n_candidates,
                     GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (n_candidates == 0 || candidates != NULL, 0);

  if (!rl_search_status_from_id (rl_search_status_to_id (status), NULL) ||
      !rl_search_reason_from_id (rl_search_reason_to_id (reason), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Unknown search status %d or routing reason %d"),
                   (int) status, (int) reason);
      return 0;
    }
  if (priority < 1 || priority > 5)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d is not a priority: use 1 (most urgent) to 5"), priority);
      return 0;
    }
  for (guint i = 0; i < n_candidates; i++)
    if (!isfinite (candidates[i].score))
      {
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Candidate %u has no valid score"), i + 1);
        return 0;
      }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO search (probe_sample_id, release_id, created_at, status, reason, priority) "
                                    "VALUES (?1, coalesce(?2, (SELECT id FROM matcher_release WHERE state = 'active')), "
                                    "?3, ?4, ?5, ?6)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, probe_sample_id);
  rl_bind_id_or_null (stmt, 2, release_id);
  sqlite3_bind_int64 (stmt, 3, rl_store_now (self));
  sqlite3_bind_text (stmt, 4, rl_search_status_to_id (status), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, rl_search_reason_to_id (reason), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, priority);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot record the search: probe sample %" G_GINT64_FORMAT " or release %" G_GINT64_FORMAT
                       " does not exist"), probe_sample_id, release_id);
      else
        rl_store_fail (self, error, _("Cannot record the search"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);

  if (!(stmt = rl_store_stmt (self, "INSERT INTO candidate (search_id, rank, score, sample_id) VALUES (?1, ?2, ?3, ?4)", error)))
    goto fail;
  for (guint i = 0; i < n_candidates; i++)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, (int) i + 1);
      sqlite3_bind_double (stmt, 3, candidates[i].score);
      sqlite3_bind_int64 (stmt, 4, candidates[i].sample_id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          int code = sqlite3_extended_errcode (self->db);
          if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
            g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                         _("Cannot record candidate %u: sample %" G_GINT64_FORMAT " does not exist"), i + 1,
                         candidates[i].sample_id);
          else if (code == SQLITE_CONSTRAINT_UNIQUE)
            g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                         _("Cannot record candidate %u: sample %" G_GINT64_FORMAT " is already on the list"), i + 1,
                         candidates[i].sample_id);
          else
            rl_store_fail (self, error, _("Cannot record a candidate"));
          sqlite3_reset (stmt);
          goto fail;
        }
      sqlite3_reset (stmt);
    }
  {
    g_autofree char *probe = id_text (probe_sample_id);
    g_autofree char *n = g_strdup_printf ("%u", n_candidates);
    details = rl_json_object ("probe_sample", probe, "candidates", n, "status", rl_search_status_to_id (status), NULL);
  }
  if (!rl_store_audit_append (self, "search.add", "search", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

#define SEARCH_COLUMNS                                                                             \
  "SELECT s.id, s.probe_sample_id, s.release_id, s.created_at, s.status, s.reason, s.priority, "  \
  "  s.claimed_by, s.claimed_at, s.assigned_to, s.case_reference, sm.encounter_id, e.identity_id, " \
  "  a.code, coalesce(sm.quality, -1), sm.finger, "                                               \
  "  (SELECT count(*) FROM candidate c WHERE c.search_id = s.id), "                               \
  "  coalesce((SELECT max(score) FROM candidate c WHERE c.search_id = s.id), 0) "                 \
  "FROM search s JOIN sample sm ON sm.id = s.probe_sample_id "                                    \
  "JOIN encounter e ON e.id = sm.encounter_id JOIN agency a ON a.id = e.agency_id "

static RlSearch *
search_from_row (sqlite3_stmt *stmt)
{
  RlSearch *s = g_new0 (RlSearch, 1);

  s->id = sqlite3_column_int64 (stmt, 0);
  s->probe_sample_id = sqlite3_column_int64 (stmt, 1);
  s->release_id = sqlite3_column_int64 (stmt, 2);
  s->created_at = sqlite3_column_int64 (stmt, 3);
  s->status = rl_column_enum (stmt, 4, status_table, G_N_ELEMENTS (status_table));
  s->reason = rl_column_enum (stmt, 5, reason_table, G_N_ELEMENTS (reason_table));
  s->priority = sqlite3_column_int (stmt, 6);
  s->claimed_by = sqlite3_column_int64 (stmt, 7);
  s->claimed_at = sqlite3_column_int64 (stmt, 8);
  s->assigned_to = sqlite3_column_int64 (stmt, 9);
  s->case_reference = rl_column_strdup0 (stmt, 10);
  s->probe_encounter_id = sqlite3_column_int64 (stmt, 11);
  s->probe_identity_id = sqlite3_column_int64 (stmt, 12);
  s->agency = rl_column_strdup0 (stmt, 13);
  s->probe_quality = sqlite3_column_int (stmt, 14);
  s->probe_finger = sqlite3_column_int (stmt, 15);
  s->n_candidates = sqlite3_column_int (stmt, 16);
  s->best_score = sqlite3_column_double (stmt, 17);
  return s;
}

static GPtrArray *
collect_searches (RlStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_search_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, search_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list searches"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

RlSearch *
rl_store_get_search (RlStore *self, gint64 search_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_search (self, search_id, error);
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, SEARCH_COLUMNS "WHERE s.id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, search_id);
  if (!(list = collect_searches (self, stmt, error)))
    return NULL;
  if (list->len == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No search with id %" G_GINT64_FORMAT), search_id);
      return NULL;
    }
  return g_ptr_array_steal_index (list, 0);
}

GPtrArray *
rl_store_list_searches (RlStore *self, RlSearchStatus status, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_searches (self, status, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, SEARCH_COLUMNS "WHERE ?1 IS NULL OR s.status = ?1 ORDER BY s.created_at DESC, s.id DESC", error)))
    return NULL;
  rl_bind_text_or_null (stmt, 1, status ? rl_search_status_to_id (status) : NULL);
  return collect_searches (self, stmt, error);
}

GPtrArray *
rl_store_list_work_queue (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_work_queue (self, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->actor_id == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("Only a signed-in user has a work queue"));
      return NULL;
    }
  /* Pending and unclaimed (unless assigned to someone else); mine; an
   * identification by someone else awaiting verification; disputes for
   * supervisors. */
  if (!(stmt = rl_store_stmt (self, SEARCH_COLUMNS
                              "WHERE (s.status = 'pending' AND s.claimed_by IS NULL AND (s.assigned_to IS NULL OR s.assigned_to = ?1)) "
                              "   OR (s.status IN ('pending','in-review') AND (s.claimed_by = ?1 OR s.assigned_to = ?1)) "
                              "   OR (s.status = 'verification' AND NOT EXISTS (SELECT 1 FROM conclusion c "
                              "       WHERE c.search_id = s.id AND c.examiner_id = ?1)) "
                              "   OR (s.status = 'disputed' AND ?2 = 'supervisor') "
                              "ORDER BY s.priority, s.created_at, s.id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, self->actor_id);
  sqlite3_bind_text (stmt, 2, rl_role_to_id (self->actor_role), -1, SQLITE_STATIC);
  return collect_searches (self, stmt, error);
}

GPtrArray *
rl_store_list_candidates (RlStore *self, gint64 search_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_candidates (self, search_id, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_search_candidate_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, "SELECT c.id, c.search_id, c.rank, c.score, c.sample_id, sm.encounter_id, e.identity_id, "
                                    "  sm.finger, coalesce(sm.quality, -1), e.occurred_at, a.code, "
                                    "  i.reference, e.family_name, e.given_names "
                                    "FROM candidate c JOIN sample sm ON sm.id = c.sample_id "
                                    "JOIN encounter e ON e.id = sm.encounter_id JOIN agency a ON a.id = e.agency_id "
                                    "JOIN identity i ON i.id = e.identity_id "
                                    "WHERE c.search_id = ?1 ORDER BY c.rank", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, search_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RlSearchCandidate *c = g_new0 (RlSearchCandidate, 1);
      c->id = sqlite3_column_int64 (stmt, 0);
      c->search_id = sqlite3_column_int64 (stmt, 1);
      c->rank = sqlite3_column_int (stmt, 2);
      c->score = sqlite3_column_double (stmt, 3);
      c->sample_id = sqlite3_column_int64 (stmt, 4);
      c->encounter_id = sqlite3_column_int64 (stmt, 5);
      c->identity_id = sqlite3_column_int64 (stmt, 6);
      c->finger = sqlite3_column_int (stmt, 7);
      c->quality = sqlite3_column_int (stmt, 8);
      c->encounter_at = sqlite3_column_int64 (stmt, 9);
      c->agency = rl_column_strdup0 (stmt, 10);
      c->identity_reference = rl_column_strdup0 (stmt, 11);
      c->family_name = rl_column_strdup0 (stmt, 12);
      c->given_names = rl_column_strdup0 (stmt, 13);
      g_ptr_array_add (list, c);
    }
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list candidates"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

/* Explains why a claim or release did not change the row. */
static void
explain_search_refusal (RlStore *self, gint64 search_id, GError **error)
{
  g_autoptr(RlSearch) search = rl_store_get_search (self, search_id, error);

  if (search == NULL)
    return;
  if (search->claimed_by != 0 && search->claimed_by != self->actor_id)
    {
      g_autoptr(RlUser) holder = rl_store_get_user (self, search->claimed_by, NULL);
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Search %" G_GINT64_FORMAT " is claimed by %s"),
                   search_id, holder ? holder->display_name : "?");
    }
  else if (search->assigned_to != 0 && search->assigned_to != self->actor_id)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                 _("Search %" G_GINT64_FORMAT " is assigned to another examiner"), search_id);
  else
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Search %" G_GINT64_FORMAT " is %s"),
                 search_id, rl_search_status_to_label (search->status));
}

gboolean
rl_store_claim_search (RlStore *self, gint64 search_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_claim_search (self, search_id, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("claim searches"), RL_ROLE_EXAMINER, RL_ROLE_SUPERVISOR, 0))
    return FALSE;
  if (!rl_store_begin (self, error))
    return FALSE;
  /* One statement: two examiners claiming at once cannot both win. */
  if (!(stmt = rl_store_stmt (self, "UPDATE search SET claimed_by = ?1, claimed_at = coalesce(claimed_at, ?2), status = 'in-review' "
                                    "WHERE id = ?3 AND status IN ('pending','in-review') "
                                    "AND (claimed_by IS NULL OR claimed_by = ?1) AND (assigned_to IS NULL OR assigned_to = ?1)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, self->actor_id);
  sqlite3_bind_int64 (stmt, 2, rl_store_now (self));
  sqlite3_bind_int64 (stmt, 3, search_id);
  if (!rl_store_run (self, stmt, error, _("Cannot claim the search")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      explain_search_refusal (self, search_id, error);
      goto fail;
    }
  if (!rl_store_audit_append (self, "search.claim", "search", search_id, NULL, NULL, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_release_search (RlStore *self, gint64 search_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_release_search (self, search_id, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->actor_id == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("Only a signed-in user can release a search"));
      return FALSE;
    }
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "UPDATE search SET claimed_by = NULL, claimed_at = NULL, status = 'pending' "
                                    "WHERE id = ?1 AND claimed_by = ?2 AND status = 'in-review'", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, search_id);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  if (!rl_store_run (self, stmt, error, _("Cannot release the search")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      explain_search_refusal (self, search_id, error);
      goto fail;
    }
  if (!rl_store_audit_append (self, "search.release", "search", search_id, NULL, NULL, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_assign_search (RlStore *self, gint64 search_id, gint64 examiner_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_assign_search (self, search_id, examiner_id, error);
  g_autoptr(RlUser) examiner = NULL;
  g_autofree char *details = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("assign searches"), RL_ROLE_SUPERVISOR, 0))
    return FALSE;
  if (!(examiner = rl_store_get_user (self, examiner_id, error)))
    return FALSE;
  if (examiner->role != RL_ROLE_EXAMINER && examiner->role != RL_ROLE_SUPERVISOR)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%s is %s, not an examiner"),
                   examiner->display_name, rl_role_to_label (examiner->role));
      return FALSE;
    }
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "UPDATE search SET assigned_to = ?1, reason = 'assigned', "
                                    "claimed_by = NULL, claimed_at = NULL, status = 'pending' "
                                    "WHERE id = ?2 AND status IN ('pending','in-review')", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, examiner_id);
  sqlite3_bind_int64 (stmt, 2, search_id);
  if (!rl_store_run (self, stmt, error, _("Cannot assign the search")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      explain_search_refusal (self, search_id, error);
      goto fail;
    }
  details = rl_json_object ("examiner", examiner->username, NULL);
  if (!rl_store_audit_append (self, "search.assign", "search", search_id, NULL, details, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

static gboolean
update_search_status (RlStore *self, gint64 search_id, RlSearchStatus status, GError **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *details = NULL;

  if (!(stmt = rl_store_stmt (self, "UPDATE search SET status = ?1 WHERE id = ?2", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, rl_search_status_to_id (status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, search_id);
  if (!rl_store_run (self, stmt, error, _("Cannot change the search’s status")))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No search with id %" G_GINT64_FORMAT), search_id);
      return FALSE;
    }
  details = rl_json_object ("status", rl_search_status_to_id (status), NULL);
  return rl_store_audit_append (self, "search.status", "search", search_id, NULL, details, error);
}

gboolean
rl_store_set_search_status (RlStore *self, gint64 search_id, RlSearchStatus status, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_search_status_from_id (rl_search_status_to_id (status), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d is not a search status"), (int) status);
      return FALSE;
    }
  if (self->actor_id != 0 &&
      !rl_store_require_role (self, error, _("change a search’s status"), RL_ROLE_EXAMINER, RL_ROLE_SUPERVISOR, 0))
    return FALSE;
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!update_search_status (self, search_id, status, error))
    {
      rl_store_rollback (self);
      return FALSE;
    }
  return rl_store_commit (self, error);
}

gboolean
rl_store_record_candidate_view (RlStore *self, gint64 candidate_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_record_candidate_view (self, candidate_id, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->actor_id == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("Only a signed-in user views candidates"));
      return FALSE;
    }
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO candidate_view (candidate_id, user_id, viewed_at) VALUES (?1, ?2, ?3)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, candidate_id);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  sqlite3_bind_int64 (stmt, 3, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No candidate with id %" G_GINT64_FORMAT), candidate_id);
      else
        rl_store_fail (self, error, _("Cannot record the view"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  if (!rl_store_audit_append (self, "candidate.view", "candidate", candidate_id, NULL, NULL, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_candidate_seen (RlStore *self, gint64 search_id, gint64 user_id, gboolean *out_seen, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_candidate_seen (self, search_id, user_id, out_seen, error);
  sqlite3_stmt *stmt;
  gint64 seen = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!(stmt = rl_store_stmt (self, "SELECT EXISTS (SELECT 1 FROM candidate_view v JOIN candidate c ON c.id = v.candidate_id "
                                    "WHERE c.search_id = ?1 AND v.user_id = ?2)", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, search_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  if (!rl_store_query_int64 (self, stmt, &seen, error, _("Cannot read candidate views")))
    return FALSE;
  if (out_seen)
    *out_seen = seen != 0;
  return TRUE;
}

gint64
rl_store_add_probe_analysis (RlStore *self, gint64 search_id, gboolean of_value, const char *notes,
                             const char *markup_json, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_add_probe_analysis (self, search_id, of_value, notes, markup_json, error);
  sqlite3_stmt *stmt;
  gboolean seen = FALSE;
  gint64 id;

  g_return_val_if_fail (self != NULL, 0);

  if (!rl_store_require_role (self, error, _("analyse a probe"), RL_ROLE_EXAMINER, RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (!rl_store_begin (self, error))
    return 0;
  if (!rl_store_candidate_seen (self, search_id, self->actor_id, &seen, error))
    goto fail;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO probe_analysis (search_id, examiner_id, of_value, notes, markup, "
                                    "after_candidate_seen, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, search_id);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  sqlite3_bind_int (stmt, 3, of_value ? 1 : 0);
  sqlite3_bind_text (stmt, 4, notes ? notes : "", -1, SQLITE_TRANSIENT);
  rl_bind_text_or_null (stmt, 5, markup_json);
  sqlite3_bind_int (stmt, 6, seen ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot record the analysis")))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  if (!rl_store_audit_append (self, seen ? "analysis.add-after-candidate" : "analysis.add", "search", search_id,
                              NULL, NULL, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

/* ------------------------------------------------------ conclusions */

void
rl_conclusion_free (RlConclusion *c)
{
  if (c == NULL)
    return;
  g_free (c->reasons);
  g_free (c->notes);
  g_free (c);
}

void
rl_verification_free (RlVerification *v)
{
  if (v == NULL)
    return;
  g_free (v->reasons);
  g_free (v);
}

gint64
rl_store_add_conclusion (RlStore *self, const RlConclusion *c, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_add_conclusion (self, c, error);
  sqlite3_stmt *stmt;
  gint64 id, search_id = c->search_id, probe = c->probe_sample_id, candidate_sample = c->candidate_sample_id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (c != NULL, 0);

  if (!rl_store_require_role (self, error, _("record a conclusion"), RL_ROLE_EXAMINER, RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (!rl_decision_from_id (rl_decision_to_id (c->decision), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%d is not a decision: use identification, exclusion or inconclusive"), (int) c->decision);
      return 0;
    }
  if (rl_is_blank (c->reasons))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("A conclusion needs reasons"));
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;

  /* Fill in the samples from the candidate / search, and check they agree. */
  if (c->candidate_id != 0)
    {
      gint64 cand_search = 0, cand_sample = 0;
      int rc;

      if (!(stmt = rl_store_stmt (self, "SELECT search_id, sample_id FROM candidate WHERE id = ?1", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, c->candidate_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          cand_search = sqlite3_column_int64 (stmt, 0);
          cand_sample = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No candidate with id %" G_GINT64_FORMAT), c->candidate_id);
          goto fail;
        }
      if ((search_id != 0 && search_id != cand_search) || (candidate_sample != 0 && candidate_sample != cand_sample))
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                       _("Candidate %" G_GINT64_FORMAT " belongs to search %" G_GINT64_FORMAT " and sample %" G_GINT64_FORMAT
                         ", not to the search or sample given"), c->candidate_id, cand_search, cand_sample);
          goto fail;
        }
      search_id = cand_search;
      candidate_sample = cand_sample;
    }
  if (search_id != 0)
    {
      gint64 search_probe = 0;
      if (!(stmt = rl_store_stmt (self, "SELECT probe_sample_id FROM search WHERE id = ?1", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, search_id);
      if (!rl_store_query_int64 (self, stmt, &search_probe, error, _("Cannot find the search")))
        goto fail;
      if (probe != 0 && probe != search_probe)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                       _("Search %" G_GINT64_FORMAT "’s probe is sample %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT),
                       search_id, search_probe, probe);
          goto fail;
        }
      probe = search_probe;
    }
  if (probe == 0 || candidate_sample == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("A conclusion names the probe and the candidate print it compares"));
      goto fail;
    }

  if (!(stmt = rl_store_stmt (self, "INSERT INTO conclusion (search_id, candidate_id, probe_sample_id, candidate_sample_id, "
                                    "examiner_id, decision, reasons, notes, supersedes, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error)))
    goto fail;
  rl_bind_id_or_null (stmt, 1, search_id);
  rl_bind_id_or_null (stmt, 2, c->candidate_id);
  sqlite3_bind_int64 (stmt, 3, probe);
  sqlite3_bind_int64 (stmt, 4, candidate_sample);
  sqlite3_bind_int64 (stmt, 5, self->actor_id);
  sqlite3_bind_text (stmt, 6, rl_decision_to_id (c->decision), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, c->reasons, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, c->notes ? c->notes : "", -1, SQLITE_TRANSIENT);
  rl_bind_id_or_null (stmt, 9, c->supersedes);
  sqlite3_bind_int64 (stmt, 10, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot record the conclusion: sample %" G_GINT64_FORMAT " or %" G_GINT64_FORMAT
                       " (or the superseded conclusion) does not exist"), probe, candidate_sample);
      else
        rl_store_fail (self, error, _("Cannot record the conclusion"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *sid = id_text (search_id);
    g_autofree char *cand = id_text (candidate_sample);
    details = rl_json_object ("decision", rl_decision_to_id (c->decision), "search", sid, "candidate_sample", cand, NULL);
  }
  if (!rl_store_audit_append (self, "conclusion.add", "conclusion", id, NULL, details, error))
    goto fail;
  /* An identification needs a second examiner. */
  if (search_id != 0 && c->decision == RL_DECISION_IDENTIFICATION &&
      !update_search_status (self, search_id, RL_SEARCH_VERIFICATION, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

#define CONCLUSION_COLUMNS "SELECT id, search_id, candidate_id, probe_sample_id, candidate_sample_id, examiner_id, " \
                           "decision, reasons, notes, supersedes, created_at FROM conclusion "

static RlConclusion *
conclusion_from_row (sqlite3_stmt *stmt)
{
  RlConclusion *c = g_new0 (RlConclusion, 1);
  c->id = sqlite3_column_int64 (stmt, 0);
  c->search_id = sqlite3_column_int64 (stmt, 1);
  c->candidate_id = sqlite3_column_int64 (stmt, 2);
  c->probe_sample_id = sqlite3_column_int64 (stmt, 3);
  c->candidate_sample_id = sqlite3_column_int64 (stmt, 4);
  c->examiner_id = sqlite3_column_int64 (stmt, 5);
  c->decision = rl_column_enum (stmt, 6, decision_table, G_N_ELEMENTS (decision_table));
  c->reasons = rl_column_strdup0 (stmt, 7);
  c->notes = rl_column_strdup0 (stmt, 8);
  c->supersedes = sqlite3_column_int64 (stmt, 9);
  c->created_at = sqlite3_column_int64 (stmt, 10);
  return c;
}

RlConclusion *
rl_store_get_conclusion (RlStore *self, gint64 conclusion_id, GError **error)
{
  RlConclusion *c = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, CONCLUSION_COLUMNS "WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conclusion_id);
  c = rl_store_query_row (self, stmt, (RlStoreRowFunc) conclusion_from_row, _("Cannot read the conclusion"), error,
                            _("No conclusion with id %" G_GINT64_FORMAT), conclusion_id);
  return c;
}

GPtrArray *
rl_store_list_conclusions (RlStore *self, gint64 search_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_conclusions (self, search_id, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_conclusion_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, CONCLUSION_COLUMNS "WHERE search_id = ?1 ORDER BY created_at, id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, search_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, conclusion_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list conclusions"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

RlConclusion *
rl_store_get_disputed_conclusion (RlStore *self, gint64 search_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_disputed_conclusion (self, search_id, error);
  sqlite3_stmt *stmt;
  RlConclusion *found = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  /* The newest identification nothing superseded that a verifier disagreed with. */
  if (!(stmt = rl_store_stmt (self, CONCLUSION_COLUMNS
                              "WHERE search_id = ?1 AND decision = 'identification' "
                              "AND NOT EXISTS (SELECT 1 FROM conclusion x WHERE x.supersedes = conclusion.id) "
                              "AND EXISTS (SELECT 1 FROM verification v WHERE v.conclusion_id = conclusion.id AND v.agrees = 0) "
                              "ORDER BY created_at DESC, id DESC LIMIT 1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, search_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = conclusion_from_row (stmt);
  else if (rc != SQLITE_DONE)
    rl_store_fail (self, error, _("Cannot read the disputed conclusion"));
  else
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                 _("Search %" G_GINT64_FORMAT " has no identification a verifier disagreed with"), search_id);
  sqlite3_reset (stmt);
  return found;
}

gint64
rl_store_get_dispute_decision (RlStore *self, gint64 search_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_dispute_decision (self, search_id, error);
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (self != NULL, 0);

  if (!(stmt = rl_store_stmt (self, "SELECT conclusion_id FROM dispute_decision WHERE search_id = ?1", error)))
    return 0;
  sqlite3_bind_int64 (stmt, 1, search_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    rl_store_fail (self, error, _("Cannot read the dispute decision"));
  sqlite3_reset (stmt);
  return id;
}

/* A single integer from a one-row query, 0 when there is no row. */
static gboolean
query_int64 (RlStore *self, sqlite3_stmt *stmt, gint64 *out, GError **error, const char *what)
{
  int rc = sqlite3_step (stmt);

  *out = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : rl_store_fail (self, error, what);
}

/* An identification that is final — agreed by a verifier, or a supervisor's
 * decision on a dispute — to an identity with derogatory records in force
 * is news for analysts just as an automatic match is: a hit, one per
 * encounter and identity. Runs inside the caller's transaction. */
static gboolean
raise_identification_hit (RlStore *self, gint64 search_id, gint64 candidate_id, gint64 probe_sample_id,
                          gint64 candidate_sample_id, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 encounter_id = 0, probe_identity = 0, identity_id = 0, n = 0, existing = 0;
  RlHit hit = { 0 };

  if (!(stmt = rl_store_stmt (self, "SELECT p.encounter_id, pe.identity_id, ce.identity_id FROM sample p "
                                    "JOIN encounter pe ON pe.id = p.encounter_id, sample c "
                                    "JOIN encounter ce ON ce.id = c.encounter_id WHERE p.id = ?1 AND c.id = ?2", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, probe_sample_id);
  sqlite3_bind_int64 (stmt, 2, candidate_sample_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      encounter_id = sqlite3_column_int64 (stmt, 0);
      probe_identity = sqlite3_column_int64 (stmt, 1);
      identity_id = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (identity_id == 0 || identity_id == probe_identity)
    return TRUE;

  if (!(stmt = rl_store_stmt (self, "SELECT count(*) FROM derogatory_record WHERE identity_id = ?1 "
                                    "AND (expires_on IS NULL OR expires_on >= date(?2, 'unixepoch'))", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  sqlite3_bind_int64 (stmt, 2, rl_store_now (self));
  if (!query_int64 (self, stmt, &n, error, _("Cannot read the identity's derogatory records")))
    return FALSE;
  if (n == 0)
    return TRUE;
  if (!(stmt = rl_store_stmt (self, "SELECT id FROM hit WHERE encounter_id = ?1 AND identity_id = ?2", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, encounter_id);
  sqlite3_bind_int64 (stmt, 2, identity_id);
  if (!query_int64 (self, stmt, &existing, error, _("Cannot read the encounter's hits")))
    return FALSE;
  if (existing != 0)
    return TRUE;

  hit.search_id = search_id;
  hit.encounter_id = encounter_id;
  hit.identity_id = identity_id;
  hit.candidate_id = candidate_id;
  if (candidate_id != 0)
    {
      if (!(stmt = rl_store_stmt (self, "SELECT score FROM candidate WHERE id = ?1", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, candidate_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        hit.score = sqlite3_column_double (stmt, 0);
      sqlite3_reset (stmt);
    }
  return rl_store_add_hit (self, &hit, error) != 0;
}

gint64
rl_store_decide_dispute (RlStore *self, gint64 search_id, RlDecision decision, const char *reasons, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_decide_dispute (self, search_id, decision, reasons, error);
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(RlConclusion) disputed = NULL;
  g_autoptr(GPtrArray) verifications = NULL;
  g_autofree char *details = NULL;
  RlConclusion final = { 0 };
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (self != NULL, 0);

  if (!rl_store_require_role (self, error, _("decide disputed searches"), RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (!rl_store_begin (self, error))
    return 0;
  if (!(search = rl_store_get_search (self, search_id, error)))
    goto fail;
  if (search->status != RL_SEARCH_DISPUTED)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Search %" G_GINT64_FORMAT " is %s, not disputed: there is nothing for a supervisor to decide"),
                   search_id, rl_search_status_to_label (search->status));
      goto fail;
    }
  if (!(disputed = rl_store_get_disputed_conclusion (self, search_id, error)) ||
      !(verifications = rl_store_list_verifications (self, disputed->id, error)))
    goto fail;
  /* The decision is a third person's: not the examiner's, not a verifier's. */
  if (disputed->examiner_id == self->actor_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%s made the disputed identification and cannot decide the dispute over it"), self->actor_name);
      goto fail;
    }
  for (guint i = 0; i < verifications->len; i++)
    if (((RlVerification *) g_ptr_array_index (verifications, i))->verifier_id == self->actor_id)
      {
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("%s verified the disputed identification and cannot decide the dispute over it"),
                     self->actor_name);
        goto fail;
      }
  final.search_id = search_id;
  final.candidate_id = disputed->candidate_id;
  final.probe_sample_id = disputed->probe_sample_id;
  final.candidate_sample_id = disputed->candidate_sample_id;
  final.decision = decision;
  final.reasons = (char *) reasons;
  final.notes = (char *) "";
  final.supersedes = disputed->id;
  if ((id = rl_store_add_conclusion (self, &final, error)) == 0)
    goto fail;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO dispute_decision (search_id, disputed_conclusion_id, conclusion_id, "
                                    "supervisor_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, search_id);
  sqlite3_bind_int64 (stmt, 2, disputed->id);
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_int64 (stmt, 4, self->actor_id);
  sqlite3_bind_int64 (stmt, 5, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot record the decision on the dispute")))
    goto fail;
  {
    g_autofree char *cid = id_text (id);
    g_autofree char *was = id_text (disputed->id);
    details = rl_json_object ("decision", rl_decision_to_id (decision), "conclusion", cid, "disputed_conclusion", was, NULL);
  }
  if (!rl_store_audit_append (self, "search.decide-dispute", "search", search_id, NULL, details, error) ||
      !update_search_status (self, search_id, RL_SEARCH_COMPLETED, error))
    goto fail;
  if (decision == RL_DECISION_IDENTIFICATION &&
      !raise_identification_hit (self, search_id, final.candidate_id, final.probe_sample_id, final.candidate_sample_id,
                                 error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

gint64
rl_store_add_verification (RlStore *self, gint64 conclusion_id, gboolean blind, gboolean agrees, RlDecision decision,
                           const char *reasons, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_add_verification (self, conclusion_id, blind, agrees, decision, reasons, error);
  g_autoptr(RlConclusion) conclusion = NULL;
  g_autofree char *details = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (self != NULL, 0);

  if (!rl_store_require_role (self, error, _("verify a conclusion"), RL_ROLE_EXAMINER, RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (decision != 0 && !rl_decision_from_id (rl_decision_to_id (decision), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d is not a decision"), (int) decision);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(conclusion = rl_store_get_conclusion (self, conclusion_id, error)))
    goto fail;
  if (conclusion->examiner_id == self->actor_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%s cannot verify conclusion %" G_GINT64_FORMAT ": an examiner cannot verify their own conclusion"),
                   self->actor_name, conclusion_id);
      goto fail;
    }
  if (!(stmt = rl_store_stmt (self, "INSERT INTO verification (conclusion_id, verifier_id, blind, agrees, decision, reasons, "
                                    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, conclusion_id);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  sqlite3_bind_int (stmt, 3, blind ? 1 : 0);
  sqlite3_bind_int (stmt, 4, agrees ? 1 : 0);
  rl_bind_text_or_null (stmt, 5, decision ? rl_decision_to_id (decision) : NULL);
  sqlite3_bind_text (stmt, 6, reasons ? reasons : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot record the verification")))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *cid = id_text (conclusion_id);
    details = rl_json_object ("conclusion", cid, "blind", blind ? "yes" : "no", "agrees", agrees ? "yes" : "no", NULL);
  }
  if (!rl_store_audit_append (self, "verification.add", "verification", id, NULL, details, error))
    goto fail;
  /* A disagreement goes to a supervisor; an agreement on an identification
   * awaiting verification completes the search. */
  if (conclusion->search_id != 0)
    {
      g_autoptr(RlSearch) search = rl_store_get_search (self, conclusion->search_id, error);
      if (search == NULL)
        goto fail;
      if (!agrees && !update_search_status (self, search->id, RL_SEARCH_DISPUTED, error))
        goto fail;
      if (agrees && search->status == RL_SEARCH_VERIFICATION &&
          !update_search_status (self, search->id, RL_SEARCH_COMPLETED, error))
        goto fail;
      if (agrees && conclusion->decision == RL_DECISION_IDENTIFICATION &&
          !raise_identification_hit (self, search->id, conclusion->candidate_id, conclusion->probe_sample_id,
                                     conclusion->candidate_sample_id, error))
        goto fail;
    }
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

GPtrArray *
rl_store_list_verifications (RlStore *self, gint64 conclusion_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_verifications (self, conclusion_id, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_verification_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, "SELECT id, conclusion_id, verifier_id, blind, agrees, decision, reasons, created_at "
                                    "FROM verification WHERE conclusion_id = ?1 ORDER BY id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conclusion_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RlVerification *v = g_new0 (RlVerification, 1);
      v->id = sqlite3_column_int64 (stmt, 0);
      v->conclusion_id = sqlite3_column_int64 (stmt, 1);
      v->verifier_id = sqlite3_column_int64 (stmt, 2);
      v->blind = sqlite3_column_int (stmt, 3) != 0;
      v->agrees = sqlite3_column_int (stmt, 4) != 0;
      v->decision = rl_column_enum (stmt, 5, decision_table, G_N_ELEMENTS (decision_table));
      v->reasons = rl_column_strdup0 (stmt, 6);
      v->created_at = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (list, v);
    }
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list verifications"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

/* ------------------------------------------------------------- hits */

void
rl_hit_free (RlHit *hit)
{
  g_free (hit);
}

gint64
rl_store_add_hit (RlStore *self, const RlHit *hit, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (hit != NULL, 0);

  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO hit (search_id, encounter_id, identity_id, candidate_id, score, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)))
    goto fail;
  rl_bind_id_or_null (stmt, 1, hit->search_id);
  sqlite3_bind_int64 (stmt, 2, hit->encounter_id);
  sqlite3_bind_int64 (stmt, 3, hit->identity_id);
  rl_bind_id_or_null (stmt, 4, hit->candidate_id);
  sqlite3_bind_double (stmt, 5, hit->score);
  sqlite3_bind_int64 (stmt, 6, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot record the hit: its search, encounter, identity or candidate does not exist"));
      else
        rl_store_fail (self, error, _("Cannot record the hit"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *identity = id_text (hit->identity_id);
    g_autofree char *encounter = id_text (hit->encounter_id);
    details = rl_json_object ("identity", identity, "encounter", encounter, NULL);
  }
  if (!rl_store_audit_append (self, "hit.add", "hit", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

#define HIT_COLUMNS "SELECT id, search_id, encounter_id, identity_id, candidate_id, coalesce(score, 0), status, created_at FROM hit "

static RlHit *
hit_from_row (sqlite3_stmt *stmt)
{
  RlHit *h = g_new0 (RlHit, 1);
  h->id = sqlite3_column_int64 (stmt, 0);
  h->search_id = sqlite3_column_int64 (stmt, 1);
  h->encounter_id = sqlite3_column_int64 (stmt, 2);
  h->identity_id = sqlite3_column_int64 (stmt, 3);
  h->candidate_id = sqlite3_column_int64 (stmt, 4);
  h->score = sqlite3_column_double (stmt, 5);
  h->status = rl_column_enum (stmt, 6, hit_status_table, G_N_ELEMENTS (hit_status_table));
  h->created_at = sqlite3_column_int64 (stmt, 7);
  return h;
}

RlHit *
rl_store_get_hit (RlStore *self, gint64 hit_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_hit (self, hit_id, error);
  RlHit *h = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, HIT_COLUMNS "WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, hit_id);
  h = rl_store_query_row (self, stmt, (RlStoreRowFunc) hit_from_row, _("Cannot read the hit"), error,
                            _("No hit with id %" G_GINT64_FORMAT), hit_id);
  return h;
}

GPtrArray *
rl_store_list_hits (RlStore *self, RlHitStatus status, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_hits (self, status, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_hit_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, HIT_COLUMNS "WHERE ?1 IS NULL OR status = ?1 ORDER BY created_at, id", error)))
    return NULL;
  rl_bind_text_or_null (stmt, 1, status ? rl_hit_status_to_id (status) : NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, hit_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list hits"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

void
rl_hit_row_free (RlHitRow *row)
{
  if (row == NULL)
    return;
  rl_hit_free (row->hit);
  g_free (row->encounter_agency);
  g_clear_pointer (&row->records, g_ptr_array_unref);
  g_free (row);
}

GPtrArray *
rl_store_list_hit_rows (RlStore *self, RlHitStatus status, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_hit_rows (self, status, error);
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree RlHit **taken = NULL;
  GPtrArray *rows;
  gsize n = 0;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(hits = rl_store_list_hits (self, status, error)))
    return NULL;
  taken = (RlHit **) g_ptr_array_steal (hits, &n);
  rows = g_ptr_array_new_full (n, (GDestroyNotify) rl_hit_row_free);
  for (gsize i = 0; i < n; i++)
    {
      RlHitRow *row = g_new0 (RlHitRow, 1);
      g_autoptr(RlEncounter) encounter = NULL;

      row->hit = taken[i];
      if ((encounter = rl_store_get_encounter (self, row->hit->encounter_id, NULL)))
        row->encounter_agency = g_strdup (encounter->agency);
      row->records = rl_store_list_derogatory_records (self, row->hit->identity_id, NULL);
      g_ptr_array_add (rows, row);
    }
  return rows;
}

gint64
rl_store_dispose_hit (RlStore *self, gint64 hit_id, RlHitStatus disposition, const char *reason, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_dispose_hit (self, hit_id, disposition, reason, error);
  g_autoptr(RlHit) hit = NULL;
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);

  if (!rl_store_require_role (self, error, _("dispose of hits"), RL_ROLE_ANALYST, RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (disposition != RL_HIT_CONFIRMED && disposition != RL_HIT_DISMISSED && disposition != RL_HIT_ESCALATED)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("A hit is confirmed, dismissed or escalated (got %d)"), (int) disposition);
      return 0;
    }
  if (disposition == RL_HIT_DISMISSED && rl_is_blank (reason))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Dismissing a hit needs a reason"));
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(hit = rl_store_get_hit (self, hit_id, error)))
    goto fail;
  if (hit->status == RL_HIT_ESCALATED && self->actor_role != RL_ROLE_SUPERVISOR)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                   _("Hit %" G_GINT64_FORMAT " was escalated: only a supervisor can dispose of it"), hit_id);
      goto fail;
    }
  if (hit->status == RL_HIT_CONFIRMED || hit->status == RL_HIT_DISMISSED)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Hit %" G_GINT64_FORMAT " is already %s"),
                   hit_id, rl_hit_status_to_label (hit->status));
      goto fail;
    }
  if (!(stmt = rl_store_stmt (self, "INSERT INTO hit_disposition (hit_id, user_id, disposition, reason, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, hit_id);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  sqlite3_bind_text (stmt, 3, rl_hit_status_to_id (disposition), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, reason ? reason : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot record the disposition")))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  if (!(stmt = rl_store_stmt (self, "UPDATE hit SET status = ?1 WHERE id = ?2", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, rl_hit_status_to_id (disposition), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, hit_id);
  if (!rl_store_run (self, stmt, error, _("Cannot record the disposition")))
    goto fail;
  details = rl_json_object ("disposition", rl_hit_status_to_id (disposition), "reason", reason, NULL);
  if (!rl_store_audit_append (self, "hit.dispose", "hit", hit_id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

/* ------------------------------------------------------ corrections */

void
rl_correction_free (RlCorrection *c)
{
  if (c == NULL)
    return;
  g_free (c->reason);
  g_free (c);
}

gint64
rl_store_add_correction (RlStore *self, const RlCorrection *c, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_add_correction (self, c, error);
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (c != NULL, 0);

  if (!rl_store_require_role (self, error, _("report a correction"), RL_ROLE_EXAMINER, RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (c->kind != RL_CORRECTION_FALSE_MATCH && c->kind != RL_CORRECTION_MISSED_MATCH)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("A correction is a false match or a missed match (got %d)"), (int) c->kind);
      return 0;
    }
  if (rl_is_blank (c->reason))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("A correction needs a reason"));
      return 0;
    }
  if (c->probe_sample_id == c->candidate_sample_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("A correction names two different samples (both are %" G_GINT64_FORMAT ")"), c->probe_sample_id);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO correction (kind, probe_sample_id, candidate_sample_id, search_id, "
                                    "conclusion_id, release_id, score, reported_by, reason, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, rl_correction_kind_to_id (c->kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, c->probe_sample_id);
  sqlite3_bind_int64 (stmt, 3, c->candidate_sample_id);
  rl_bind_id_or_null (stmt, 4, c->search_id);
  rl_bind_id_or_null (stmt, 5, c->conclusion_id);
  rl_bind_id_or_null (stmt, 6, c->release_id);
  if (isfinite (c->score))
    sqlite3_bind_double (stmt, 7, c->score);
  else
    sqlite3_bind_null (stmt, 7);
  sqlite3_bind_int64 (stmt, 8, self->actor_id);
  sqlite3_bind_text (stmt, 9, c->reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 10, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot record the correction: a sample, search, conclusion or release it names does not exist"));
      else
        rl_store_fail (self, error, _("Cannot record the correction"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *p = id_text (c->probe_sample_id);
    g_autofree char *q = id_text (c->candidate_sample_id);
    details = rl_json_object ("kind", rl_correction_kind_to_id (c->kind), "probe_sample", p, "candidate_sample", q, NULL);
  }
  if (!rl_store_audit_append (self, "correction.add", "correction", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

#define CORRECTION_COLUMNS "SELECT id, kind, probe_sample_id, candidate_sample_id, search_id, conclusion_id, release_id, " \
                           "score, reported_by, reason, status, reviewed_by, reviewed_at, created_at FROM correction "

static RlCorrection *
correction_from_row (sqlite3_stmt *stmt)
{
  RlCorrection *c = g_new0 (RlCorrection, 1);
  c->id = sqlite3_column_int64 (stmt, 0);
  c->kind = rl_column_enum (stmt, 1, correction_kind_table, G_N_ELEMENTS (correction_kind_table));
  c->probe_sample_id = sqlite3_column_int64 (stmt, 2);
  c->candidate_sample_id = sqlite3_column_int64 (stmt, 3);
  c->search_id = sqlite3_column_int64 (stmt, 4);
  c->conclusion_id = sqlite3_column_int64 (stmt, 5);
  c->release_id = sqlite3_column_int64 (stmt, 6);
  c->score = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 7);
  c->reported_by = sqlite3_column_int64 (stmt, 8);
  c->reason = rl_column_strdup0 (stmt, 9);
  c->status = rl_column_enum (stmt, 10, correction_status_table, G_N_ELEMENTS (correction_status_table));
  c->reviewed_by = sqlite3_column_int64 (stmt, 11);
  c->reviewed_at = sqlite3_column_int64 (stmt, 12);
  c->created_at = sqlite3_column_int64 (stmt, 13);
  return c;
}

RlCorrection *
rl_store_get_correction (RlStore *self, gint64 correction_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_correction (self, correction_id, error);
  RlCorrection *c = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, CORRECTION_COLUMNS "WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, correction_id);
  c = rl_store_query_row (self, stmt, (RlStoreRowFunc) correction_from_row, _("Cannot read the correction"), error,
                            _("No correction with id %" G_GINT64_FORMAT), correction_id);
  return c;
}

GPtrArray *
rl_store_list_corrections (RlStore *self, RlCorrectionStatus status, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_corrections (self, status, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_correction_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, CORRECTION_COLUMNS "WHERE ?1 IS NULL OR status = ?1 ORDER BY created_at, id", error)))
    return NULL;
  rl_bind_text_or_null (stmt, 1, status ? rl_correction_status_to_id (status) : NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, correction_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list corrections"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gboolean
rl_store_review_correction (RlStore *self, gint64 correction_id, gboolean accept, GError **error)
{
  g_autoptr(RlCorrection) c = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("review corrections"), RL_ROLE_SUPERVISOR, 0))
    return FALSE;
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(c = rl_store_get_correction (self, correction_id, error)))
    goto fail;
  if (c->reported_by == self->actor_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%s reported correction %" G_GINT64_FORMAT " and cannot review it too"), self->actor_name, correction_id);
      goto fail;
    }
  if (c->status != RL_CORRECTION_OPEN)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Correction %" G_GINT64_FORMAT " is already %s"),
                   correction_id, rl_correction_status_to_label (c->status));
      goto fail;
    }
  if (!(stmt = rl_store_stmt (self, "UPDATE correction SET status = ?1, reviewed_by = ?2, reviewed_at = ?3 WHERE id = ?4", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, accept ? "accepted" : "rejected", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  sqlite3_bind_int64 (stmt, 3, rl_store_now (self));
  sqlite3_bind_int64 (stmt, 4, correction_id);
  if (!rl_store_run (self, stmt, error, _("Cannot review the correction")))
    goto fail;
  if (!rl_store_audit_append (self, accept ? "correction.accept" : "correction.reject", "correction", correction_id,
                              NULL, NULL, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

/* ------------------------------------------- compound steps of the review */

gint64
rl_store_add_conclusion_with_correction (RlStore *self, const RlConclusion *conclusion,
                                         const RlCorrection *correction, GError **error)
{
  RlCorrection filled;
  gint64 id;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (conclusion != NULL, 0);

  if (self->remote != NULL)
    return rl_remote_add_conclusion_with_correction (self, conclusion, correction, error);
  if (!rl_store_begin (self, error))
    return 0;
  if ((id = rl_store_add_conclusion (self, conclusion, error)) == 0)
    goto fail;
  if (correction != NULL)
    {
      filled = *correction;
      filled.conclusion_id = id;
      if (filled.search_id == 0)
        filled.search_id = conclusion->search_id;
      if (rl_store_add_correction (self, &filled, error) == 0)
        goto fail;
    }
  if (!rl_store_commit (self, error))
    return 0;
  return id;

fail:
  rl_store_rollback (self);
  return 0;
}

gint64
rl_store_decide_dispute_with_correction (RlStore *self, gint64 search_id, RlDecision decision, const char *reasons,
                                         const RlCorrection *correction, GError **error)
{
  RlCorrection filled;
  gint64 id;

  g_return_val_if_fail (self != NULL, 0);

  if (self->remote != NULL)
    return rl_remote_decide_dispute_with_correction (self, search_id, decision, reasons, correction, error);
  if (!rl_store_begin (self, error))
    return 0;
  if ((id = rl_store_decide_dispute (self, search_id, decision, reasons, error)) == 0)
    goto fail;
  if (correction != NULL)
    {
      filled = *correction;
      filled.conclusion_id = id;
      if (filled.search_id == 0)
        filled.search_id = search_id;
      if (rl_store_add_correction (self, &filled, error) == 0)
        goto fail;
    }
  if (!rl_store_commit (self, error))
    return 0;
  return id;

fail:
  rl_store_rollback (self);
  return 0;
}
