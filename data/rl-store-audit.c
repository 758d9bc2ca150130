/* rl-store-audit.c — the append-only, hash-chained audit log.
 *
 * Each row's hash is SHA-256 over the previous row's hash and this row's own
 * content (id, time, user, action, object, purpose, details), so editing a
 * row breaks its own hash, and deleting one breaks the link of the next (and
 * leaves a gap in the ids, which are never reused: AUTOINCREMENT). A chain
 * rewritten from some row to the end by someone with write access is only
 * caught by comparing the head hash with one written down elsewhere, which is
 * why verification reports it.
 */
#define G_LOG_DOMAIN "rl-store"

#include "rl-store-private.h"
#include "rl-remote-pages-private.h"
#include "rl-remote-private.h"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

void
rl_audit_entry_free (RlAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->username);
  g_free (entry->action);
  g_free (entry->object_kind);
  g_free (entry->purpose);
  g_free (entry->details);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

void
rl_audit_report_free (RlAuditReport *report)
{
  if (report == NULL)
    return;
  g_free (report->problem);
  g_free (report->head_hash);
  g_free (report);
}

/* The hash of one row. Fields are separated by the ASCII unit separator,
 * which never occurs in our text, so that moving text between fields
 * changes the hash. */
static char *
row_hash (const char *prev_hash, gint64 id, gint64 at, gint64 user_id, const char *username,
          const char *action, const char *object_kind, gint64 object_id, const char *purpose,
          const char *details)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *numbers = g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT
                                              "\x1f%" G_GINT64_FORMAT "\x1f", id, at, user_id, object_id);
  const char *texts[] = { username, action, object_kind, purpose, details };

  g_checksum_update (sum, (const guchar *) prev_hash, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) numbers, -1);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_checksum_update (sum, (const guchar *) (texts[i] ? texts[i] : ""), -1);
      g_checksum_update (sum, (const guchar *) "\x1f", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

gboolean
rl_store_audit_append (RlStore *self, const char *action, const char *object_kind, gint64 object_id,
                       const char *purpose, const char *details, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 last_id = 0, seq = 0, id, at;
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  int rc;

  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (!(stmt = rl_store_stmt (self, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", error)))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      last_id = sqlite3_column_int64 (stmt, 0);
      prev_hash = rl_column_strdup0 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rl_store_fail (self, error, _("Cannot write the audit log"));
  if (prev_hash == NULL)
    prev_hash = g_strdup (GENESIS_HASH);

  /* Ids continue from the highest ever used, so a deleted last row leaves a
   * gap that verification finds. */
  if (!(stmt = rl_store_stmt (self, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'", error)))
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  id = MAX (last_id, seq) + 1;
  at = rl_store_now (self);

  hash = row_hash (prev_hash, id, at, self->actor_id, self->actor_name, action, object_kind, object_id,
                   purpose, details);
  if (!(stmt = rl_store_stmt (self, "INSERT INTO audit_log (id, at, user_id, username, action, object_kind, "
                                    "object_id, purpose, details, prev_hash, hash) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, at);
  rl_bind_id_or_null (stmt, 3, self->actor_id);
  sqlite3_bind_text (stmt, 4, self->actor_name ? self->actor_name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, object_kind ? object_kind : "", -1, SQLITE_TRANSIENT);
  rl_bind_id_or_null (stmt, 7, object_id);
  sqlite3_bind_text (stmt, 8, purpose ? purpose : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, details ? details : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, prev_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 11, hash, -1, SQLITE_TRANSIENT);
  return rl_store_run (self, stmt, error, _("Cannot write the audit log"));
}

gboolean
rl_store_audit (RlStore *self, const char *action, const char *object_kind, gint64 object_id,
                const char *purpose, const char *details_json, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_audit (self, action, object_kind, object_id, purpose, details_json, error);
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (action != NULL && action[0] != '\0', FALSE);

  if (!rl_store_begin (self, error))
    return FALSE;
  if (!rl_store_audit_append (self, action, object_kind, object_id, purpose, details_json, error))
    {
      rl_store_rollback (self);
      return FALSE;
    }
  return rl_store_commit (self, error);
}

static RlAuditEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  RlAuditEntry *e = g_new0 (RlAuditEntry, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->at = sqlite3_column_int64 (stmt, 1);
  e->user_id = sqlite3_column_int64 (stmt, 2);
  e->username = rl_column_strdup0 (stmt, 3);
  e->action = rl_column_strdup0 (stmt, 4);
  e->object_kind = rl_column_strdup0 (stmt, 5);
  e->object_id = sqlite3_column_int64 (stmt, 6);
  e->purpose = rl_column_strdup0 (stmt, 7);
  e->details = rl_column_strdup0 (stmt, 8);
  e->prev_hash = rl_column_strdup0 (stmt, 9);
  e->hash = rl_column_strdup0 (stmt, 10);
  return e;
}

GPtrArray *
rl_store_list_audit (RlStore *self, const char *object_kind, gint64 object_id, gint64 user_id, guint limit,
                     GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_audit (self, object_kind, object_id, user_id, limit, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, "SELECT id, at, user_id, username, action, object_kind, object_id, purpose, "
                                    "details, prev_hash, hash FROM audit_log "
                                    "WHERE (?1 IS NULL OR object_kind = ?1) AND (?2 IS NULL OR object_id = ?2) "
                                    "AND (?3 IS NULL OR user_id = ?3) ORDER BY id DESC LIMIT ?4", error)))
    return NULL;
  rl_bind_text_or_null (stmt, 1, object_kind);
  rl_bind_id_or_null (stmt, 2, object_id);
  rl_bind_id_or_null (stmt, 3, user_id);
  sqlite3_bind_int64 (stmt, 4, limit == 0 ? -1 : (gint64) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot read the audit log"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

RlAuditReport *
rl_store_verify_audit (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_verify_audit (self, error);
  if (self != NULL && self->remote != NULL)
    { rl_remote_unavailable (error, _("Checking the audit chain")); return NULL; }
  g_autoptr(RlAuditReport) report = g_new0 (RlAuditReport, 1);
  g_autofree char *prev_hash = g_strdup (GENESIS_HASH);
  sqlite3_stmt *stmt = NULL;
  gint64 expected_id = 1, seq = 0;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  /* A plain (not cached) statement: the walk reads the whole table once and
   * must not share a cursor with anything else. One read transaction, so the
   * chain is checked as of one moment even while others append. */
  if (sqlite3_exec (self->db, self->tx_depth == 0 ? "BEGIN" : "SAVEPOINT rl_verify", NULL, NULL, NULL) != SQLITE_OK)
    {
      rl_store_fail (self, error, _("Cannot read the audit log"));
      return NULL;
    }
  if (sqlite3_prepare_v2 (self->db, "SELECT id, at, user_id, username, action, object_kind, object_id, purpose, "
                                    "details, prev_hash, hash FROM audit_log ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
    goto read_error;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(RlAuditEntry) e = entry_from_row (stmt);
      g_autofree char *hash = NULL;

      report->n_rows++;
      if (report->problem != NULL)
        continue;

      if (e->id != expected_id)
        {
          report->first_bad_id = expected_id;
          if (e->id == expected_id + 1)
            report->problem = g_strdup_printf (_("row %" G_GINT64_FORMAT " was deleted (the log goes from row %"
                                                 G_GINT64_FORMAT " to row %" G_GINT64_FORMAT ")"),
                                               expected_id, expected_id - 1, e->id);
          else
            report->problem = g_strdup_printf (_("rows %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " were deleted "
                                                 "(the log goes from row %" G_GINT64_FORMAT " to row %" G_GINT64_FORMAT ")"),
                                               expected_id, e->id - 1, expected_id - 1, e->id);
          continue;
        }
      hash = row_hash (e->prev_hash, e->id, e->at, e->user_id, e->username, e->action, e->object_kind,
                       e->object_id, e->purpose, e->details);
      if (g_strcmp0 (hash, e->hash) != 0)
        {
          report->first_bad_id = e->id;
          report->problem = g_strdup_printf (_("row %" G_GINT64_FORMAT " was edited (its content no longer matches "
                                               "its hash)"), e->id);
          continue;
        }
      if (g_strcmp0 (e->prev_hash, prev_hash) != 0)
        {
          report->first_bad_id = e->id - 1;
          report->problem = g_strdup_printf (_("row %" G_GINT64_FORMAT " was edited or replaced (row %" G_GINT64_FORMAT
                                               " no longer links to it)"), e->id - 1, e->id);
          continue;
        }
      g_free (prev_hash);
      prev_hash = g_steal_pointer (&e->hash);
      expected_id++;
    }
  if (rc != SQLITE_DONE)
    goto read_error;
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'", -1, &stmt, NULL) != SQLITE_OK)
    goto read_error;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;
  sqlite3_exec (self->db, self->tx_depth == 0 ? "COMMIT" : "RELEASE rl_verify", NULL, NULL, NULL);

  if (report->problem == NULL && seq >= expected_id)
    {
      report->first_bad_id = expected_id;
      if (seq == expected_id)
        report->problem = g_strdup_printf (_("row %" G_GINT64_FORMAT " (the last one) was deleted"), seq);
      else
        report->problem = g_strdup_printf (_("rows %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " (the last ones) were deleted"),
                                           expected_id, seq);
    }
  report->head_hash = g_steal_pointer (&prev_hash);
  return g_steal_pointer (&report);

read_error:
  rl_store_fail (self, error, _("Cannot read the audit log"));
  sqlite3_finalize (stmt);
  sqlite3_exec (self->db, self->tx_depth == 0 ? "ROLLBACK" : "ROLLBACK TO rl_verify; RELEASE rl_verify", NULL, NULL, NULL);
  return NULL;
}
