/* rl-store-releases.c — matcher releases: draft → evaluated → approved
 * (or rejected) → active → retired, with the two-person rule. */
#define G_LOG_DOMAIN "rl-store"

#include "rl-store-private.h"
#include "rl-remote-pages-private.h"
#include "rl-remote-private.h"

static const RlEnumEntry state_table[] = {
  { RL_RELEASE_DRAFT, "draft", N_("Draft") },
  { RL_RELEASE_EVALUATED, "evaluated", N_("Evaluated") },
  { RL_RELEASE_APPROVED, "approved", N_("Approved") },
  { RL_RELEASE_REJECTED, "rejected", N_("Rejected") },
  { RL_RELEASE_ACTIVE, "active", N_("Active") },
  { RL_RELEASE_RETIRED, "retired", N_("Retired") },
};
RL_DEFINE_ENUM_IDS (rl_release_state, RlReleaseState, state_table)

void
rl_matcher_release_free (RlMatcherRelease *r)
{
  if (r == NULL)
    return;
  g_free (r->name);
  g_free (r->parameters);
  g_free (r->metrics);
  g_free (r->review_comment);
  g_free (r);
}

#define RELEASE_COLUMNS "SELECT id, name, parameters, state, metrics, author_id, approver_id, review_comment, based_on, " \
                        "created_at, evaluated_at, reviewed_at, activated_at, retired_at FROM matcher_release "

static RlMatcherRelease *
release_from_row (sqlite3_stmt *stmt)
{
  RlMatcherRelease *r = g_new0 (RlMatcherRelease, 1);
  r->id = sqlite3_column_int64 (stmt, 0);
  r->name = rl_column_strdup0 (stmt, 1);
  r->parameters = rl_column_strdup0 (stmt, 2);
  r->state = rl_column_enum (stmt, 3, state_table, G_N_ELEMENTS (state_table));
  r->metrics = rl_column_strdup (stmt, 4);
  r->author_id = sqlite3_column_int64 (stmt, 5);
  r->approver_id = sqlite3_column_int64 (stmt, 6);
  r->review_comment = rl_column_strdup0 (stmt, 7);
  r->based_on = sqlite3_column_int64 (stmt, 8);
  r->created_at = sqlite3_column_int64 (stmt, 9);
  r->evaluated_at = sqlite3_column_int64 (stmt, 10);
  r->reviewed_at = sqlite3_column_int64 (stmt, 11);
  r->activated_at = sqlite3_column_int64 (stmt, 12);
  r->retired_at = sqlite3_column_int64 (stmt, 13);
  return r;
}

static RlMatcherRelease *
get_one (RlStore *self, sqlite3_stmt *stmt, GError **error, const char *missing)
{
  return rl_store_query_row (self, stmt, (RlStoreRowFunc) release_from_row, _("Cannot read the matcher release"), error, "%s", missing);
}

RlMatcherRelease *
rl_store_get_release (RlStore *self, gint64 release_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_release (self, release_id, error);
  g_autofree char *missing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, RELEASE_COLUMNS "WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, release_id);
  missing = g_strdup_printf (_("No matcher release with id %" G_GINT64_FORMAT), release_id);
  return get_one (self, stmt, error, missing);
}

RlMatcherRelease *
rl_store_get_active_release (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_active_release (self, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, RELEASE_COLUMNS "WHERE state = 'active'", error)))
    return NULL;
  return get_one (self, stmt, error, _("No matcher release is active"));
}

