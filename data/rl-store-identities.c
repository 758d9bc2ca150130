/* rl-store-identities.c — identities, encounters, images, samples,
 * derogatory records (with need-to-know) and multiple-identity links. */
#define G_LOG_DOMAIN "rl-store"

#include "rl-store-private.h"
#include "rl-remote-pages-private.h"
#include "rl-remote-private.h"

#include <string.h>

/* ------------------------------------------------------------ enums */

const RlEnumEntry rl_purpose_table[] = {
  { RL_PURPOSE_BORDER_CROSSING, "border-crossing", N_("Border crossing") },
  { RL_PURPOSE_VISA_APPLICATION, "visa-application", N_("Visa application") },
  { RL_PURPOSE_ARREST_BOOKING, "arrest-booking", N_("Arrest booking") },
  { RL_PURPOSE_ASYLUM_CLAIM, "asylum-claim", N_("Asylum claim") },
  { RL_PURPOSE_RESIDENCE_PERMIT, "residence-permit", N_("Residence permit") },
  { RL_PURPOSE_BACKGROUND_CHECK, "background-check", N_("Background check") },
  { RL_PURPOSE_LATENT_CASE, "latent-case", N_("Latent print case") },
  { RL_PURPOSE_OTHER, "other", N_("Other") },
};
const guint rl_purpose_table_len = G_N_ELEMENTS (rl_purpose_table);
RL_DEFINE_ENUM_IDS (rl_encounter_purpose, RlEncounterPurpose, rl_purpose_table)

static const RlEnumEntry category_table[] = {
  { RL_DEROGATORY_KNOWN_SUSPECTED_TERRORIST, "known-suspected-terrorist", N_("Known or suspected terrorist") },
  { RL_DEROGATORY_SEXUAL_OFFENDER_REMOVAL, "sexual-offender-removal", N_("Sexual offender removal") },
  { RL_DEROGATORY_FEDERAL_CONVICTION, "federal-conviction", N_("Federal conviction") },
  { RL_DEROGATORY_CRIMINAL_CONVICTION, "criminal-conviction", N_("Criminal conviction") },
  { RL_DEROGATORY_IMMIGRATION_VIOLATION, "immigration-violation", N_("Immigration violation") },
  { RL_DEROGATORY_REVOKED_VISA, "revoked-visa", N_("Revoked visa") },
  { RL_DEROGATORY_MILITARY_RECORD, "military-record", N_("Military record") },
  { RL_DEROGATORY_GANG_MEMBER, "gang-member", N_("Gang member") },
  { RL_DEROGATORY_DRUG_SMUGGLER, "drug-smuggler", N_("Drug smuggler") },
  { RL_DEROGATORY_HUMAN_TRAFFICKER_SMUGGLER, "human-trafficker-smuggler", N_("Human trafficker or smuggler") },
  { RL_DEROGATORY_LAW_ENFORCEMENT_ALERT, "law-enforcement-alert", N_("Law-enforcement alert") },
};
RL_DEFINE_ENUM_IDS (rl_derogatory_category, RlDerogatoryCategory, category_table)

static const RlEnumEntry colour_table[] = {
  { RL_LINK_YELLOW, "yellow", N_("To review") },
  { RL_LINK_WHITE, "white", N_("Same person") },
  { RL_LINK_GREEN, "green", N_("Different people") },
  { RL_LINK_RED, "red", N_("Identity fraud") },
};
RL_DEFINE_ENUM_IDS (rl_link_colour, RlLinkColour, colour_table)

/* ------------------------------------------------------- identities */

void
rl_identity_free (RlIdentity *identity)
{
  if (identity == NULL)
    return;
  g_free (identity->reference);
  g_free (identity->family_name);
  g_free (identity->given_names);
  g_free (identity->date_of_birth);
  g_free (identity->nationality);
  g_free (identity->sex);
  g_free (identity);
}

