/* rl-sharing.c — partners of the gateway and their sharing agreements.
 *
 * The agreement lives in two small tables (one row per shared category, one
 * per shared field) so that SQLite's CHECK constraints name any unknown
 * value, and a partner with no rows shares nothing: forgetting to set an
 * agreement can only ever under-share.
 */
#define G_LOG_DOMAIN "rl-sharing"

#include "rl-sharing.h"
#include "rl-store-private.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

static const RlEnumEntry field_table[] = {
  { RL_BIOGRAPHIC_FAMILY_NAME, "family_name", N_("Family name") },
  { RL_BIOGRAPHIC_GIVEN_NAMES, "given_names", N_("Given names") },
  { RL_BIOGRAPHIC_DATE_OF_BIRTH, "date_of_birth", N_("Date of birth") },
  { RL_BIOGRAPHIC_NATIONALITY, "nationality", N_("Nationality") },
  { RL_BIOGRAPHIC_SEX, "sex", N_("Sex") },
};
RL_DEFINE_ENUM_IDS (rl_biographic_field, RlBiographicField, field_table)

/* Keys look like "rlp_" + 48 hex digits (192 random bits). */
#define KEY_PREFIX "rlp_"
#define KEY_RANDOM_BYTES 24
#define KEY_SHOWN_CHARS 12

void
rl_partner_free (RlPartner *partner)
{
  if (partner == NULL)
    return;
  g_free (partner->name);
  g_free (partner->agency);
  g_free (partner->key_prefix);
  g_free (partner);
}

gboolean
rl_partner_shares_category (const RlPartner *partner, RlDerogatoryCategory category)
{
  g_return_val_if_fail (partner != NULL, FALSE);
  return category >= 1 && category <= RL_DEROGATORY_N_CATEGORIES
         && (partner->derogatory_categories & RL_DEROGATORY_BIT (category)) != 0;
}

gboolean
rl_partner_shares_field (const RlPartner *partner, RlBiographicField field)
{
  g_return_val_if_fail (partner != NULL, FALSE);
  return (partner->biographic_fields & field) != 0;
}

static char *
key_hash (const char *key)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
}

char *
rl_sharing_random_token (const char *prefix, guint n_bytes, GError **error)
{
  g_autofree guint8 *bytes = NULL;
  GString *token;
  gsize got = 0;

  g_return_val_if_fail (n_bytes > 0 && n_bytes <= 256, NULL);

  bytes = g_malloc (n_bytes);
  /* The kernel's CSPRNG: GLib's g_random is not meant for secrets. */
  while (got < n_bytes)
    {
      ssize_t n = getrandom (bytes + got, n_bytes - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED,
                       _("No random bytes from the system (%s)"), g_strerror (saved));
          return NULL;
        }
      got += (gsize) n;
    }
  token = g_string_new (prefix);
  for (guint i = 0; i < n_bytes; i++)
    g_string_append_printf (token, "%02x", bytes[i]);
  memset (bytes, 0, n_bytes);
  return g_string_free (token, FALSE);
}

/* ------------------------------------------------------------- parsing */

static gboolean
parse_list (const char *list, gboolean is_fields, guint32 *out, GError **error)
{
  g_auto(GStrv) items = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (list ? list : ""));
  guint32 set = 0;

  g_return_val_if_fail (out != NULL, FALSE);

  if (trimmed[0] == '\0' || g_str_equal (trimmed, "none"))
    {
      *out = 0;
      return TRUE;
    }
  if (g_str_equal (trimmed, "all"))
    {
      *out = is_fields ? RL_BIOGRAPHIC_ALL : RL_DEROGATORY_ALL;
      return TRUE;
    }
  items = g_strsplit (trimmed, ",", -1);
  for (guint i = 0; items[i]; i++)
    {
      const char *item = g_strstrip (items[i]);

      if (item[0] == '\0')
        continue;
      if (is_fields)
        {
          RlBiographicField f;
          if (!rl_biographic_field_from_id (item, &f))
            {
              g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                           _("Unknown biographic field “%s” (known: family_name, given_names, date_of_birth, "
                             "nationality, sex)"), item);
              return FALSE;
            }
          set |= f;
        }
      else
        {
          RlDerogatoryCategory c;
          if (!rl_derogatory_category_from_id (item, &c))
            {
              g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                           _("Unknown derogatory category “%s” (e.g. criminal-conviction, revoked-visa)"), item);
              return FALSE;
            }
          set |= RL_DEROGATORY_BIT (c);
        }
    }
  *out = set;
  return TRUE;
}