GPtrArray *
rl_store_list_releases (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_releases (self, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_matcher_release_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, RELEASE_COLUMNS "ORDER BY created_at DESC, id DESC", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, release_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list matcher releases"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gint64
rl_store_add_release (RlStore *self, const char *name, const char *parameters_json, gint64 based_on, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  if (rl_is_blank (name) || g_utf8_strlen (name, -1) > 64)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("“%s” is not a release name: use 1 to 64 characters"), name);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO matcher_release (name, parameters, author_id, based_on, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, parameters_json ? parameters_json : "{}", -1, SQLITE_TRANSIENT);
  rl_bind_id_or_null (stmt, 3, self->actor_id);
  rl_bind_id_or_null (stmt, 4, based_on);
  sqlite3_bind_int64 (stmt, 5, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int code = sqlite3_extended_errcode (self->db);
      if (code == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Cannot add the release: the name “%s” is taken"), name);
      else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the release: release %" G_GINT64_FORMAT " it is based on does not exist"), based_on);
      else
        rl_store_fail (self, error, _("Cannot add the release"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  details = rl_json_object ("name", name, NULL);
  if (!rl_store_audit_append (self, "release.add", "matcher_release", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

static gboolean
wrong_state (RlMatcherRelease *r, const char *needed, GError **error)
{
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Release “%s” is %s: it must be %s first"),
               r->name, rl_release_state_to_label (r->state), needed);
  return FALSE;
}

gboolean
rl_store_set_release_evaluated (RlStore *self, gint64 release_id, const char *metrics_json, GBytes *report,
                                GError **error)
{
  g_autoptr(RlMatcherRelease) r = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (metrics_json != NULL, FALSE);

  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(r = rl_store_get_release (self, release_id, error)))
    goto fail;
  if (r->state != RL_RELEASE_DRAFT && r->state != RL_RELEASE_EVALUATED)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Release “%s” is %s: only a draft can be evaluated"), r->name, rl_release_state_to_label (r->state));
      goto fail;
    }
  if (!(stmt = rl_store_stmt (self, "UPDATE matcher_release SET state = 'evaluated', metrics = ?1, report = ?2, evaluated_at = ?3 "
                                    "WHERE id = ?4", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, metrics_json, -1, SQLITE_TRANSIENT);
  if (report != NULL)
    {
      gsize len;
      const void *data = g_bytes_get_data (report, &len);
      sqlite3_bind_blob64 (stmt, 2, data ? data : "", len, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (stmt, 3, rl_store_now (self));
  sqlite3_bind_int64 (stmt, 4, release_id);
  if (!rl_store_run (self, stmt, error, _("Cannot store the evaluation")))
    goto fail;
  if (!rl_store_audit_append (self, "release.evaluate", "matcher_release", release_id, NULL, NULL, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

GBytes *
rl_store_get_release_report (RlStore *self, gint64 release_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_release_report (self, release_id, error);
  GBytes *bytes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, "SELECT report FROM matcher_release WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, release_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  else if (rc == SQLITE_ROW)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("Release %" G_GINT64_FORMAT " has no evaluation report"), release_id);
  else if (rc == SQLITE_DONE)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No matcher release with id %" G_GINT64_FORMAT), release_id);
  else
    rl_store_fail (self, error, _("Cannot read the report"));
  sqlite3_reset (stmt);
  return bytes;
}

gboolean
rl_store_review_release (RlStore *self, gint64 release_id, gboolean approve, const char *comment, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_review_release (self, release_id, approve, comment, error);
  g_autoptr(RlMatcherRelease) r = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, approve ? _("approve a matcher release") : _("reject a matcher release"),
                              RL_ROLE_SUPERVISOR, 0))
    return FALSE;
  if (!approve && rl_is_blank (comment))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Rejecting a release needs a comment"));
      return FALSE;
    }
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(r = rl_store_get_release (self, release_id, error)))
    goto fail;
  if (r->author_id == self->actor_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                   _("%s wrote release “%s” and cannot review it too: another supervisor must"), self->actor_name, r->name);
      goto fail;
    }
  if (r->state != RL_RELEASE_EVALUATED)
    {
      wrong_state (r, _("evaluated"), error);
      goto fail;
    }
  if (!(stmt = rl_store_stmt (self, "UPDATE matcher_release SET state = ?1, approver_id = ?2, review_comment = ?3, "
                                    "reviewed_at = ?4 WHERE id = ?5", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, approve ? "approved" : "rejected", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  sqlite3_bind_text (stmt, 3, comment ? comment : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, rl_store_now (self));
  sqlite3_bind_int64 (stmt, 5, release_id);
  if (!rl_store_run (self, stmt, error, _("Cannot record the review")))
    goto fail;
  {
    g_autofree char *details = rl_json_object ("comment", comment, NULL);
    if (!rl_store_audit_append (self, approve ? "release.approve" : "release.reject", "matcher_release", release_id,
                                NULL, details, error))
      goto fail;
  }
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

/* Retires the active release, if any (inside the caller's transaction). */
static gboolean
retire_active (RlStore *self, gint64 *out_retired, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 active = 0;

  if (!(stmt = rl_store_stmt (self, "SELECT id FROM matcher_release WHERE state = 'active'", error)))
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    active = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (out_retired)
    *out_retired = active;
  if (active == 0)
    return TRUE;
  if (!(stmt = rl_store_stmt (self, "UPDATE matcher_release SET state = 'retired', retired_at = ?1 WHERE id = ?2", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rl_store_now (self));
  sqlite3_bind_int64 (stmt, 2, active);
  if (!rl_store_run (self, stmt, error, _("Cannot retire the active release")))
    return FALSE;
  return rl_store_audit_append (self, "release.retire", "matcher_release", active, NULL, NULL, error);
}

gboolean
rl_store_activate_release (RlStore *self, gint64 release_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_activate_release (self, release_id, error);
  g_autoptr(RlMatcherRelease) r = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  /* The system may activate the release shipped with Ridgeline (no author)
   * when setting up a workspace; everything else needs a supervisor. */
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(r = rl_store_get_release (self, release_id, error)))
    goto fail;
  if (!(self->actor_id == 0 && r->author_id == 0) &&
      !rl_store_require_role (self, error, _("activate a matcher release"), RL_ROLE_SUPERVISOR, 0))
    goto fail;
  if (r->author_id != 0 && r->state != RL_RELEASE_APPROVED && !(r->state == RL_RELEASE_RETIRED && r->approver_id != 0))
    {
      wrong_state (r, _("approved"), error);
      goto fail;
    }
  if (r->state == RL_RELEASE_ACTIVE)
    return rl_store_commit (self, error);
  if (r->state == RL_RELEASE_REJECTED)
    {
      wrong_state (r, _("approved"), error);
      goto fail;
    }
  if (!retire_active (self, NULL, error))
    goto fail;
  if (!(stmt = rl_store_stmt (self, "UPDATE matcher_release SET state = 'active', activated_at = ?1, retired_at = NULL "
                                    "WHERE id = ?2", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, rl_store_now (self));
  sqlite3_bind_int64 (stmt, 2, release_id);
  if (!rl_store_run (self, stmt, error, _("Cannot activate the release")))
    goto fail;
  if (!rl_store_audit_append (self, "release.activate", "matcher_release", release_id, NULL, NULL, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

gint64
rl_store_rollback_release (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_rollback_release (self, error);
  g_autoptr(RlMatcherRelease) active = NULL;
  sqlite3_stmt *stmt;
  gint64 previous = 0;

  g_return_val_if_fail (self != NULL, 0);

  if (!rl_store_require_role (self, error, _("roll back a matcher release"), RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (!rl_store_begin (self, error))
    return 0;
  if (!(active = rl_store_get_active_release (self, error)))
    goto fail;
  /* The previous release is the retired one activated last before this one.
   * Reactivation keeps its first activated_at, so rolling back twice steps
   * back twice. */
  if (!(stmt = rl_store_stmt (self, "SELECT id FROM matcher_release WHERE state = 'retired' AND activated_at IS NOT NULL "
                                    "AND (activated_at, id) < (?2, ?1) ORDER BY activated_at DESC, id DESC LIMIT 1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, active->id);
  sqlite3_bind_int64 (stmt, 2, active->activated_at);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    previous = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (previous == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("There is no earlier release to roll back to from “%s”"), active->name);
      goto fail;
    }
  if (!retire_active (self, NULL, error))
    goto fail;
  if (!(stmt = rl_store_stmt (self, "UPDATE matcher_release SET state = 'active', retired_at = NULL WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, previous);
  if (!rl_store_run (self, stmt, error, _("Cannot reactivate the previous release")))
    goto fail;
  {
    g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, active->id);
    g_autofree char *details = rl_json_object ("rolled_back_from", from, NULL);
    if (!rl_store_audit_append (self, "release.rollback", "matcher_release", previous, NULL, details, error))
      goto fail;
  }
  if (!rl_store_commit (self, error))
    return 0;
  return previous;
fail:
  rl_store_rollback (self);
  return 0;
}

gboolean
rl_store_link_release_corrections (RlStore *self, gint64 release_id, const gint64 *correction_ids, guint n,
                                   GError **error)
{
  g_autoptr(RlMatcherRelease) r = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n == 0 || correction_ids != NULL, FALSE);

  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(r = rl_store_get_release (self, release_id, error)))
    goto fail;
  if (r->state != RL_RELEASE_DRAFT)
    {
      wrong_state (r, _("a draft"), error);
      goto fail;
    }
  for (guint i = 0; i < n; i++)
    {
      if (!(stmt = rl_store_stmt (self, "INSERT INTO release_correction (release_id, correction_id) VALUES (?1, ?2) "
                                        "ON CONFLICT DO NOTHING", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, release_id);
      sqlite3_bind_int64 (stmt, 2, correction_ids[i]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
            g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                         _("No correction with id %" G_GINT64_FORMAT), correction_ids[i]);
          else
            rl_store_fail (self, error, _("Cannot link the correction"));
          sqlite3_reset (stmt);
          goto fail;
        }
      sqlite3_reset (stmt);
      if (!(stmt = rl_store_stmt (self, "UPDATE correction SET status = 'used' WHERE id = ?1 AND status IN ('open','accepted')", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, correction_ids[i]);
      if (!rl_store_run (self, stmt, error, _("Cannot link the correction")))
        goto fail;
    }
  {
    g_autofree char *count = g_strdup_printf ("%u", n);
    g_autofree char *details = rl_json_object ("corrections", count, NULL);
    if (!rl_store_audit_append (self, "release.corrections", "matcher_release", release_id, NULL, details, error))
      goto fail;
  }
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}
