/* rl-mid.c — multiple-identity detection and identity merges. */
#define G_LOG_DOMAIN "ridgeline-store"

#include "rl-mid.h"

#include <string.h>
#include "rl-store-private.h"
#include "rl-remote-pages-private.h"

#include "rl-compare.h"
#include "rl-template-io.h"

float
rl_mid_default_threshold (void)
{
  return rl_score_for_fmr (1e-5);
}

/* Unknown ("" or "00" parts) never counts as a difference: a missing date
 * of birth is not a second identity. */
static gboolean
field_differs (const char *a, const char *b)
{
  if (a == NULL || b == NULL || a[0] == '\0' || b[0] == '\0')
    return FALSE;
  return g_utf8_collate (a, b) != 0 && g_ascii_strcasecmp (a, b) != 0;
}

/* "YYYY-MM-DD" where 0000 / 00 parts are unknown: only known parts that
 * disagree count ("1997-00-00" and "1997-07-18" agree). */
static gboolean
date_differs (const char *a, const char *b)
{
  if (field_differs (a, b) == FALSE)
    return FALSE;
  if (strlen (a) != 10 || strlen (b) != 10)
    return TRUE;
  for (int part = 0; part < 3; part++)
    {
      int at = part == 0 ? 0 : part == 1 ? 5 : 8, len = part == 0 ? 4 : 2;
      gboolean unknown_a = strncmp (a + at, "0000", len) == 0, unknown_b = strncmp (b + at, "0000", len) == 0;

      if (!unknown_a && !unknown_b && strncmp (a + at, b + at, len) != 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
rl_mid_biographic_differs (const RlEncounter *a, const RlEncounter *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return field_differs (a->family_name, b->family_name) || field_differs (a->given_names, b->given_names) ||
         date_differs (a->date_of_birth, b->date_of_birth) || field_differs (a->nationality, b->nationality);
}

typedef struct {
  gint64              identity_id;     /* the encounter's own identity */
  GPtrArray          *probes;          /* of RlPreparedTemplate*, with probe_fingers */
  GArray             *probe_fingers;   /* int */
  GHashTable         *best;            /* other identity id → float* best score */
} MidScan;

static gboolean
scan_template (gint64 sample_id, gint64 identity_id, int finger, const guint8 *data, gsize len, gpointer user_data)
{
  MidScan *scan = user_data;
  g_autoptr(RlTemplate) tpl = NULL;
  g_autoptr(RlPreparedTemplate) prepared = NULL;

  if (identity_id == scan->identity_id)
    return TRUE;
  /* A damaged stored template is skipped, not fatal: the rest of the
   * gallery still gets checked. */
  if (!(tpl = rl_template_deserialize (data, len, NULL)))
    return TRUE;
  prepared = rl_prepared_template_new (tpl);
  for (guint i = 0; i < scan->probes->len; i++)
    {
      int probe_finger = g_array_index (scan->probe_fingers, int, i);
      float score, *best;

      /* Known, different finger positions cannot be the same print. */
      if (probe_finger != 0 && finger != 0 && probe_finger != finger)
        continue;
      score = rl_compare_prepared (g_ptr_array_index (scan->probes, i), prepared, NULL);
      best = g_hash_table_lookup (scan->best, &identity_id);
      if (best == NULL)
        {
          gint64 *key = g_new (gint64, 1);
          *key = identity_id;
          best = g_new (float, 1);
          *best = score;
          g_hash_table_insert (scan->best, key, best);
        }
      else if (score > *best)
        *best = score;
    }
  return TRUE;
}

static gboolean
identity_is_merged (RlStore *store, gint64 identity_id)
{
  sqlite3_stmt *stmt = rl_store_stmt (store, "SELECT merged_into IS NOT NULL FROM identity WHERE id = ?1", NULL);
  gboolean merged = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    merged = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return merged;
}

int
rl_mid_check_encounter (RlStore *store, gint64 encounter_id, float threshold, GError **error)
{
  g_autoptr(RlEncounter) encounter = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_prepared_template_free);
  g_autoptr(GArray) fingers = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GHashTable) best = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  MidScan scan;
  GHashTableIter iter;
  gpointer key, value;
  int n_links = 0;

  g_return_val_if_fail (store != NULL, -1);
  if (threshold <= 0)
    threshold = rl_mid_default_threshold ();

  if (!(encounter = rl_store_get_encounter (store, encounter_id, error)))
    return -1;
  if (!(samples = rl_store_list_samples (store, encounter_id, error)))
    return -1;
  for (guint i = 0; i < samples->len; i++)
    {
      RlSample *s = g_ptr_array_index (samples, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(RlTemplate) tpl = NULL;
      gsize len;
      const guint8 *data;
      int finger = s->finger;

      if (!s->has_template)
        continue;
      if (!(bytes = rl_store_get_sample_template (store, s->id, error)))
        return -1;
      data = g_bytes_get_data (bytes, &len);
      if (!(tpl = rl_template_deserialize (data, len, error)))
        {
          g_prefix_error (error, _("Template of sample %" G_GINT64_FORMAT ": "), s->id);
          return -1;
        }
      g_ptr_array_add (probes, rl_prepared_template_new (tpl));
      g_array_append_val (fingers, finger);
    }
  if (probes->len == 0)
    return 0;

  scan = (MidScan) { encounter->identity_id, probes, fingers, best };
  if (!rl_store_foreach_template (store, scan_template, &scan, error))
    return -1;

  g_hash_table_iter_init (&iter, best);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 other = *(gint64 *) key;
      float score = *(float *) value;
      g_autoptr(GPtrArray) others = NULL;
      gboolean differs = FALSE;

      if (score < threshold || identity_is_merged (store, other))
        continue;
      if (!(others = rl_store_list_encounters (store, other, error)))
        return -1;
      for (guint i = 0; i < others->len && !differs; i++)
        differs = rl_mid_biographic_differs (encounter, g_ptr_array_index (others, i));
      /* Same prints, same biographic data: a duplicate enrolment, not a
       * multiple identity. Left to deduplication. */
      if (!differs)
        continue;
      if (rl_store_add_identity_link (store, encounter->identity_id, other, score, error) == 0)
        return -1;
      n_links++;
    }
  return n_links;
}

/* Reads whether identity_id exists and what it is merged into (0: live). */
static gboolean
read_identity_state (RlStore *self, gint64 identity_id, gint64 *out_merged_into, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (!(stmt = rl_store_stmt (self, "SELECT coalesce(merged_into, 0) FROM identity WHERE id = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      *out_merged_into = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_reset (stmt);
  if (!found)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No identity with id %" G_GINT64_FORMAT), identity_id);
  return found;
}

/* A live identity (exists, not merged away). */
static gboolean
require_live_identity (RlStore *self, gint64 identity_id, GError **error)
{
  gint64 merged_into = 0;

  if (!read_identity_state (self, identity_id, &merged_into, error))
    return FALSE;
  if (merged_into != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Identity %" G_GINT64_FORMAT " was already merged into %" G_GINT64_FORMAT), identity_id,
                   merged_into);
      return FALSE;
    }
  return TRUE;
}

/* Runs a statement with up to three id parameters (?1 ?2 ?3, as many as it
 * has). */
static gboolean
run_ids (RlStore *self, const char *sql, gint64 a, gint64 b, gint64 c, GError **error, const char *what)
{
  sqlite3_stmt *stmt;
  const gint64 ids[] = { a, b, c };

  if (!(stmt = rl_store_stmt (self, sql, error)))
    return FALSE;
  for (int i = 0; i < sqlite3_bind_parameter_count (stmt) && i < 3; i++)
    sqlite3_bind_int64 (stmt, i + 1, ids[i]);
  return rl_store_run (self, stmt, error, what);
}

int
rl_store_merge_identities (RlStore *self, gint64 from, gint64 into, const char *reason, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_merge_identities (self, from, into, reason, error);
  /* What moves, noted first (identity_merge_move) so that the merge can be
   * undone exactly: ?1 merge, ?2 from. */
  static const char * const notes[] = {
    "INSERT INTO identity_merge_move SELECT ?1, 'encounter', id FROM encounter WHERE identity_id = ?2",
    ("INSERT INTO identity_merge_move SELECT ?1, 'derogatory_record', id FROM derogatory_record "
     "WHERE identity_id = ?2"),
    "INSERT INTO identity_merge_move SELECT ?1, 'hit', id FROM hit WHERE identity_id = ?2",
  };
  static const char * const moves[] = {
    "UPDATE encounter SET identity_id = ?2 WHERE identity_id = ?1",
    "UPDATE derogatory_record SET identity_id = ?2 WHERE identity_id = ?1",
    "UPDATE hit SET identity_id = ?2 WHERE identity_id = ?1",
  };
  sqlite3_stmt *stmt;
  g_autofree char *details = NULL;
  g_autofree char *n_text = NULL;
  g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, from);
  g_autofree char *into_text = g_strdup_printf ("%" G_GINT64_FORMAT, into);
  g_autofree char *merge_text = NULL;
  gint64 merge_id;
  int n_encounters = 0;

  g_return_val_if_fail (self != NULL, -1);

  if (!rl_store_require_role (self, error, _("merge identities"), RL_ROLE_ANALYST, RL_ROLE_SUPERVISOR, 0))
    return -1;
  if (from == into)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("An identity cannot be merged into itself (%" G_GINT64_FORMAT ")"), from);
      return -1;
    }
  if (rl_is_blank (reason))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Merging identities needs a reason"));
      return -1;
    }
  if (!rl_store_begin (self, error))
    return -1;
  /* Both must exist and neither may already be merged away. */
  if (!require_live_identity (self, from, error) || !require_live_identity (self, into, error))
    goto fail;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO identity_merge (from_identity, into_identity, reason, merged_by, "
                                    "merged_at) VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, into);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  rl_bind_id_or_null (stmt, 4, rl_store_get_actor (self));
  sqlite3_bind_int64 (stmt, 5, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot record the merge")))
    goto fail;
  merge_id = sqlite3_last_insert_rowid (self->db);
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    if (!run_ids (self, notes[i], merge_id, from, 1, error, _("Cannot record what the merge moves")))
      goto fail;
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      if (!run_ids (self, moves[i], from, into, 1, error, _("Cannot move the identity’s records")))
        goto fail;
      if (i == 0)
        n_encounters = sqlite3_changes (self->db);
    }
  if (!run_ids (self, "UPDATE identity SET merged_into = ?2 WHERE id = ?1", from, into, 1, error,
                _("Cannot mark the identity merged")))
    goto fail;
  n_text = g_strdup_printf ("%d", n_encounters);
  merge_text = g_strdup_printf ("%" G_GINT64_FORMAT, merge_id);
  /* One row on each side, so that both identities' histories show it. */
  details = rl_json_object ("merged_into", into_text, "encounters_moved", n_text, "reason", reason,
                            "merge", merge_text, NULL);
  if (!rl_store_audit_append (self, "identity.merge", "identity", from, NULL, details, error))
    goto fail;
  g_clear_pointer (&details, g_free);
  details = rl_json_object ("merged_from", from_text, "encounters_moved", n_text, "reason", reason,
                            "merge", merge_text, NULL);
  if (!rl_store_audit_append (self, "identity.merge", "identity", into, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return -1;
  return n_encounters;
fail:
  rl_store_rollback (self);
  return -1;
}

int
rl_store_undo_merge (RlStore *self, gint64 merged_identity_id, const char *reason, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_undo_merge (self, merged_identity_id, reason, error);
  static const char * const moves_back[] = {
    "UPDATE encounter SET identity_id = ?2 WHERE identity_id = ?3 AND id IN "
    "  (SELECT row_id FROM identity_merge_move WHERE merge_id = ?1 AND kind = 'encounter')",
    "UPDATE derogatory_record SET identity_id = ?2 WHERE identity_id = ?3 AND id IN "
    "  (SELECT row_id FROM identity_merge_move WHERE merge_id = ?1 AND kind = 'derogatory_record')",
    "UPDATE hit SET identity_id = ?2 WHERE identity_id = ?3 AND id IN "
    "  (SELECT row_id FROM identity_merge_move WHERE merge_id = ?1 AND kind = 'hit')",
  };
  sqlite3_stmt *stmt;
  gint64 from = merged_identity_id, into = 0, merge_id = 0, into_merged = 0;
  g_autofree char *details = NULL;
  g_autofree char *n_text = NULL;
  g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, from);
  g_autofree char *into_text = NULL;
  g_autofree char *merge_text = NULL;
  int n_encounters = 0;

  g_return_val_if_fail (self != NULL, -1);

  if (!rl_store_require_role (self, error, _("undo identity merges"), RL_ROLE_ANALYST, RL_ROLE_SUPERVISOR, 0))
    return -1;
  if (rl_is_blank (reason))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Undoing a merge needs a reason"));
      return -1;
    }
  if (!rl_store_begin (self, error))
    return -1;
  if (!read_identity_state (self, from, &into, error))
    goto fail;
  if (into == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Identity %" G_GINT64_FORMAT " is not merged into another identity"), from);
      goto fail;
    }
  if (!(stmt = rl_store_stmt (self, "SELECT id FROM identity_merge WHERE from_identity = ?1 AND into_identity = ?2 "
                                    "AND undone_at IS NULL ORDER BY id DESC LIMIT 1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, into);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    merge_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (merge_id == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("The merge of identity %" G_GINT64_FORMAT " into %" G_GINT64_FORMAT " was made before Ridgeline "
                     "kept what a merge moves: split its encounters off instead"), from, into);
      goto fail;
    }
  /* What moved may have moved on with a later merge: undo that one first. */
  if (!read_identity_state (self, into, &into_merged, error))
    goto fail;
  if (into_merged != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Identity %" G_GINT64_FORMAT " was merged into %" G_GINT64_FORMAT " since: undo that merge first"),
                   into, into_merged);
      goto fail;
    }
  /* Only rows still under `into` go back: an encounter split off since
   * stays where the analyst put it. */
  for (guint i = 0; i < G_N_ELEMENTS (moves_back); i++)
    {
      if (!run_ids (self, moves_back[i], merge_id, from, into, error, _("Cannot move the records back")))
        goto fail;
      if (i == 0)
        n_encounters = sqlite3_changes (self->db);
    }
  if (!run_ids (self, "UPDATE identity SET merged_into = NULL WHERE id = ?1", from, 1, 1, error,
                _("Cannot restore the identity")))
    goto fail;
  if (!(stmt = rl_store_stmt (self, "UPDATE identity_merge SET undone_by = ?2, undone_at = ?3, undo_reason = ?4 "
                                    "WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, merge_id);
  rl_bind_id_or_null (stmt, 2, rl_store_get_actor (self));
  sqlite3_bind_int64 (stmt, 3, rl_store_now (self));
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_TRANSIENT);
  if (!rl_store_run (self, stmt, error, _("Cannot record the undone merge")))
    goto fail;
  n_text = g_strdup_printf ("%d", n_encounters);
  into_text = g_strdup_printf ("%" G_GINT64_FORMAT, into);
  merge_text = g_strdup_printf ("%" G_GINT64_FORMAT, merge_id);
  details = rl_json_object ("was_merged_into", into_text, "encounters_moved_back", n_text, "reason", reason,
                            "merge", merge_text, NULL);
  if (!rl_store_audit_append (self, "identity.unmerge", "identity", from, NULL, details, error))
    goto fail;
  g_clear_pointer (&details, g_free);
  details = rl_json_object ("restored", from_text, "encounters_moved_back", n_text, "reason", reason,
                            "merge", merge_text, NULL);
  if (!rl_store_audit_append (self, "identity.unmerge", "identity", into, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return -1;
  return n_encounters;
fail:
  rl_store_rollback (self);
  return -1;
}

gint64
rl_store_split_identity (RlStore *self, gint64 identity_id, const gint64 *encounter_ids, guint n_encounter_ids,
                         const char *reason, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_split_identity (self, identity_id, encounter_ids, n_encounter_ids, reason, error);
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *details = NULL;
  g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, identity_id);
  g_autofree char *new_text = NULL;
  sqlite3_stmt *stmt;
  gint64 total = 0, new_id = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (encounter_ids != NULL || n_encounter_ids == 0, 0);

  if (!rl_store_require_role (self, error, _("split identities"), RL_ROLE_ANALYST, RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (rl_is_blank (reason))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Splitting an identity needs a reason"));
      return 0;
    }
  if (n_encounter_ids == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Choose the encounters to split off identity %" G_GINT64_FORMAT), identity_id);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!require_live_identity (self, identity_id, error))
    goto fail;
  for (guint i = 0; i < n_encounter_ids; i++)
    {
      gint64 owner = 0;
      gboolean found = FALSE;

      if (g_hash_table_contains (chosen, &encounter_ids[i]))
        continue;
      if (!(stmt = rl_store_stmt (self, "SELECT identity_id FROM encounter WHERE id = ?1", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, encounter_ids[i]);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          found = TRUE;
          owner = sqlite3_column_int64 (stmt, 0);
        }
      sqlite3_reset (stmt);
      if (!found)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No encounter with id %" G_GINT64_FORMAT),
                       encounter_ids[i]);
          goto fail;
        }
      if (owner != identity_id)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                       _("Encounter %" G_GINT64_FORMAT " belongs to identity %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT),
                       encounter_ids[i], owner, identity_id);
          goto fail;
        }
      g_hash_table_add (chosen, (gpointer) &encounter_ids[i]);
      g_string_append_printf (list, "%s%" G_GINT64_FORMAT, list->len ? "," : "", encounter_ids[i]);
    }
  if (!(stmt = rl_store_stmt (self, "SELECT count(*) FROM encounter WHERE identity_id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  if (!rl_store_query_int64 (self, stmt, &total, error, _("Cannot count the encounters")))
    goto fail;
  /* Every encounter away would leave an identity with no one behind it. */
  if ((gint64) g_hash_table_size (chosen) >= total)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Splitting every encounter off identity %" G_GINT64_FORMAT " would leave it empty: keep at least "
                     "one"), identity_id);
      goto fail;
    }
  if ((new_id = rl_store_add_identity (self, NULL, error)) == 0)
    goto fail;
  for (guint i = 0; i < n_encounter_ids; i++)
    if (!run_ids (self, "UPDATE encounter SET identity_id = ?2 WHERE id = ?1 AND identity_id = ?3", encounter_ids[i],
                  new_id, identity_id, error, _("Cannot move the encounter")))
      goto fail;
  new_text = g_strdup_printf ("%" G_GINT64_FORMAT, new_id);
  details = rl_json_object ("new_identity", new_text, "encounters", list->str, "reason", reason, NULL);
  if (!rl_store_audit_append (self, "identity.split", "identity", identity_id, NULL, details, error))
    goto fail;
  g_clear_pointer (&details, g_free);
  details = rl_json_object ("split_from", from_text, "encounters", list->str, "reason", reason, NULL);
  if (!rl_store_audit_append (self, "identity.split", "identity", new_id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return new_id;
fail:
  rl_store_rollback (self);
  return 0;
}