gboolean
rl_sharing_parse_categories (const char *list, guint32 *out, GError **error)
{
  return parse_list (list, FALSE, out, error);
}

gboolean
rl_sharing_parse_fields (const char *list, guint32 *out, GError **error)
{
  return parse_list (list, TRUE, out, error);
}

gboolean
rl_sharing_parse_purposes (const char *list, guint32 *out, GError **error)
{
  g_auto(GStrv) items = NULL;
  guint32 set = 0;

  g_return_val_if_fail (list != NULL && out != NULL, FALSE);
  if (g_str_equal (list, "none"))
    {
      *out = 0;
      return TRUE;
    }
  items = g_strsplit (list, ",", -1);
  for (guint i = 0; items[i]; i++)
    {
      RlEncounterPurpose purpose;
      const char *item = g_strstrip (items[i]);

      if (!rl_encounter_purpose_from_id (item, &purpose))
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                       _("Unknown purpose “%s” (known: border-crossing, visa-application, arrest-booking, "
                         "asylum-claim, residence-permit, background-check, latent-case, other)"), item);
          return FALSE;
        }
      set |= RL_PURPOSE_BIT (purpose);
    }
  *out = set;
  return TRUE;
}

char *
rl_sharing_format_purposes (guint32 purposes)
{
  GString *s = g_string_new (NULL);

  for (int p = RL_PURPOSE_BORDER_CROSSING; p <= RL_PURPOSE_OTHER; p++)
    if (purposes & RL_PURPOSE_BIT (p))
      g_string_append_printf (s, "%s%s", s->len ? "," : "", rl_encounter_purpose_to_id (p));
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

char *
rl_sharing_format_categories (guint32 categories)
{
  GString *s = g_string_new (NULL);

  for (int c = 1; c <= RL_DEROGATORY_N_CATEGORIES; c++)
    if (categories & RL_DEROGATORY_BIT (c))
      g_string_append_printf (s, "%s%s", s->len ? "," : "", rl_derogatory_category_to_id (c));
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

char *
rl_sharing_format_fields (guint32 fields)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (field_table); i++)
    if (fields & (guint32) field_table[i].value)
      g_string_append_printf (s, "%s%s", s->len ? "," : "", field_table[i].id);
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------- reading */

#define PARTNER_COLUMNS                                                                         \
  "SELECT p.id, p.name, p.agency_id, a.code, p.key_prefix, p.active, p.created_at, "          \
  "  p.revoked_at, p.share_encounter_summary, p.agreement_updated_at "                        \
  "FROM partner p JOIN agency a ON a.id = p.agency_id "

static RlPartner *
partner_from_row (sqlite3_stmt *stmt)
{
  RlPartner *p = g_new0 (RlPartner, 1);

  p->id = sqlite3_column_int64 (stmt, 0);
  p->name = rl_column_strdup0 (stmt, 1);
  p->agency_id = sqlite3_column_int64 (stmt, 2);
  p->agency = rl_column_strdup0 (stmt, 3);
  p->key_prefix = rl_column_strdup0 (stmt, 4);
  p->active = sqlite3_column_int (stmt, 5) != 0;
  p->created_at = sqlite3_column_int64 (stmt, 6);
  p->revoked_at = sqlite3_column_int64 (stmt, 7);
  p->encounter_summary = sqlite3_column_int (stmt, 8) != 0;
  p->agreement_updated_at = sqlite3_column_int64 (stmt, 9);
  return p;
}

/* Fills in the categories and fields of the agreement. */
static gboolean
load_agreement (RlStore *self, RlPartner *p, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  p->derogatory_categories = 0;
  p->biographic_fields = 0;
  if (!(stmt = rl_store_stmt (self, "SELECT 0, category FROM partner_shared_category WHERE partner_id = ?1 "
                                    "UNION ALL SELECT 1, field FROM partner_shared_field WHERE partner_id = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, p->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 1);

      if (sqlite3_column_int (stmt, 0) == 0)
        {
          RlDerogatoryCategory c;
          if (rl_derogatory_category_from_id (id, &c))
            p->derogatory_categories |= RL_DEROGATORY_BIT (c);
        }
      else
        {
          RlBiographicField f;
          if (rl_biographic_field_from_id (id, &f))
            p->biographic_fields |= f;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return rl_store_fail (self, error, _("Cannot read a sharing agreement"));

  p->purposes = 0;
  if (!(stmt = rl_store_stmt (self, "SELECT purpose FROM partner_purpose WHERE partner_id = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, p->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RlEncounterPurpose purpose;
      if (rl_encounter_purpose_from_id ((const char *) sqlite3_column_text (stmt, 0), &purpose))
        p->purposes |= RL_PURPOSE_BIT (purpose);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return rl_store_fail (self, error, _("Cannot read a sharing agreement"));
  return TRUE;
}

static RlPartner *
get_partner (RlStore *self, sqlite3_stmt *stmt, GError **error, const char *missing)
{
  g_autoptr(RlPartner) p = rl_store_query_row (self, stmt, (RlStoreRowFunc) partner_from_row,
                                               _("Cannot read a partner"), error, "%s", missing);

  if (p == NULL || !load_agreement (self, p, error))
    return NULL;
  return g_steal_pointer (&p);
}

RlPartner *
rl_store_get_partner (RlStore *self, gint64 partner_id, GError **error)
{
  g_autofree char *missing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, PARTNER_COLUMNS "WHERE p.id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, partner_id);
  missing = g_strdup_printf (_("No partner with id %" G_GINT64_FORMAT), partner_id);
  return get_partner (self, stmt, error, missing);
}

RlPartner *
rl_store_get_partner_by_name (RlStore *self, const char *name, GError **error)
{
  g_autofree char *missing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, PARTNER_COLUMNS "WHERE p.name = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  missing = g_strdup_printf (_("No partner named “%s”"), name);
  return get_partner (self, stmt, error, missing);
}

GPtrArray *
rl_store_list_partners (RlStore *self, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_partner_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, PARTNER_COLUMNS "ORDER BY p.name, p.id", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, partner_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list partners"));
      return NULL;
    }
  for (guint i = 0; i < list->len; i++)
    if (!load_agreement (self, list->pdata[i], error))
      return NULL;
  return g_steal_pointer (&list);
}

RlPartner *
rl_store_authenticate_partner (RlStore *self, const char *api_key, GError **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(RlPartner) partner = NULL;
  g_autoptr(GError) local = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);

  if (api_key == NULL || api_key[0] == '\0')
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("No API key given"));
      return NULL;
    }
  /* Looked up by hash: the key itself is never compared or stored. */
  hash = key_hash (api_key);
  if (!(stmt = rl_store_stmt (self, PARTNER_COLUMNS "WHERE p.key_sha256 = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  partner = get_partner (self, stmt, &local, "");
  if (partner == NULL && !g_error_matches (local, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (partner == NULL || !partner->active)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("Unknown or revoked API key"));
      return NULL;
    }
  return g_steal_pointer (&partner);
}

/* ------------------------------------------------------------- writing */

gint64
rl_store_add_partner (RlStore *self, const char *name, gint64 agency_id, const char *api_key,
                      char **out_api_key, GError **error)
{
  g_autofree char *key = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *details = NULL;
  g_autoptr(RlAgency) agency = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  if (!rl_store_require_role (self, error, _("add partners"), RL_ROLE_DATA_STEWARD, 0))
    return 0;
  if (rl_is_blank (name) || strlen (name) > 64)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("“%s” is not a valid partner name: use 1 to 64 characters"), name);
      return 0;
    }
  if (api_key != NULL && strlen (api_key) < 16)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("An API key needs at least 16 characters"));
      return 0;
    }
  if (!(agency = rl_store_get_agency (self, agency_id, error)))
    return 0;
  key = api_key ? g_strdup (api_key) : rl_sharing_random_token (KEY_PREFIX, KEY_RANDOM_BYTES, error);
  if (key == NULL)
    return 0;
  hash = key_hash (key);
  shown = g_strndup (key, KEY_SHOWN_CHARS);

  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO partner (name, agency_id, key_sha256, key_prefix, created_by, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, agency_id);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, shown, -1, SQLITE_TRANSIENT);
  rl_bind_id_or_null (stmt, 5, self->actor_id);
  sqlite3_bind_int64 (stmt, 6, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      gboolean taken = sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE;
      if (taken && strstr (sqlite3_errmsg (self->db), "partner.name"))
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the partner “%s”: the name is taken"), name);
      else if (taken)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the partner “%s”: that API key is already in use"), name);
      else
        rl_store_fail (self, error, _("Cannot add the partner"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  details = rl_json_object ("name", name, "agency", agency->code, "key_prefix", shown, NULL);
  if (!rl_store_audit_append (self, "partner.add", "partner", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  if (out_api_key)
    *out_api_key = g_steal_pointer (&key);
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

gboolean
rl_store_set_partner_sharing (RlStore *self, gint64 partner_id, guint32 derogatory_categories,
                              guint32 biographic_fields, gboolean encounter_summary, GError **error)
{
  g_autoptr(RlPartner) before = NULL;
  g_autofree char *cats_before = NULL, *fields_before = NULL, *cats = NULL, *fields = NULL;
  g_autofree char *details = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("edit sharing agreements"), RL_ROLE_DATA_STEWARD, 0))
    return FALSE;
  if ((derogatory_categories & ~RL_DEROGATORY_ALL) != 0 || (biographic_fields & ~RL_BIOGRAPHIC_ALL) != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Unknown category or field in a sharing agreement (0x%x, 0x%x)"),
                   derogatory_categories & ~RL_DEROGATORY_ALL, biographic_fields & ~RL_BIOGRAPHIC_ALL);
      return FALSE;
    }
  if (!(before = rl_store_get_partner (self, partner_id, error)))
    return FALSE;
  if (before->revoked_at != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("The partner “%s” is revoked: its agreement cannot change"), before->name);
      return FALSE;
    }

  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "DELETE FROM partner_shared_category WHERE partner_id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, partner_id);
  if (!rl_store_run (self, stmt, error, _("Cannot change the sharing agreement")))
    goto fail;
  if (!(stmt = rl_store_stmt (self, "DELETE FROM partner_shared_field WHERE partner_id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, partner_id);
  if (!rl_store_run (self, stmt, error, _("Cannot change the sharing agreement")))
    goto fail;
  for (int c = 1; c <= RL_DEROGATORY_N_CATEGORIES; c++)
    {
      if (!(derogatory_categories & RL_DEROGATORY_BIT (c)))
        continue;
      if (!(stmt = rl_store_stmt (self, "INSERT INTO partner_shared_category (partner_id, category) VALUES (?1, ?2)", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, partner_id);
      sqlite3_bind_text (stmt, 2, rl_derogatory_category_to_id (c), -1, SQLITE_STATIC);
      if (!rl_store_run (self, stmt, error, _("Cannot change the sharing agreement")))
        goto fail;
    }
  for (guint i = 0; i < G_N_ELEMENTS (field_table); i++)
    {
      if (!(biographic_fields & (guint32) field_table[i].value))
        continue;
      if (!(stmt = rl_store_stmt (self, "INSERT INTO partner_shared_field (partner_id, field) VALUES (?1, ?2)", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, partner_id);
      sqlite3_bind_text (stmt, 2, field_table[i].id, -1, SQLITE_STATIC);
      if (!rl_store_run (self, stmt, error, _("Cannot change the sharing agreement")))
        goto fail;
    }
  if (!(stmt = rl_store_stmt (self, "UPDATE partner SET share_encounter_summary = ?2, agreement_updated_at = ?3 "
                                    "WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, partner_id);
  sqlite3_bind_int (stmt, 2, encounter_summary ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot change the sharing agreement")))
    goto fail;

  cats_before = rl_sharing_format_categories (before->derogatory_categories);
  fields_before = rl_sharing_format_fields (before->biographic_fields);
  cats = rl_sharing_format_categories (derogatory_categories);
  fields = rl_sharing_format_fields (biographic_fields);
  details = rl_json_object ("partner", before->name,
                            "categories", cats, "fields", fields,
                            "encounter_summary", encounter_summary ? "yes" : "no",
                            "categories_before", cats_before, "fields_before", fields_before,
                            "encounter_summary_before", before->encounter_summary ? "yes" : "no", NULL);
  if (!rl_store_audit_append (self, "partner.sharing", "partner", partner_id, NULL, details, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_set_partner_purposes (RlStore *self, gint64 partner_id, guint32 purposes, GError **error)
{
  g_autoptr(RlPartner) before = NULL;
  g_autofree char *now = NULL, *was = NULL, *details = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("edit sharing agreements"), RL_ROLE_DATA_STEWARD, 0))
    return FALSE;
  if ((purposes & ~RL_PURPOSE_ALL) != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Unknown purpose in a sharing agreement (0x%x)"), purposes & ~RL_PURPOSE_ALL);
      return FALSE;
    }
  if (!(before = rl_store_get_partner (self, partner_id, error)))
    return FALSE;
  if (before->revoked_at != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("The partner “%s” is revoked: its agreement cannot change"), before->name);
      return FALSE;
    }
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "DELETE FROM partner_purpose WHERE partner_id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, partner_id);
  if (!rl_store_run (self, stmt, error, _("Cannot change the sharing agreement")))
    goto fail;
  for (int p = RL_PURPOSE_BORDER_CROSSING; p <= RL_PURPOSE_OTHER; p++)
    {
      if (!(purposes & RL_PURPOSE_BIT (p)))
        continue;
      if (!(stmt = rl_store_stmt (self, "INSERT INTO partner_purpose (partner_id, purpose) VALUES (?1, ?2)", error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, partner_id);
      sqlite3_bind_text (stmt, 2, rl_encounter_purpose_to_id (p), -1, SQLITE_STATIC);
      if (!rl_store_run (self, stmt, error, _("Cannot change the sharing agreement")))
        goto fail;
    }
  now = rl_sharing_format_purposes (purposes);
  was = rl_sharing_format_purposes (before->purposes);
  details = rl_json_object ("partner", before->name, "purposes", now, "purposes_before", was, NULL);
  if (!rl_store_audit_append (self, "partner.purposes", "partner", partner_id, NULL, details, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_revoke_partner (RlStore *self, gint64 partner_id, GError **error)
{
  g_autoptr(RlPartner) partner = NULL;
  g_autofree char *details = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("revoke partners"), RL_ROLE_DATA_STEWARD, 0))
    return FALSE;
  if (!(partner = rl_store_get_partner (self, partner_id, error)))
    return FALSE;
  if (partner->revoked_at != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("The partner “%s” is already revoked"), partner->name);
      return FALSE;
    }
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "UPDATE partner SET active = 0, revoked_at = ?2 WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, partner_id);
  sqlite3_bind_int64 (stmt, 2, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot revoke the partner")))
    goto fail;
  details = rl_json_object ("name", partner->name, "key_prefix", partner->key_prefix, NULL);
  if (!rl_store_audit_append (self, "partner.revoke", "partner", partner_id, NULL, details, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}
