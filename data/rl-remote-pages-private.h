/* rl-remote-pages-private.h — the remote side of the store functions the
 * analyst, supervisor and data-steward pages call (hits, identities,
 * encounters, derogatory records, links, merges and splits, agencies,
 * access grants, releases, the audit check). Each is called from the top of
 * its rl_store_* counterpart: `if (self->remote) return rl_remote_xxx (...)`,
 * sends one request and reads the answer with data/rl-store-json.h. */
#pragma once

#include "rl-store.h"

G_BEGIN_DECLS

/* rl-store.c: agencies */
GPtrArray  *rl_remote_list_agencies        (RlStore *store, GError **error);
RlAgency   *rl_remote_get_agency           (RlStore *store, gint64 agency_id, GError **error);
RlAgency   *rl_remote_get_agency_by_code   (RlStore *store, const char *code, GError **error);

/* rl-store-identities.c */
RlIdentity *rl_remote_open_identity        (RlStore *store, gint64 identity_id, const char *purpose, GError **error);
GPtrArray  *rl_remote_list_identities      (RlStore *store, const char *name_filter, guint offset, guint limit,
                                            GError **error);
guint       rl_remote_count_identities     (RlStore *store, GError **error);
RlIdentity *rl_remote_get_identity_summary (RlStore *store, gint64 identity_id, GError **error);
RlEncounter *rl_remote_get_encounter       (RlStore *store, gint64 encounter_id, GError **error);
GPtrArray  *rl_remote_list_encounters      (RlStore *store, gint64 identity_id, GError **error);
GPtrArray  *rl_remote_list_derogatory_records (RlStore *store, gint64 identity_id, GError **error);
GPtrArray  *rl_remote_list_access_grants   (RlStore *store, GError **error);
gint64      rl_remote_grant_restricted_access (RlStore *store, gint64 source_agency_id, RlRole role,
                                               gint64 agency_id, GError **error);
gboolean    rl_remote_revoke_restricted_access (RlStore *store, gint64 grant_id, GError **error);
GPtrArray  *rl_remote_list_identity_links  (RlStore *store, gint64 identity_id, GError **error);
gboolean    rl_remote_resolve_identity_link (RlStore *store, gint64 link_id, RlLinkColour colour,
                                             const char *reason, GError **error);

/* rl-mid.c */
int         rl_remote_merge_identities     (RlStore *store, gint64 from, gint64 into, const char *reason,
                                            GError **error);
int         rl_remote_undo_merge           (RlStore *store, gint64 merged_identity_id, const char *reason,
                                            GError **error);
gint64      rl_remote_split_identity       (RlStore *store, gint64 identity_id, const gint64 *encounter_ids,
                                            guint n_encounter_ids, const char *reason, GError **error);

/* rl-store-searches.c: hits */
GPtrArray  *rl_remote_list_hits            (RlStore *store, RlHitStatus status, GError **error);
GPtrArray  *rl_remote_list_hit_rows        (RlStore *store, RlHitStatus status, GError **error);
RlHit      *rl_remote_get_hit              (RlStore *store, gint64 hit_id, GError **error);
gint64      rl_remote_dispose_hit          (RlStore *store, gint64 hit_id, RlHitStatus disposition,
                                            const char *reason, GError **error);

/* rl-store-releases.c */
GPtrArray  *rl_remote_list_releases        (RlStore *store, GError **error);
RlMatcherRelease *rl_remote_get_active_release (RlStore *store, GError **error);
GBytes     *rl_remote_get_release_report   (RlStore *store, gint64 release_id, GError **error);
gboolean    rl_remote_activate_release     (RlStore *store, gint64 release_id, GError **error);
gint64      rl_remote_rollback_release     (RlStore *store, GError **error);

/* rl-store-audit.c */
RlAuditReport *rl_remote_verify_audit      (RlStore *store, GError **error);

G_END_DECLS
