/* rl-mid.c — multiple-identity detection and identity merges. */
#define G_LOG_DOMAIN "ridgeline-store"

#include "rl-mid.h"

#include <string.h>
#include "rl-store-private.h"

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

int
rl_store_merge_identities (RlStore *self, gint64 from, gint64 into, const char *reason, GError **error)
{
  static const char * const moves[] = {
    "UPDATE encounter SET identity_id = ?2 WHERE identity_id = ?1",
    "UPDATE derogatory_record SET identity_id = ?2 WHERE identity_id = ?1",
    "UPDATE hit SET identity_id = ?2 WHERE identity_id = ?1",
  };
  sqlite3_stmt *stmt;
  g_autofree char *details = NULL;
  g_autofree char *n_text = NULL;
  gint64 merged_from = 0, merged_into = 0;
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
  for (int k = 0; k < 2; k++)
    {
      gint64 id = k == 0 ? from : into;
      gboolean found = FALSE;
      gint64 m = 0;

      if (!(stmt = rl_store_stmt (self, "SELECT coalesce(merged_into, 0) FROM identity WHERE id = ?1", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          found = TRUE;
          m = sqlite3_column_int64 (stmt, 0);
        }
      sqlite3_reset (stmt);
      if (!found)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No identity with id %" G_GINT64_FORMAT), id);
          goto fail;
        }
      if (m != 0)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                       _("Identity %" G_GINT64_FORMAT " was already merged into %" G_GINT64_FORMAT), id, m);
          goto fail;
        }
      if (k == 0)
        merged_from = id;
      else
        merged_into = id;
    }
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      if (!(stmt = rl_store_stmt (self, moves[i], error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, merged_from);
      sqlite3_bind_int64 (stmt, 2, merged_into);
      if (!rl_store_run (self, stmt, error, _("Cannot move the identity’s records")))
        goto fail;
      if (i == 0)
        n_encounters = sqlite3_changes (self->db);
    }
  if (!(stmt = rl_store_stmt (self, "UPDATE identity SET merged_into = ?2 WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, merged_from);
  sqlite3_bind_int64 (stmt, 2, merged_into);
  if (!rl_store_run (self, stmt, error, _("Cannot mark the identity merged")))
    goto fail;
  n_text = g_strdup_printf ("%d", n_encounters);
  {
    g_autofree char *into_text = g_strdup_printf ("%" G_GINT64_FORMAT, merged_into);
    details = rl_json_object ("merged_into", into_text, "encounters_moved", n_text, "reason", reason, NULL);
  }
  if (!rl_store_audit_append (self, "identity.merge", "identity", merged_from, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return -1;
  return n_encounters;
fail:
  rl_store_rollback (self);
  return -1;
}
