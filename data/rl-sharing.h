/* rl-sharing.h — partners and their sharing agreements.
 *
 * A partner is another agency's system that queries this one through the
 * gateway (data/rl-gateway.h): a name, the agency it answers for, an API key
 * (only its SHA-256 is stored; the key itself is shown once, when the
 * partner is added) and an active flag. Its sharing agreement says what a
 * match answer may carry: which derogatory categories, which biographic
 * fields, and whether the encounter summary (dates, agencies, purposes).
 * Restricted derogatory records are never shared beyond "held by AGENCY",
 * whatever the agreement says.
 *
 * Only a data steward adds partners, edits agreements and revokes keys
 * (the store refuses anyone else); every change is audited.
 */
#pragma once

#include <glib.h>

#include "rl-store.h"

G_BEGIN_DECLS

/* Biographic fields a partner may be given (bit flags). */
typedef enum {
  RL_BIOGRAPHIC_FAMILY_NAME   = 1 << 0,
  RL_BIOGRAPHIC_GIVEN_NAMES   = 1 << 1,
  RL_BIOGRAPHIC_DATE_OF_BIRTH = 1 << 2,
  RL_BIOGRAPHIC_NATIONALITY   = 1 << 3,
  RL_BIOGRAPHIC_SEX           = 1 << 4,
} RlBiographicField;

#define RL_BIOGRAPHIC_N_FIELDS 5
#define RL_BIOGRAPHIC_ALL ((1u << RL_BIOGRAPHIC_N_FIELDS) - 1)

/* Stable id ("date_of_birth", also the JSON key of answers) and label. */
const char *rl_biographic_field_to_id    (RlBiographicField field);
const char *rl_biographic_field_to_label (RlBiographicField field);
gboolean    rl_biographic_field_from_id  (const char *id, RlBiographicField *out);

/* Set of derogatory categories: bit (1 << category). */
#define RL_DEROGATORY_BIT(category) (1u << (category))
#define RL_DEROGATORY_ALL (((1u << (RL_DEROGATORY_N_CATEGORIES + 1)) - 1) & ~1u)

typedef struct {
  gint64   id;
  char    *name;                 /* unique: "KESSEL-BORDER" */
  gint64   agency_id;            /* the agency its queries are enrolled under */
  char    *agency;               /* agency code */
  char    *key_prefix;           /* first characters of the key, to tell keys apart */
  gboolean active;
  gint64   created_at;
  gint64   revoked_at;           /* 0 unless revoked */
  /* the sharing agreement */
  guint32  derogatory_categories; /* RL_DEROGATORY_BIT set */
  guint32  biographic_fields;     /* RlBiographicField set */
  gboolean encounter_summary;
  gint64   agreement_updated_at;  /* 0: never set (shares nothing) */
  guint32  purposes;              /* RL_PURPOSE_BIT set: what its queries are for, as agreed;
                                   * 0: not stated (queries are filed as "other") */
} RlPartner;

#define RL_PURPOSE_BIT(purpose) (1u << (purpose))
#define RL_PURPOSE_ALL (((1u << (RL_PURPOSE_OTHER + 1)) - 1) & ~1u)

void rl_partner_free (RlPartner *partner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlPartner, rl_partner_free)

gboolean rl_partner_shares_category (const RlPartner *partner, RlDerogatoryCategory category);
gboolean rl_partner_shares_field    (const RlPartner *partner, RlBiographicField field);

/* Adds a partner (data steward only) that shares nothing until its
 * agreement is set. api_key NULL: a new random key, returned once in
 * *out_api_key (never stored). Returns the id, 0 on error. */
gint64     rl_store_add_partner         (RlStore *store, const char *name, gint64 agency_id, const char *api_key,
                                         char **out_api_key, GError **error);
RlPartner *rl_store_get_partner         (RlStore *store, gint64 partner_id, GError **error);
RlPartner *rl_store_get_partner_by_name (RlStore *store, const char *name, GError **error);
/* Of RlPartner*, by name. */
GPtrArray *rl_store_list_partners       (RlStore *store, GError **error);
/* Replaces the agreement (data steward only; audited with old and new). */
gboolean   rl_store_set_partner_sharing (RlStore *store, gint64 partner_id, guint32 derogatory_categories,
                                         guint32 biographic_fields, gboolean encounter_summary, GError **error);
/* Replaces the purposes the agreement covers (data steward only; audited as
 * partner.purposes with old and new). A query is then filed under the
 * purpose the partner states in it, which must be one of these, or the
 * first of them. */
gboolean   rl_store_set_partner_purposes (RlStore *store, gint64 partner_id, guint32 purposes, GError **error);
/* Revokes the partner's key for good (data steward only): it is refused from then on. */
gboolean   rl_store_revoke_partner      (RlStore *store, gint64 partner_id, GError **error);
/* The active partner holding this key; NULL with RL_STORE_ERROR_PERMISSION
 * for an unknown or revoked key (the message does not say which). */
RlPartner *rl_store_authenticate_partner (RlStore *store, const char *api_key, GError **error);

/* prefix + n_bytes random bytes from the kernel's CSPRNG, as hex (API
 * keys, transaction ids). NULL with an error if the system has none. */
char      *rl_sharing_random_token      (const char *prefix, guint n_bytes, GError **error);

/* Parses "criminal-conviction,revoked-visa" / "all" / "none" (and the same
 * for fields: "family_name,sex"). FALSE with an error naming the unknown item. */
gboolean   rl_sharing_parse_categories  (const char *list, guint32 *out, GError **error);
gboolean   rl_sharing_parse_fields      (const char *list, guint32 *out, GError **error);
/* The reverse, comma-separated ids ("none" when empty). */
gboolean   rl_sharing_parse_purposes    (const char *list, guint32 *out, GError **error);
char      *rl_sharing_format_categories (guint32 categories);
char      *rl_sharing_format_purposes   (guint32 purposes);
char      *rl_sharing_format_fields     (guint32 fields);

G_END_DECLS