gint64
rl_store_add_identity (RlStore *self, const char *reference, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *made_up = NULL;

  g_return_val_if_fail (self != NULL, 0);

  if (reference != NULL && (reference[0] == '\0' || strlen (reference) > 32))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("“%s” is not a valid identity reference: use 1 to 32 characters"), reference);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  /* Without a reference, insert a unique placeholder first, then name the
   * identity after its id. */
  if (!(stmt = rl_store_stmt (self, "INSERT INTO identity (reference, created_at) "
                                    "VALUES (coalesce(?1, 'new-' || hex(randomblob(8))), ?2)", error)))
    goto fail;
  rl_bind_text_or_null (stmt, 1, reference);
  sqlite3_bind_int64 (stmt, 2, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the identity: the reference “%s” is taken"), reference);
      else
        rl_store_fail (self, error, _("Cannot add the identity"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  if (reference == NULL)
    {
      made_up = g_strdup_printf ("P-%06" G_GINT64_FORMAT, id);
      if (!(stmt = rl_store_stmt (self, "UPDATE identity SET reference = ?1 WHERE id = ?2", error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, made_up, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, id);
      if (!rl_store_run (self, stmt, error, _("Cannot add the identity")))
        goto fail;
    }
  if (!rl_store_audit_append (self, "identity.add", "identity", id, NULL, NULL, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

/* The summary takes the biographic data of the latest encounter. */
#define IDENTITY_COLUMNS                                                                           \
  "SELECT i.id, i.reference, i.created_at, i.merged_into, "                                      \
  "  e.family_name, e.given_names, e.date_of_birth, e.nationality, e.sex, "                      \
  "  (SELECT count(*) FROM encounter WHERE identity_id = i.id), "                                \
  "  (SELECT count(*) FROM derogatory_record WHERE identity_id = i.id), "                        \
  "  (SELECT min(occurred_at) FROM encounter WHERE identity_id = i.id), "                        \
  "  (SELECT max(occurred_at) FROM encounter WHERE identity_id = i.id) "                         \
  "FROM identity i LEFT JOIN encounter e ON e.id = "                                             \
  "  (SELECT id FROM encounter WHERE identity_id = i.id ORDER BY occurred_at DESC, id DESC LIMIT 1) "

static RlIdentity *
identity_from_row (sqlite3_stmt *stmt)
{
  RlIdentity *identity = g_new0 (RlIdentity, 1);

  identity->id = sqlite3_column_int64 (stmt, 0);
  identity->reference = rl_column_strdup0 (stmt, 1);
  identity->created_at = sqlite3_column_int64 (stmt, 2);
  identity->merged_into = sqlite3_column_int64 (stmt, 3);
  identity->family_name = rl_column_strdup0 (stmt, 4);
  identity->given_names = rl_column_strdup0 (stmt, 5);
  identity->date_of_birth = rl_column_strdup0 (stmt, 6);
  identity->nationality = rl_column_strdup0 (stmt, 7);
  identity->sex = rl_column_strdup0 (stmt, 8);
  identity->n_encounters = sqlite3_column_int (stmt, 9);
  identity->n_derogatory = sqlite3_column_int (stmt, 10);
  identity->first_seen = sqlite3_column_int64 (stmt, 11);
  identity->last_seen = sqlite3_column_int64 (stmt, 12);
  return identity;
}

RlIdentity *
rl_store_open_identity (RlStore *self, gint64 identity_id, const char *purpose, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_open_identity (self, identity_id, purpose, error);
  g_autoptr(RlIdentity) identity = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->actor_id == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                   _("Only a signed-in user can open a person’s record"));
      return NULL;
    }
  if (rl_is_blank (purpose))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Opening a person’s record needs a purpose (a case number or reason)"));
      return NULL;
    }
  if (!rl_store_begin (self, error))
    return NULL;
  if (!(stmt = rl_store_stmt (self, IDENTITY_COLUMNS "WHERE i.id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  identity = rl_store_query_row (self, stmt, (RlStoreRowFunc) identity_from_row, _("Cannot open the record"), error,
                            _("No identity with id %" G_GINT64_FORMAT), identity_id);
  if (identity == NULL)
    goto fail;
  if (!rl_store_audit_append (self, "identity.open", "identity", identity_id, purpose, NULL, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return NULL;
  return g_steal_pointer (&identity);
fail:
  rl_store_rollback (self);
  return NULL;
}

RlIdentity *
rl_store_get_identity_summary (RlStore *self, gint64 identity_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_identity_summary (self, identity_id, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, IDENTITY_COLUMNS "WHERE i.id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  return rl_store_query_row (self, stmt, (RlStoreRowFunc) identity_from_row, _("Cannot read the identity"), error,
                             _("No identity with id %" G_GINT64_FORMAT), identity_id);
}

GPtrArray *
rl_store_list_identities (RlStore *self, const char *name_filter, guint offset, guint limit, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_identities (self, name_filter, offset, limit, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_identity_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, IDENTITY_COLUMNS
                              "WHERE i.merged_into IS NULL AND (?1 IS NULL OR i.reference = ?1 OR EXISTS ("
                              "  SELECT 1 FROM encounter x WHERE x.identity_id = i.id AND "
                              "  (x.family_name LIKE '%' || ?1 || '%' OR x.given_names LIKE '%' || ?1 || '%'))) "
                              "ORDER BY i.id LIMIT ?2 OFFSET ?3", error)))
    return NULL;
  rl_bind_text_or_null (stmt, 1, name_filter && name_filter[0] ? name_filter : NULL);
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);
  sqlite3_bind_int64 (stmt, 3, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, identity_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list identities"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

guint
rl_store_count_identities (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_count_identities (self, error);
  sqlite3_stmt *stmt;
  gint64 n = 0;

  g_return_val_if_fail (self != NULL, 0);
  if (!(stmt = rl_store_stmt (self, "SELECT count(*) FROM identity WHERE merged_into IS NULL", error)) ||
      !rl_store_query_int64 (self, stmt, &n, error, _("Cannot count identities")))
    return 0;
  return (guint) n;
}

/* ------------------------------------------------------- encounters */

void
rl_encounter_free (RlEncounter *e)
{
  if (e == NULL)
    return;
  g_free (e->agency);
  g_free (e->place);
  g_free (e->case_reference);
  g_free (e->family_name);
  g_free (e->given_names);
  g_free (e->date_of_birth);
  g_free (e->nationality);
  g_free (e->sex);
  g_free (e);
}

static gboolean
valid_date (const char *date)
{
  /* YYYY-MM-DD with 00 allowed for unknown month or day. */
  if (strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (date[i]))
      return FALSE;
  return atoi (date + 5) <= 12 && atoi (date + 8) <= 31;
}

gint64
rl_store_add_encounter (RlStore *self, const RlEncounter *e, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;
  const char *sex = e->sex && e->sex[0] ? e->sex : "U";

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (e != NULL, 0);

  if (!rl_encounter_purpose_from_id (rl_encounter_purpose_to_id (e->purpose), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Unknown encounter purpose %d"), (int) e->purpose);
      return 0;
    }
  if (e->date_of_birth && e->date_of_birth[0] && !valid_date (e->date_of_birth))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("“%s” is not a date of birth: use YYYY-MM-DD (00 for an unknown month or day)"), e->date_of_birth);
      return 0;
    }
  if (!g_str_equal (sex, "F") && !g_str_equal (sex, "M") && !g_str_equal (sex, "X") && !g_str_equal (sex, "U"))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("“%s” is not a sex code: use F, M, X or U"), sex);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO encounter (identity_id, agency_id, occurred_at, purpose, place, "
                                    "case_reference, family_name, given_names, date_of_birth, nationality, sex) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, e->identity_id);
  sqlite3_bind_int64 (stmt, 2, e->agency_id);
  sqlite3_bind_int64 (stmt, 3, e->occurred_at);
  sqlite3_bind_text (stmt, 4, rl_encounter_purpose_to_id (e->purpose), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, e->place ? e->place : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, e->case_reference ? e->case_reference : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, e->family_name ? e->family_name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, e->given_names ? e->given_names : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, e->date_of_birth ? e->date_of_birth : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, e->nationality ? e->nationality : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 11, sex, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the encounter: identity %" G_GINT64_FORMAT " or agency %" G_GINT64_FORMAT
                       " does not exist"), e->identity_id, e->agency_id);
      else
        rl_store_fail (self, error, _("Cannot add the encounter"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *identity = g_strdup_printf ("%" G_GINT64_FORMAT, e->identity_id);
    details = rl_json_object ("identity", identity, "purpose", rl_encounter_purpose_to_id (e->purpose), NULL);
  }
  if (!rl_store_audit_append (self, "encounter.add", "encounter", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

#define ENCOUNTER_COLUMNS                                                                          \
  "SELECT e.id, e.identity_id, e.agency_id, a.code, e.occurred_at, e.purpose, e.place, "         \
  "  e.case_reference, e.family_name, e.given_names, e.date_of_birth, e.nationality, e.sex "     \
  "FROM encounter e JOIN agency a ON a.id = e.agency_id "

static RlEncounter *
encounter_from_row (sqlite3_stmt *stmt)
{
  RlEncounter *e = g_new0 (RlEncounter, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->identity_id = sqlite3_column_int64 (stmt, 1);
  e->agency_id = sqlite3_column_int64 (stmt, 2);
  e->agency = rl_column_strdup0 (stmt, 3);
  e->occurred_at = sqlite3_column_int64 (stmt, 4);
  e->purpose = rl_column_enum (stmt, 5, rl_purpose_table, rl_purpose_table_len);
  e->place = rl_column_strdup0 (stmt, 6);
  e->case_reference = rl_column_strdup0 (stmt, 7);
  e->family_name = rl_column_strdup0 (stmt, 8);
  e->given_names = rl_column_strdup0 (stmt, 9);
  e->date_of_birth = rl_column_strdup0 (stmt, 10);
  e->nationality = rl_column_strdup0 (stmt, 11);
  e->sex = rl_column_strdup0 (stmt, 12);
  return e;
}

RlEncounter *
rl_store_get_encounter (RlStore *self, gint64 encounter_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_encounter (self, encounter_id, error);
  RlEncounter *e = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, ENCOUNTER_COLUMNS "WHERE e.id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, encounter_id);
  e = rl_store_query_row (self, stmt, (RlStoreRowFunc) encounter_from_row, _("Cannot read the encounter"), error,
                            _("No encounter with id %" G_GINT64_FORMAT), encounter_id);
  return e;
}

GPtrArray *
rl_store_list_encounters (RlStore *self, gint64 identity_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_encounters (self, identity_id, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_encounter_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, ENCOUNTER_COLUMNS "WHERE e.identity_id = ?1 ORDER BY e.occurred_at, e.id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, encounter_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list encounters"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

/* ----------------------------------------------------------- images */

static const char * const image_formats[] = { "png", "wsq", "tiff", "jpeg", "bmp", "pgm", "jp2" };

char *
rl_store_add_image (RlStore *self, GBytes *data, const char *format, int width, int height, GError **error)
{
  g_autofree char *sha256 = NULL;
  sqlite3_stmt *stmt;
  gboolean known_format = FALSE;
  gsize len = 0;
  const guint8 *bytes;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL && format != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (image_formats); i++)
    known_format |= g_str_equal (format, image_formats[i]);
  if (!known_format)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("“%s” is not an image format the store keeps"), format);
      return NULL;
    }
  bytes = g_bytes_get_data (data, &len);
  if (len == 0 || width <= 0 || height <= 0 || width > RL_IMAGE_MAX_SIDE || height > RL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("Cannot store an image of %d × %d pixels in %" G_GSIZE_FORMAT " bytes"), width, height, len);
      return NULL;
    }
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, len);
  if (!rl_store_begin (self, error))
    return NULL;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO image (sha256, format, width, height, data) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256) DO NOTHING", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, format, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, width);
  sqlite3_bind_int (stmt, 4, height);
  sqlite3_bind_blob64 (stmt, 5, bytes, len, SQLITE_STATIC);
  if (!rl_store_run (self, stmt, error, _("Cannot store the image")))
    goto fail;
  /* Images are content, not events: the sample that uses one is audited. */
  if (!rl_store_commit (self, error))
    return NULL;
  return g_steal_pointer (&sha256);
fail:
  rl_store_rollback (self);
  return NULL;
}

GBytes *
rl_store_get_image (RlStore *self, const char *sha256, char **out_format, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_image (self, sha256, out_format, error);
  GBytes *bytes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, "SELECT format, data FROM image WHERE sha256 = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      bytes = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
      if (out_format)
        *out_format = rl_column_strdup0 (stmt, 0);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No image with hash %s"), sha256);
  else
    rl_store_fail (self, error, _("Cannot read the image"));
  sqlite3_reset (stmt);
  return bytes;
}

/* ---------------------------------------------------------- samples */

void
rl_sample_free (RlSample *s)
{
  if (s == NULL)
    return;
  g_free (s->image_sha256);
  g_free (s->ground_truth);
  g_free (s->source);
  g_free (s);
}

gint64
rl_store_add_sample (RlStore *self, const RlSample *s, GBytes *template_data, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (s != NULL, 0);

  if ((int) s->finger < 0 || s->finger > 10)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%d is not a finger position: use 1 to 10 (0 when unknown)"), (int) s->finger);
      return 0;
    }
  if ((int) s->impression < 0 || s->impression > 8)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%d is not an impression code: use 0 to 8"), (int) s->impression);
      return 0;
    }
  if (s->ppi != 0 && (s->ppi < 100 || s->ppi > 2000))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d ppi is not a resolution the store accepts (100 to 2000)"), s->ppi);
      return 0;
    }
  if (s->quality > 100)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d is not a quality score: use 0 to 100"), s->quality);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO sample (encounter_id, finger, impression, image_sha256, ppi, quality, "
                                    "template, ground_truth, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, s->encounter_id);
  sqlite3_bind_int (stmt, 2, s->finger);
  sqlite3_bind_int (stmt, 3, s->impression);
  rl_bind_text_or_null (stmt, 4, s->image_sha256);
  sqlite3_bind_int (stmt, 5, s->ppi ? s->ppi : 500);
  if (s->quality < 0)
    sqlite3_bind_null (stmt, 6);
  else
    sqlite3_bind_int (stmt, 6, s->quality);
  if (template_data != NULL)
    {
      gsize len;
      const void *data = g_bytes_get_data (template_data, &len);
      sqlite3_bind_blob64 (stmt, 7, data ? data : "", len, SQLITE_TRANSIENT);
    }
  rl_bind_text_or_null (stmt, 8, s->ground_truth);
  sqlite3_bind_text (stmt, 9, s->source ? s->source : "", -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the sample: encounter %" G_GINT64_FORMAT " or image %s does not exist"),
                     s->encounter_id, s->image_sha256 ? s->image_sha256 : "-");
      else
        rl_store_fail (self, error, _("Cannot add the sample"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *finger = g_strdup_printf ("%d", s->finger);
    g_autofree char *encounter = g_strdup_printf ("%" G_GINT64_FORMAT, s->encounter_id);
    details = rl_json_object ("encounter", encounter, "finger", finger, "image", s->image_sha256, NULL);
  }
  if (!rl_store_audit_append (self, "sample.add", "sample", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

#define SAMPLE_COLUMNS                                                                             \
  "SELECT s.id, s.encounter_id, e.identity_id, s.finger, s.impression, s.image_sha256, "          \
  "  coalesce(im.width, 0), coalesce(im.height, 0), s.ppi, coalesce(s.quality, -1), "             \
  "  s.template IS NOT NULL, s.ground_truth, s.source "                                           \
  "FROM sample s JOIN encounter e ON e.id = s.encounter_id "                                      \
  "LEFT JOIN image im ON im.sha256 = s.image_sha256 "

static RlSample *
sample_from_row (sqlite3_stmt *stmt)
{
  RlSample *s = g_new0 (RlSample, 1);

  s->id = sqlite3_column_int64 (stmt, 0);
  s->encounter_id = sqlite3_column_int64 (stmt, 1);
  s->identity_id = sqlite3_column_int64 (stmt, 2);
  s->finger = sqlite3_column_int (stmt, 3);
  s->impression = sqlite3_column_int (stmt, 4);
  s->image_sha256 = rl_column_strdup (stmt, 5);
  s->width = sqlite3_column_int (stmt, 6);
  s->height = sqlite3_column_int (stmt, 7);
  s->ppi = sqlite3_column_int (stmt, 8);
  s->quality = sqlite3_column_int (stmt, 9);
  s->has_template = sqlite3_column_int (stmt, 10) != 0;
  s->ground_truth = rl_column_strdup (stmt, 11);
  s->source = rl_column_strdup0 (stmt, 12);
  return s;
}

RlSample *
rl_store_get_sample (RlStore *self, gint64 sample_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_sample (self, sample_id, error);
  RlSample *s = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, SAMPLE_COLUMNS "WHERE s.id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, sample_id);
  s = rl_store_query_row (self, stmt, (RlStoreRowFunc) sample_from_row, _("Cannot read the sample"), error,
                            _("No sample with id %" G_GINT64_FORMAT), sample_id);
  return s;
}

static GPtrArray *
list_samples (RlStore *self, sqlite3_stmt *stmt, gint64 id, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_sample_free);
  int rc;

  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, sample_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list samples"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

GPtrArray *
rl_store_list_samples (RlStore *self, gint64 encounter_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_samples (self, encounter_id, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, SAMPLE_COLUMNS "WHERE s.encounter_id = ?1 ORDER BY s.finger, s.id", error)))
    return NULL;
  return list_samples (self, stmt, encounter_id, error);
}

GPtrArray *
rl_store_list_identity_samples (RlStore *self, gint64 identity_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_identity_samples (self, identity_id, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, SAMPLE_COLUMNS "WHERE e.identity_id = ?1 ORDER BY e.occurred_at, s.finger, s.id", error)))
    return NULL;
  return list_samples (self, stmt, identity_id, error);
}

GBytes *
rl_store_get_sample_template (RlStore *self, gint64 sample_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_sample_template (self, sample_id, error);
  GBytes *bytes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, "SELECT template FROM sample WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, sample_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No sample with id %" G_GINT64_FORMAT), sample_id);
  else
    rl_store_fail (self, error, _("Cannot read the template"));
  sqlite3_reset (stmt);
  return bytes;
}

gboolean
rl_store_set_sample_template (RlStore *self, gint64 sample_id, GBytes *template_data, int quality, GError **error)
{
  sqlite3_stmt *stmt;
  gsize len = 0;
  const void *data;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (template_data != NULL, FALSE);

  if (quality > 100)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d is not a quality score: use 0 to 100"), quality);
      return FALSE;
    }
  data = g_bytes_get_data (template_data, &len);
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "UPDATE sample SET template = ?1, quality = coalesce(?2, quality) WHERE id = ?3", error)))
    goto fail;
  sqlite3_bind_blob64 (stmt, 1, data ? data : "", len, SQLITE_TRANSIENT);
  if (quality < 0)
    sqlite3_bind_null (stmt, 2);
  else
    sqlite3_bind_int (stmt, 2, quality);
  sqlite3_bind_int64 (stmt, 3, sample_id);
  if (!rl_store_run (self, stmt, error, _("Cannot store the template")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No sample with id %" G_GINT64_FORMAT), sample_id);
      goto fail;
    }
  if (!rl_store_audit_append (self, "sample.template", "sample", sample_id, NULL, NULL, error))
    goto fail;
  /* The search gallery holds the old template. */
  rl_store_templates_replaced (self);
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_foreach_template (RlStore *self, RlStoreTemplateFunc func, gpointer user_data, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_unavailable (error, _("Reading every template"));
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  /* Not cached: func may call back into the store. */
  if (sqlite3_prepare_v2 (self->db, "SELECT s.id, e.identity_id, s.finger, s.template FROM sample s "
                                    "JOIN encounter e ON e.id = s.encounter_id "
                                    "WHERE s.template IS NOT NULL ORDER BY s.id", -1, &stmt, NULL) != SQLITE_OK)
    return rl_store_fail (self, error, _("Cannot read the templates"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!func (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int (stmt, 2),
               sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3), user_data))
      {
        rc = SQLITE_DONE;
        break;
      }
  if (rc != SQLITE_DONE)
    rl_store_fail (self, error, _("Cannot read the templates"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* ------------------------------------------------- derogatory records */

void
rl_derogatory_record_free (RlDerogatoryRecord *r)
{
  if (r == NULL)
    return;
  g_free (r->source_agency);
  g_free (r->summary);
  g_free (r->recorded_on);
  g_free (r->expires_on);
  g_free (r);
}

gint64
rl_store_add_derogatory_record (RlStore *self, const RlDerogatoryRecord *r, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (r != NULL, 0);

  if (!rl_derogatory_category_from_id (rl_derogatory_category_to_id (r->category), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d is not a derogatory category"), (int) r->category);
      return 0;
    }
  if (rl_is_blank (r->summary))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("A derogatory record needs a summary"));
      return 0;
    }
  if (r->recorded_on == NULL || !valid_date (r->recorded_on) || (r->expires_on && !valid_date (r->expires_on)))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("A derogatory record’s dates are YYYY-MM-DD (recorded “%s”, expires “%s”)"),
                   r->recorded_on ? r->recorded_on : "", r->expires_on ? r->expires_on : "");
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO derogatory_record (identity_id, category, source_agency_id, restricted, "
                                    "summary, recorded_on, expires_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, r->identity_id);
  sqlite3_bind_text (stmt, 2, rl_derogatory_category_to_id (r->category), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, r->source_agency_id);
  sqlite3_bind_int (stmt, 4, r->restricted ? 1 : 0);
  sqlite3_bind_text (stmt, 5, r->summary, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, r->recorded_on, -1, SQLITE_TRANSIENT);
  rl_bind_text_or_null (stmt, 7, r->expires_on);
  sqlite3_bind_int64 (stmt, 8, rl_store_now (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the derogatory record: identity %" G_GINT64_FORMAT " or agency %" G_GINT64_FORMAT
                       " does not exist"), r->identity_id, r->source_agency_id);
      else
        rl_store_fail (self, error, _("Cannot add the derogatory record"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *identity = g_strdup_printf ("%" G_GINT64_FORMAT, r->identity_id);
    details = rl_json_object ("identity", identity, "category", rl_derogatory_category_to_id (r->category),
                              "restricted", r->restricted ? "yes" : "no", NULL);
  }
  if (!rl_store_audit_append (self, "derogatory.add", "derogatory_record", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

/* Whether user ?1 may read restricted records of agency ?2: the user
 * works there, or a grant matches their role and agency. One query so that
 * list and check agree. */
#define MAY_READ_SQL(user, source)                                                                 \
  "(EXISTS (SELECT 1 FROM user u WHERE u.id = " user " AND u.active AND (u.agency_id = " source   \
  "  OR EXISTS (SELECT 1 FROM access_grant g WHERE g.source_agency_id = " source                 \
  "    AND (g.role IS NULL OR g.role = u.role) AND (g.agency_id IS NULL OR g.agency_id = u.agency_id)))))"

gboolean
rl_store_user_may_read_restricted (RlStore *self, gint64 user_id, gint64 source_agency_id, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 may = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!(stmt = rl_store_stmt (self, "SELECT " MAY_READ_SQL ("?1", "?2"), error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, source_agency_id);
  if (!rl_store_query_int64 (self, stmt, &may, error, _("Cannot check access")))
    return FALSE;
  return may != 0;
}

GPtrArray *
rl_store_list_derogatory_records (RlStore *self, gint64 identity_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_derogatory_records (self, identity_id, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_derogatory_record_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  /* The withholding is done in SQL: restricted content the actor may not
   * read never leaves the database. The system (no actor) sees only what is
   * sharable. */
  if (!(stmt = rl_store_stmt (self, "SELECT d.id, d.identity_id, d.category, d.source_agency_id, a.code, d.restricted, "
                                    "  d.restricted AND NOT " MAY_READ_SQL ("?2", "d.source_agency_id") " AS withheld, "
                                    "  d.summary, d.recorded_on, d.expires_on, d.created_at "
                                    "FROM derogatory_record d JOIN agency a ON a.id = d.source_agency_id "
                                    "WHERE d.identity_id = ?1 ORDER BY d.recorded_on, d.id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  sqlite3_bind_int64 (stmt, 2, self->actor_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RlDerogatoryRecord *r = g_new0 (RlDerogatoryRecord, 1);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->identity_id = sqlite3_column_int64 (stmt, 1);
      r->category = rl_column_enum (stmt, 2, category_table, G_N_ELEMENTS (category_table));
      r->source_agency_id = sqlite3_column_int64 (stmt, 3);
      r->source_agency = rl_column_strdup0 (stmt, 4);
      r->restricted = sqlite3_column_int (stmt, 5) != 0;
      r->withheld = sqlite3_column_int (stmt, 6) != 0;
      if (!r->withheld)
        {
          r->summary = rl_column_strdup0 (stmt, 7);
          r->recorded_on = rl_column_strdup0 (stmt, 8);
          r->expires_on = rl_column_strdup (stmt, 9);
        }
      r->created_at = sqlite3_column_int64 (stmt, 10);
      g_ptr_array_add (list, r);
    }
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list derogatory records"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gint64
rl_store_grant_restricted_access (RlStore *self, gint64 source_agency_id, RlRole role, gint64 agency_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_grant_restricted_access (self, source_agency_id, role, agency_id, error);
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);

  if (!rl_store_require_role (self, error, _("set who may see restricted records"), RL_ROLE_DATA_STEWARD, 0))
    return 0;
  if (role != 0 && !rl_role_from_id (rl_role_to_id (role), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Unknown role %d"), (int) role);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO access_grant (source_agency_id, role, agency_id, granted_by, granted_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, source_agency_id);
  rl_bind_text_or_null (stmt, 2, role ? rl_role_to_id (role) : NULL);
  rl_bind_id_or_null (stmt, 3, agency_id);
  sqlite3_bind_int64 (stmt, 4, self->actor_id);
  sqlite3_bind_int64 (stmt, 5, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot grant access")))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  {
    g_autofree char *src = g_strdup_printf ("%" G_GINT64_FORMAT, source_agency_id);
    g_autofree char *agency = g_strdup_printf ("%" G_GINT64_FORMAT, agency_id);
    details = rl_json_object ("source_agency", src, "role", role ? rl_role_to_id (role) : "any",
                              "agency", agency_id ? agency : "any", NULL);
  }
  if (!rl_store_audit_append (self, "access.grant", "access_grant", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

void
rl_access_grant_free (RlAccessGrant *grant)
{
  if (grant == NULL)
    return;
  g_free (grant->source_agency);
  g_free (grant->agency);
  g_free (grant->granted_by);
  g_free (grant);
}

GPtrArray *
rl_store_list_access_grants (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_access_grants (self, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_access_grant_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, "SELECT g.id, s.code, g.role, a.code, u.username, g.granted_at "
                                    "FROM access_grant g JOIN agency s ON s.id = g.source_agency_id "
                                    "LEFT JOIN agency a ON a.id = g.agency_id LEFT JOIN user u ON u.id = g.granted_by "
                                    "ORDER BY s.code, g.id", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RlAccessGrant *g = g_new0 (RlAccessGrant, 1);
      const char *role = (const char *) sqlite3_column_text (stmt, 2);

      g->id = sqlite3_column_int64 (stmt, 0);
      g->source_agency = rl_column_strdup0 (stmt, 1);
      if (role != NULL)
        rl_role_from_id (role, &g->role);
      g->agency = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NULL : rl_column_strdup0 (stmt, 3);
      g->granted_by = rl_column_strdup0 (stmt, 4);
      g->granted_at = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (list, g);
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, _("Cannot read the access rules: %s"),
                   sqlite3_errmsg (self->db));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gboolean
rl_store_revoke_restricted_access (RlStore *self, gint64 grant_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_revoke_restricted_access (self, grant_id, error);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("set who may see restricted records"), RL_ROLE_DATA_STEWARD, 0))
    return FALSE;
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "DELETE FROM access_grant WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, grant_id);
  if (!rl_store_run (self, stmt, error, _("Cannot revoke access")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No access grant with id %" G_GINT64_FORMAT), grant_id);
      goto fail;
    }
  if (!rl_store_audit_append (self, "access.revoke", "access_grant", grant_id, NULL, NULL, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}

/* ---------------------------------------------------- identity links */

void
rl_identity_link_free (RlIdentityLink *link)
{
  if (link == NULL)
    return;
  g_free (link->reason);
  g_free (link);
}

gint64
rl_store_add_identity_link (RlStore *self, gint64 identity_a, gint64 identity_b, float score, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0, a = MIN (identity_a, identity_b), b = MAX (identity_a, identity_b);

  g_return_val_if_fail (self != NULL, 0);

  if (a == b)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("A link joins two different identities (both are %" G_GINT64_FORMAT ")"), a);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "SELECT id FROM identity_link WHERE identity_a = ?1 AND identity_b = ?2", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (id != 0)
    {
      rl_store_rollback (self);
      return id;
    }
  if (!(stmt = rl_store_stmt (self, "INSERT INTO identity_link (identity_a, identity_b, score, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4)", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  sqlite3_bind_double (stmt, 3, score);
  sqlite3_bind_int64 (stmt, 4, rl_store_now (self));
  if (!rl_store_run (self, stmt, error, _("Cannot link the identities")))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  if (!rl_store_audit_append (self, "link.add", "identity_link", id, NULL, NULL, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

GPtrArray *
rl_store_list_identity_links (RlStore *self, gint64 identity_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_identity_links (self, identity_id, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_identity_link_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, "SELECT id, identity_a, identity_b, colour, score, created_at, resolved_by, "
                                    "resolved_at, reason FROM identity_link "
                                    "WHERE ?1 IS NULL OR identity_a = ?1 OR identity_b = ?1 ORDER BY id", error)))
    return NULL;
  rl_bind_id_or_null (stmt, 1, identity_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RlIdentityLink *l = g_new0 (RlIdentityLink, 1);
      l->id = sqlite3_column_int64 (stmt, 0);
      l->identity_a = sqlite3_column_int64 (stmt, 1);
      l->identity_b = sqlite3_column_int64 (stmt, 2);
      l->colour = rl_column_enum (stmt, 3, colour_table, G_N_ELEMENTS (colour_table));
      l->score = sqlite3_column_double (stmt, 4);
      l->created_at = sqlite3_column_int64 (stmt, 5);
      l->resolved_by = sqlite3_column_int64 (stmt, 6);
      l->resolved_at = sqlite3_column_int64 (stmt, 7);
      l->reason = rl_column_strdup0 (stmt, 8);
      g_ptr_array_add (list, l);
    }
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list identity links"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gboolean
rl_store_resolve_identity_link (RlStore *self, gint64 link_id, RlLinkColour colour, const char *reason, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_resolve_identity_link (self, link_id, colour, reason, error);
  sqlite3_stmt *stmt;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!rl_store_require_role (self, error, _("resolve identity links"), RL_ROLE_ANALYST, RL_ROLE_SUPERVISOR, 0))
    return FALSE;
  if (colour != RL_LINK_WHITE && colour != RL_LINK_GREEN && colour != RL_LINK_RED && colour != RL_LINK_YELLOW)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%d is not a link colour"), (int) colour);
      return FALSE;
    }
  if (colour != RL_LINK_YELLOW && rl_is_blank (reason))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Resolving an identity link needs a reason"));
      return FALSE;
    }
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "UPDATE identity_link SET colour = ?1, reason = ?2, resolved_by = ?3, resolved_at = ?4 "
                                    "WHERE id = ?5", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, rl_link_colour_to_id (colour), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, reason ? reason : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, self->actor_id);
  sqlite3_bind_int64 (stmt, 4, rl_store_now (self));
  sqlite3_bind_int64 (stmt, 5, link_id);
  if (!rl_store_run (self, stmt, error, _("Cannot resolve the link")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No identity link with id %" G_GINT64_FORMAT), link_id);
      goto fail;
    }
  details = rl_json_object ("colour", rl_link_colour_to_id (colour), "reason", reason, NULL);
  if (!rl_store_audit_append (self, "link.resolve", "identity_link", link_id, NULL, details, error))
    goto fail;
  return rl_store_commit (self, error);
fail:
  rl_store_rollback (self);
  return FALSE;
}
