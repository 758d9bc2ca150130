/* rl-store.h — the Ridgeline workspace store (SQLite).
 *
 * One RlStore is one connection to one workspace file: use it from one
 * thread at a time; open a second RlStore for another thread (WAL lets
 * readers run while a writer writes).
 *
 * Every call that can fail takes a GError **. Every call that changes
 * several rows runs in one transaction, and every change writes a row to the
 * hash-chained audit log in that same transaction, attributed to the store's
 * acting user (rl_store_set_actor). Opening a person's record
 * (rl_store_open_identity) needs a stated purpose and is audited too.
 *
 * Domain rules are enforced here (C checks with clear messages, backed by SQL
 * constraints and triggers): e.g. an examiner cannot verify their own
 * conclusion, the author of a matcher release cannot approve it, only a
 * supervisor approves releases, conclusions and the audit log are append-only.
 *
 * Times are gint64 seconds since the Unix epoch, UTC. Ids are gint64; 0
 * means "none" in optional id fields and arguments.
 *
 * See data/rl-store-schema.c for the schema and migrations.
 */
#pragma once

#include <gio/gio.h>

#include "rl-types.h"

G_BEGIN_DECLS

#define RL_STORE_ERROR (rl_store_error_quark ())
GQuark rl_store_error_quark (void);

typedef enum {
  RL_STORE_ERROR_NOT_FOUND,       /* file or row missing */
  RL_STORE_ERROR_CORRUPT,         /* not a Ridgeline workspace, or damaged */
  RL_STORE_ERROR_TOO_NEW,         /* made by a newer Ridgeline */
  RL_STORE_ERROR_CONSTRAINT,      /* a rule of the domain was broken */
  RL_STORE_ERROR_PERMISSION,      /* the user's role does not allow this */
  RL_STORE_ERROR_BUSY,
  RL_STORE_ERROR_FAILED,
  RL_STORE_ERROR_SIGNED_OUT,      /* remote workspace: no session, or the server dropped it */
} RlStoreError;

typedef struct _RlStore RlStore;

/* Opens an existing workspace (error RL_STORE_ERROR_NOT_FOUND if missing) and
 * migrates it to the current schema. */
RlStore *rl_store_open   (const char *path, GError **error);
/* Creates a new, empty workspace at path (error if it exists). */
RlStore *rl_store_create (const char *path, GError **error);
/* A remote workspace: the ridgeline-server at url ("https://host:8443").
 * pinned: the server's certificate the user accepted (a self-signed one is
 * accepted only when it is exactly this one); NULL: the system's trusted
 * authorities decide. Checks that a Ridgeline server answers there (GET
 * /api/v1/info). Nobody is signed in yet: see rl_remote_sign_in()
 * (rl-remote.h). Functions not wired for a remote workspace yet fail with
 * "… is not available on a remote workspace yet". */
RlStore *rl_store_open_remote (const char *url, GTlsCertificate *pinned, GError **error);
gboolean rl_store_is_remote   (RlStore *store);
void     rl_store_close  (RlStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlStore, rl_store_close)

/* The file's path, or a remote workspace's server URL. */
const char *rl_store_get_path (RlStore *store);
/* The schema version this build writes, and the one of the open workspace. */
int         rl_store_schema_version (void);
/* Full integrity check of the file (slow on big workspaces). */
gboolean    rl_store_check_integrity (RlStore *store, GError **error);

/* Groups several calls into one transaction (nestable: inner levels are
 * savepoints). Every rl_store_* write already runs in its own transaction;
 * use this to make a bigger unit all-or-nothing (an import, a demo). */
gboolean rl_store_begin    (RlStore *store, GError **error);
gboolean rl_store_commit   (RlStore *store, GError **error);
void     rl_store_rollback (RlStore *store);

/* The clock used for created_at and audit times: NULL-equivalent 0 = the real
 * clock; otherwise a fixed time (the demo uses it to build a history that is
 * the same on every run). */
void     rl_store_set_time (RlStore *store, gint64 unix_time);
gint64   rl_store_now      (RlStore *store);

/* ---------------------------------------------------------------- users */

typedef enum {
  RL_ROLE_EXAMINER = 1,
  RL_ROLE_ANALYST = 2,
  RL_ROLE_SUPERVISOR = 3,
  RL_ROLE_DATA_STEWARD = 4,
} RlRole;

/* Untranslated stable id ("examiner") and translated label ("Examiner"). */
const char *rl_role_to_id    (RlRole role);
const char *rl_role_to_label (RlRole role);
gboolean    rl_role_from_id  (const char *id, RlRole *out_role);

typedef struct {
  gint64  id;
  char   *username;      /* sign-in name, unique */
  char   *display_name;
  RlRole  role;
  char   *agency;        /* the agency the user works for (its code) */
  gint64  agency_id;
  gboolean active;
} RlUser;

void    rl_user_free (RlUser *user);
RlUser *rl_user_copy (const RlUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlUser, rl_user_free)

/* Array of RlUser*, owning (free func set), ordered by display name. */
GPtrArray *rl_store_list_users       (RlStore *store, GError **error);
RlUser    *rl_store_get_user_by_name (RlStore *store, const char *username, GError **error);
RlUser    *rl_store_get_user         (RlStore *store, gint64 user_id, GError **error);
/* Needs a data steward as actor, or no actor while the workspace has no
 * data steward yet (setting up). Returns the new user's id, 0 on error. */
gint64     rl_store_add_user         (RlStore *store, const char *username, const char *display_name,
                                      RlRole role, gint64 agency_id, GError **error);

/* The user on whose behalf the following calls act ("signed in"); 0 = the
 * system (imports, demo set-up). Errors if the user does not exist or is
 * inactive. Role-bound actions (conclusions, approvals, ...) need a user. */
gboolean   rl_store_set_actor        (RlStore *store, gint64 user_id, GError **error);
gint64     rl_store_get_actor        (RlStore *store);

/* ------------------------------------------------------------- agencies */

typedef struct {
  gint64 id;
  char  *code;           /* short, unique: "BORDER" */
  char  *name;
} RlAgency;

void rl_agency_free (RlAgency *agency);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlAgency, rl_agency_free)

gint64     rl_store_add_agency       (RlStore *store, const char *code, const char *name, GError **error);
GPtrArray *rl_store_list_agencies    (RlStore *store, GError **error);   /* of RlAgency*, by code */
RlAgency  *rl_store_get_agency       (RlStore *store, gint64 agency_id, GError **error);
RlAgency  *rl_store_get_agency_by_code (RlStore *store, const char *code, GError **error);

/* ---------------------------------------------------- identities, encounters */

typedef enum {
  RL_PURPOSE_BORDER_CROSSING = 1,
  RL_PURPOSE_VISA_APPLICATION,
  RL_PURPOSE_ARREST_BOOKING,
  RL_PURPOSE_ASYLUM_CLAIM,
  RL_PURPOSE_RESIDENCE_PERMIT,
  RL_PURPOSE_BACKGROUND_CHECK,
  RL_PURPOSE_LATENT_CASE,
  RL_PURPOSE_OTHER,
} RlEncounterPurpose;

const char *rl_encounter_purpose_to_id    (RlEncounterPurpose purpose);   /* "border-crossing" */
const char *rl_encounter_purpose_to_label (RlEncounterPurpose purpose);   /* "Border crossing" */
gboolean    rl_encounter_purpose_from_id  (const char *id, RlEncounterPurpose *out);

typedef struct {
  gint64  id;
  char   *reference;     /* "P-000123" */
  gint64  created_at;
  gint64  merged_into;   /* 0 unless merged into another identity */
  /* Summary from the encounters (latest one wins; empty when none). */
  char   *family_name;
  char   *given_names;
  char   *date_of_birth;
  char   *nationality;
  char   *sex;
  guint   n_encounters;
  guint   n_derogatory;
  gint64  first_seen;
  gint64  last_seen;
} RlIdentity;

void rl_identity_free (RlIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlIdentity, rl_identity_free)

/* reference NULL: one is made up ("P-" + id). */
gint64      rl_store_add_identity   (RlStore *store, const char *reference, GError **error);
/* Opens a person's record: needs an acting user and a non-empty purpose
 * (case number or reason), which go into the audit log. */
RlIdentity *rl_store_open_identity  (RlStore *store, gint64 identity_id, const char *purpose, GError **error);
/* Summaries for lists (not an opening of the record: no purpose needed) of
 * the live identities (those merged into another are left out; open one by
 * id to see merged_into). name_filter: NULL or a substring of a family/given
 * name; limit 0 = all. Count: live identities. */
GPtrArray  *rl_store_list_identities (RlStore *store, const char *name_filter, guint offset, guint limit,
                                      GError **error);
guint       rl_store_count_identities (RlStore *store, GError **error);
/* One identity's list summary, merged or not (merged_into set), without
 * opening the record: for refreshing a record already opened, and for
 * naming the other side of a link. */
RlIdentity *rl_store_get_identity_summary (RlStore *store, gint64 identity_id, GError **error);

typedef struct {
  gint64  id;
  gint64  identity_id;
  gint64  agency_id;
  char   *agency;        /* agency code */
  gint64  occurred_at;
  RlEncounterPurpose purpose;
  char   *place;
  char   *case_reference;
  /* biographic data as this agency recorded it */
  char   *family_name;
  char   *given_names;
  char   *date_of_birth; /* "YYYY-MM-DD", parts may be 00; "" unknown */
  char   *nationality;   /* ISO 3166 alpha-3, "" unknown */
  char   *sex;           /* "F", "M", "X", "U" */
} RlEncounter;

void rl_encounter_free (RlEncounter *encounter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlEncounter, rl_encounter_free)

/* Adds an encounter from the filled-in struct (id ignored). Returns the id. */
gint64       rl_store_add_encounter    (RlStore *store, const RlEncounter *encounter, GError **error);
RlEncounter *rl_store_get_encounter    (RlStore *store, gint64 encounter_id, GError **error);
/* Of RlEncounter*, oldest first. */
GPtrArray   *rl_store_list_encounters  (RlStore *store, gint64 identity_id, GError **error);

/* --------------------------------------------------------- images, samples */

/* Stores encoded image bytes once by their SHA-256 (hex, 64 chars). Returns
 * the hash (newly allocated), NULL on error. format: "png", "wsq", ... */
char    *rl_store_add_image  (RlStore *store, GBytes *data, const char *format, int width, int height,
                              GError **error);
GBytes  *rl_store_get_image  (RlStore *store, const char *sha256, char **out_format, GError **error);

typedef struct {
  gint64  id;
  gint64  encounter_id;
  gint64  identity_id;
  RlFingerPosition finger;     /* 1..10, 0 unknown */
  RlImpression impression;
  char   *image_sha256;        /* NULL when no image is held */
  int     width, height;       /* of the image, 0 when none */
  int     ppi;
  int     quality;             /* 0..100, -1 unknown */
  gboolean has_template;
  char   *ground_truth;        /* the true finger, known for synthetic / benchmark prints; NULL otherwise */
  char   *source;              /* where the print came from ("synthetic", a file name) */
} RlSample;

void rl_sample_free (RlSample *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSample, rl_sample_free)

/* Adds a sample from the struct (id, identity_id, width, height, has_template
 * ignored; image_sha256 must name a stored image or be NULL). template_data:
 * the serialized template (rl_template_serialize) or NULL. */
gint64     rl_store_add_sample          (RlStore *store, const RlSample *sample, GBytes *template_data,
                                         GError **error);
RlSample  *rl_store_get_sample          (RlStore *store, gint64 sample_id, GError **error);
GPtrArray *rl_store_list_samples        (RlStore *store, gint64 encounter_id, GError **error);
GPtrArray *rl_store_list_identity_samples (RlStore *store, gint64 identity_id, GError **error);
/* NULL with no error when the sample has no template. */
GBytes    *rl_store_get_sample_template (RlStore *store, gint64 sample_id, GError **error);
gboolean   rl_store_set_sample_template (RlStore *store, gint64 sample_id, GBytes *template_data, int quality,
                                         GError **error);
/* Calls func for every sample with a template (for building a gallery),
 * in id order, without loading images. Stops early when func returns FALSE. */
typedef gboolean (*RlStoreTemplateFunc) (gint64 sample_id, gint64 identity_id, int finger,
                                         const guint8 *data, gsize len, gpointer user_data);
gboolean   rl_store_foreach_template    (RlStore *store, RlStoreTemplateFunc func, gpointer user_data,
                                         GError **error);

/* -------------------------------------------------------- derogatory records */

typedef enum {
  RL_DEROGATORY_KNOWN_SUSPECTED_TERRORIST = 1,
  RL_DEROGATORY_SEXUAL_OFFENDER_REMOVAL,
  RL_DEROGATORY_FEDERAL_CONVICTION,
  RL_DEROGATORY_CRIMINAL_CONVICTION,
  RL_DEROGATORY_IMMIGRATION_VIOLATION,
  RL_DEROGATORY_REVOKED_VISA,
  RL_DEROGATORY_MILITARY_RECORD,
  RL_DEROGATORY_GANG_MEMBER,
  RL_DEROGATORY_DRUG_SMUGGLER,
  RL_DEROGATORY_HUMAN_TRAFFICKER_SMUGGLER,
  RL_DEROGATORY_LAW_ENFORCEMENT_ALERT,
} RlDerogatoryCategory;

#define RL_DEROGATORY_N_CATEGORIES 11

const char *rl_derogatory_category_to_id    (RlDerogatoryCategory category);
const char *rl_derogatory_category_to_label (RlDerogatoryCategory category);
gboolean    rl_derogatory_category_from_id  (const char *id, RlDerogatoryCategory *out);

typedef struct {
  gint64   id;
  gint64   identity_id;
  RlDerogatoryCategory category;
  gint64   source_agency_id;
  char    *source_agency;      /* code */
  gboolean restricted;         /* FALSE: sharable */
  /* TRUE when the viewing user may not see this restricted record: then
   * summary, recorded_on and expires_on are NULL and the record only says
   * "held by source_agency". Category is still shown. */
  gboolean withheld;
  char    *summary;
  char    *recorded_on;        /* "YYYY-MM-DD" */
  char    *expires_on;         /* NULL: no expiry */
  gint64   created_at;
} RlDerogatoryRecord;

void rl_derogatory_record_free (RlDerogatoryRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlDerogatoryRecord, rl_derogatory_record_free)

gint64     rl_store_add_derogatory_record (RlStore *store, const RlDerogatoryRecord *record, GError **error);
/* Records of an identity as the acting user may see them (see withheld). */
GPtrArray *rl_store_list_derogatory_records (RlStore *store, gint64 identity_id, GError **error);
/* Whether a user may read restricted records from source_agency_id: staff of
 * that agency may, and whoever an access grant names. */
gboolean   rl_store_user_may_read_restricted (RlStore *store, gint64 user_id, gint64 source_agency_id,
                                              GError **error);
/* Data stewards only. role 0 = any role; agency_id 0 = any agency. */
gint64     rl_store_grant_restricted_access  (RlStore *store, gint64 source_agency_id, RlRole role,
                                              gint64 agency_id, GError **error);
gboolean   rl_store_revoke_restricted_access (RlStore *store, gint64 grant_id, GError **error);

/* A data steward's rule: users of `role` (0 = any) at `agency` (NULL =
 * any) may read restricted records held by `source_agency`. */
typedef struct {
  gint64  id;
  char   *source_agency;     /* code */
  RlRole  role;              /* 0 = any role */
  char   *agency;            /* code, NULL = any agency */
  char   *granted_by;        /* username */
  gint64  granted_at;
} RlAccessGrant;

void       rl_access_grant_free (RlAccessGrant *grant);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlAccessGrant, rl_access_grant_free)
/* Every rule in force, by source agency: GPtrArray of RlAccessGrant*. */
GPtrArray *rl_store_list_access_grants (RlStore *store, GError **error);

/* -------------------------------------------------------- matcher releases */

typedef enum {
  RL_RELEASE_DRAFT = 1,
  RL_RELEASE_EVALUATED,
  RL_RELEASE_APPROVED,
  RL_RELEASE_REJECTED,
  RL_RELEASE_ACTIVE,
  RL_RELEASE_RETIRED,
} RlReleaseState;

const char *rl_release_state_to_id    (RlReleaseState state);
const char *rl_release_state_to_label (RlReleaseState state);
gboolean    rl_release_state_from_id  (const char *id, RlReleaseState *out);

typedef struct {
  gint64  id;
  char   *name;               /* "2026.11-1" */
  char   *parameters;         /* JSON */
  RlReleaseState state;
  char   *metrics;            /* JSON or NULL (set by evaluation) */
  gint64  author_id;          /* 0: shipped with Ridgeline */
  gint64  approver_id;        /* the supervisor who approved or rejected */
  char   *review_comment;
  gint64  based_on;
  gint64  created_at, evaluated_at, reviewed_at, activated_at, retired_at;
} RlMatcherRelease;

void rl_matcher_release_free (RlMatcherRelease *release);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlMatcherRelease, rl_matcher_release_free)

/* A new draft authored by the acting user (system when none). */
gint64            rl_store_add_release       (RlStore *store, const char *name, const char *parameters_json,
                                              gint64 based_on, GError **error);
RlMatcherRelease *rl_store_get_release       (RlStore *store, gint64 release_id, GError **error);
/* NULL with RL_STORE_ERROR_NOT_FOUND when none is active. */
RlMatcherRelease *rl_store_get_active_release (RlStore *store, GError **error);
GPtrArray        *rl_store_list_releases     (RlStore *store, GError **error);   /* newest first */
/* draft → evaluated (metrics JSON, optional report bytes, e.g. a PDF). */
gboolean rl_store_set_release_evaluated (RlStore *store, gint64 release_id, const char *metrics_json,
                                         GBytes *report, GError **error);
GBytes  *rl_store_get_release_report    (RlStore *store, gint64 release_id, GError **error);
/* evaluated → approved / rejected by a supervisor who is not the author. */
gboolean rl_store_review_release        (RlStore *store, gint64 release_id, gboolean approve,
                                         const char *comment, GError **error);
/* approved → active (the active one is retired); supervisor. */
gboolean rl_store_activate_release      (RlStore *store, gint64 release_id, GError **error);
/* Retires the active release and reactivates the one active before it.
 * Returns the reactivated release's id, 0 on error. */
gint64   rl_store_rollback_release      (RlStore *store, GError **error);
/* Corrections a release was built from (marks them "used"). */
gboolean rl_store_link_release_corrections (RlStore *store, gint64 release_id, const gint64 *correction_ids,
                                            guint n, GError **error);

/* -------------------------------------------------- searches and candidates */

typedef enum {
  RL_SEARCH_PENDING = 1,        /* waiting in the examiners' queue */
  RL_SEARCH_IN_REVIEW,          /* claimed by an examiner */
  RL_SEARCH_VERIFICATION,       /* an identification awaits verification */
  RL_SEARCH_DISPUTED,           /* verifier disagreed: a supervisor decides */
  RL_SEARCH_COMPLETED,
  RL_SEARCH_AUTOMATIC,          /* decided by the matcher, no review needed */
} RlSearchStatus;

typedef enum {
  RL_SEARCH_REASON_GREY_ZONE = 1,  /* best score between no-match and match thresholds */
  RL_SEARCH_REASON_LOW_QUALITY,    /* probe below the quality threshold */
  RL_SEARCH_REASON_ASSIGNED,       /* a supervisor assigned it */
  RL_SEARCH_REASON_AUTOMATIC,
} RlSearchReason;

const char *rl_search_status_to_id    (RlSearchStatus status);
const char *rl_search_status_to_label (RlSearchStatus status);
gboolean    rl_search_status_from_id  (const char *id, RlSearchStatus *out);
const char *rl_search_reason_to_id    (RlSearchReason reason);
const char *rl_search_reason_to_label (RlSearchReason reason);
gboolean    rl_search_reason_from_id  (const char *id, RlSearchReason *out);

typedef struct {
  gint64  id;
  gint64  probe_sample_id;
  gint64  release_id;
  gint64  created_at;
  RlSearchStatus status;
  RlSearchReason reason;
  int     priority;            /* 1 most urgent .. 5 */
  gint64  claimed_by;
  gint64  claimed_at;
  gint64  assigned_to;
  char   *case_reference;
  /* from the probe, for queues */
  gint64  probe_encounter_id;
  gint64  probe_identity_id;   /* the identity the probe was enrolled under */
  char   *agency;              /* probe encounter's agency code */
  int     probe_quality;       /* -1 unknown */
  RlFingerPosition probe_finger;
  guint   n_candidates;
  float   best_score;          /* 0 when no candidates */
} RlSearch;

void rl_search_free (RlSearch *search);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSearch, rl_search_free)

typedef struct {
  gint64  id;
  gint64  search_id;
  guint   rank;                /* 1 = best */
  float   score;
  gint64  sample_id;
  /* for candidate lists */
  gint64  encounter_id;
  gint64  identity_id;
  RlFingerPosition finger;
  int     quality;
  gint64  encounter_at;
  char   *agency;
  char   *identity_reference;  /* "P-000123" */
  /* the name as the candidate's encounter recorded it ("" unknown) */
  char   *family_name;
  char   *given_names;
} RlSearchCandidate;

void rl_search_candidate_free (RlSearchCandidate *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSearchCandidate, rl_search_candidate_free)

/* Records a search and its candidate list in one transaction. candidates:
 * matcher output, best first (ranks are given 1..n in array order).
 * release_id 0 = the active release. */
typedef struct { gint64 sample_id; float score; } RlStoreCandidateIn;
gint64     rl_store_add_search        (RlStore *store, gint64 probe_sample_id, gint64 release_id,
                                       RlSearchStatus status, RlSearchReason reason, int priority,
                                       const RlStoreCandidateIn *candidates, guint n_candidates,
                                       GError **error);
RlSearch  *rl_store_get_search        (RlStore *store, gint64 search_id, GError **error);
/* status 0 = any. Newest first. */
GPtrArray *rl_store_list_searches     (RlStore *store, RlSearchStatus status, GError **error);
/* What the acting examiner's queue shows: pending searches nobody claimed or
 * assigned elsewhere, plus those claimed by / assigned to them; most urgent
 * and oldest first. */
GPtrArray *rl_store_list_work_queue   (RlStore *store, GError **error);
GPtrArray *rl_store_list_candidates   (RlStore *store, gint64 search_id, GError **error);
/* Claims a pending search for the acting user (error if someone else has it). */
gboolean   rl_store_claim_search      (RlStore *store, gint64 search_id, GError **error);
gboolean   rl_store_release_search    (RlStore *store, gint64 search_id, GError **error);
/* Supervisor: assign a search to an examiner. */
gboolean   rl_store_assign_search     (RlStore *store, gint64 search_id, gint64 examiner_id, GError **error);
gboolean   rl_store_set_search_status (RlStore *store, gint64 search_id, RlSearchStatus status, GError **error);
/* The acting user looked at a candidate (for sequential unmasking). */
gboolean   rl_store_record_candidate_view (RlStore *store, gint64 candidate_id, GError **error);
gboolean   rl_store_candidate_seen    (RlStore *store, gint64 search_id, gint64 user_id, gboolean *out_seen,
                                       GError **error);

/* ACE-V analysis of the probe (appended; flagged when made after the
 * examiner saw a candidate). markup_json may be NULL. */
gint64     rl_store_add_probe_analysis (RlStore *store, gint64 search_id, gboolean of_value, const char *notes,
                                        const char *markup_json, GError **error);

/* ------------------------------------------- conclusions and verifications */

typedef enum {
  RL_DECISION_IDENTIFICATION = 1,
  RL_DECISION_EXCLUSION,
  RL_DECISION_INCONCLUSIVE,
} RlDecision;

const char *rl_decision_to_id    (RlDecision decision);
const char *rl_decision_to_label (RlDecision decision);
gboolean    rl_decision_from_id  (const char *id, RlDecision *out);

typedef struct {
  gint64  id;
  gint64  search_id;           /* 0: a comparison outside a search */
  gint64  candidate_id;        /* 0: the sample is not on the candidate list */
  gint64  probe_sample_id;
  gint64  candidate_sample_id;
  gint64  examiner_id;
  RlDecision decision;
  char   *reasons;
  char   *notes;
  gint64  supersedes;          /* the earlier conclusion this one replaces */
  gint64  created_at;
} RlConclusion;

void rl_conclusion_free (RlConclusion *conclusion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlConclusion, rl_conclusion_free)

/* Records a conclusion by the acting user (an examiner or supervisor).
 * Nothing is edited: a change of mind is a new conclusion that supersedes
 * the previous one. examiner_id, id and created_at of the struct are ignored. */
gint64        rl_store_add_conclusion   (RlStore *store, const RlConclusion *conclusion, GError **error);
RlConclusion *rl_store_get_conclusion   (RlStore *store, gint64 conclusion_id, GError **error);
GPtrArray    *rl_store_list_conclusions (RlStore *store, gint64 search_id, GError **error); /* oldest first */

/* Supervisor: the final conclusion on a disputed search (a verifier
 * disagreed with its identification). Recorded as a conclusion by the acting
 * supervisor on the disputed print pair that supersedes the identification;
 * the search is completed and the decision audited. A supervisor who made
 * or verified the disputed conclusion cannot decide it. Returns the new
 * conclusion's id. */
gint64        rl_store_decide_dispute   (RlStore *store, gint64 search_id, RlDecision decision,
                                         const char *reasons, GError **error);
/* The conclusion that settled a disputed search, 0 when none did. */
gint64        rl_store_get_dispute_decision (RlStore *store, gint64 search_id, GError **error);
/* The identification under dispute on a disputed search (NULL and NOT_FOUND otherwise). */
RlConclusion *rl_store_get_disputed_conclusion (RlStore *store, gint64 search_id, GError **error);

typedef struct {
  gint64   id;
  gint64   conclusion_id;
  gint64   verifier_id;
  gboolean blind;
  gboolean agrees;
  RlDecision decision;         /* the verifier's own decision (0 if not given) */
  char    *reasons;
  gint64   created_at;
} RlVerification;

void rl_verification_free (RlVerification *verification);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlVerification, rl_verification_free)

/* The acting user verifies a conclusion; they must not be its examiner.
 * decision 0: agree/disagree only. */
gint64     rl_store_add_verification   (RlStore *store, gint64 conclusion_id, gboolean blind, gboolean agrees,
                                        RlDecision decision, const char *reasons, GError **error);
GPtrArray *rl_store_list_verifications (RlStore *store, gint64 conclusion_id, GError **error);

/* ------------------------------------------------------------------- hits */

typedef enum {
  RL_HIT_OPEN = 1,
  RL_HIT_CONFIRMED,
  RL_HIT_DISMISSED,
  RL_HIT_ESCALATED,
} RlHitStatus;

const char *rl_hit_status_to_id    (RlHitStatus status);
const char *rl_hit_status_to_label (RlHitStatus status);
gboolean    rl_hit_status_from_id  (const char *id, RlHitStatus *out);

typedef struct {
  gint64  id;
  gint64  search_id;
  gint64  encounter_id;        /* the new encounter */
  gint64  identity_id;         /* the identity it matched, with derogatory records */
  gint64  candidate_id;
  float   score;
  RlHitStatus status;
  gint64  created_at;
} RlHit;

void rl_hit_free (RlHit *hit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlHit, rl_hit_free)

gint64     rl_store_add_hit      (RlStore *store, const RlHit *hit, GError **error);
RlHit     *rl_store_get_hit      (RlStore *store, gint64 hit_id, GError **error);
GPtrArray *rl_store_list_hits    (RlStore *store, RlHitStatus status /* 0 = any */, GError **error);

/* A row of the analysts' hit queue: the hit, the agency of the encounter
 * that raised it, and the derogatory records of its person as the acting
 * user may see them (restricted content withheld as rl_store_list_derogatory_records
 * does). */
typedef struct {
  RlHit     *hit;
  char      *encounter_agency;   /* the encounter's agency code; NULL when it cannot be read */
  GPtrArray *records;            /* RlDerogatoryRecord*; NULL when they cannot be read */
} RlHitRow;

void rl_hit_row_free (RlHitRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlHitRow, rl_hit_row_free)

/* The hit queue with what its rows show, oldest first (RlHitRow*). The same
 * as rl_store_list_hits and, per hit, rl_store_get_encounter and
 * rl_store_list_derogatory_records (a part that cannot be read is left NULL,
 * as a page would show it empty), but ONE request on a remote workspace
 * instead of 1 + 2N (GET /hits?with=details). */
GPtrArray *rl_store_list_hit_rows (RlStore *store, RlHitStatus status /* 0 = any */, GError **error);
/* An analyst (or supervisor) confirms, dismisses (reason required) or
 * escalates; only a supervisor disposes of an escalated hit. */
gint64     rl_store_dispose_hit  (RlStore *store, gint64 hit_id, RlHitStatus disposition, const char *reason,
                                  GError **error);

/* ------------------------------------------------------------ corrections */

typedef enum {
  RL_CORRECTION_FALSE_MATCH = 1,   /* exclusion of a candidate the matcher scored above its match threshold */
  RL_CORRECTION_MISSED_MATCH,      /* identification of a print outside the candidate list */
} RlCorrectionKind;

typedef enum {
  RL_CORRECTION_OPEN = 1,
  RL_CORRECTION_ACCEPTED,
  RL_CORRECTION_REJECTED,
  RL_CORRECTION_USED,              /* a release was built from it */
} RlCorrectionStatus;

const char *rl_correction_kind_to_id      (RlCorrectionKind kind);
const char *rl_correction_kind_to_label   (RlCorrectionKind kind);
gboolean    rl_correction_kind_from_id    (const char *id, RlCorrectionKind *out);
const char *rl_correction_status_to_id    (RlCorrectionStatus status);
const char *rl_correction_status_to_label (RlCorrectionStatus status);
gboolean    rl_correction_status_from_id  (const char *id, RlCorrectionStatus *out);

typedef struct {
  gint64  id;
  RlCorrectionKind kind;
  gint64  probe_sample_id;
  gint64  candidate_sample_id;
  gint64  search_id;           /* 0 if none */
  gint64  conclusion_id;       /* 0 if none */
  gint64  release_id;          /* the release that made the mistake, 0 if unknown */
  float   score;               /* the matcher's score for the pair, NAN if unknown */
  gint64  reported_by;
  char   *reason;
  RlCorrectionStatus status;
  gint64  reviewed_by;
  gint64  reviewed_at;
  gint64  created_at;
} RlCorrection;

void rl_correction_free (RlCorrection *correction);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlCorrection, rl_correction_free)

/* Reported by the acting user (id, reported_by, status, reviewed_*,
 * created_at of the struct are ignored). */
gint64        rl_store_add_correction    (RlStore *store, const RlCorrection *correction, GError **error);
RlCorrection *rl_store_get_correction    (RlStore *store, gint64 correction_id, GError **error);
GPtrArray    *rl_store_list_corrections  (RlStore *store, RlCorrectionStatus status /* 0 = any */, GError **error);
/* A supervisor other than the reporter accepts or rejects. */
gboolean      rl_store_review_correction (RlStore *store, gint64 correction_id, gboolean accept, GError **error);

/* A conclusion and the correction it makes (a false match excluded, a
 * missed match identified) in one transaction — on a remote workspace in
 * one request, which the server commits as one. correction may be NULL; its
 * conclusion_id is set to the new conclusion's. Returns the conclusion's id. */
gint64        rl_store_add_conclusion_with_correction (RlStore *store, const RlConclusion *conclusion,
                                                       const RlCorrection *correction, GError **error);
/* rl_store_decide_dispute with the correction the decision makes (NULL:
 * none), likewise in one transaction / one request. */
gint64        rl_store_decide_dispute_with_correction (RlStore *store, gint64 search_id, RlDecision decision,
                                                       const char *reasons, const RlCorrection *correction,
                                                       GError **error);

/* ------------------------------------------------ multiple-identity links */

typedef enum {
  RL_LINK_YELLOW = 1,   /* to review */
  RL_LINK_WHITE,        /* same person (e.g. a name spelled two ways) */
  RL_LINK_GREEN,        /* different people, legitimately */
  RL_LINK_RED,          /* identity fraud */
} RlLinkColour;

const char *rl_link_colour_to_id    (RlLinkColour colour);
const char *rl_link_colour_to_label (RlLinkColour colour);
gboolean    rl_link_colour_from_id  (const char *id, RlLinkColour *out);

typedef struct {
  gint64  id;
  gint64  identity_a, identity_b;   /* a < b */
  RlLinkColour colour;
  float   score;
  gint64  created_at;
  gint64  resolved_by;
  gint64  resolved_at;
  char   *reason;
} RlIdentityLink;

void rl_identity_link_free (RlIdentityLink *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlIdentityLink, rl_identity_link_free)

/* A yellow link between two identities (order does not matter). Returns the
 * existing link's id if there is one. */
gint64     rl_store_add_identity_link     (RlStore *store, gint64 identity_a, gint64 identity_b, float score,
                                           GError **error);
GPtrArray *rl_store_list_identity_links   (RlStore *store, gint64 identity_id /* 0 = all */, GError **error);
/* An analyst or supervisor sets the colour, with a reason. */
gboolean   rl_store_resolve_identity_link (RlStore *store, gint64 link_id, RlLinkColour colour, const char *reason,
                                           GError **error);

/* -------------------------------------------------------------- audit log */

typedef struct {
  gint64  id;
  gint64  at;
  gint64  user_id;       /* 0: the system */
  char   *username;
  char   *action;        /* "identity.open", "conclusion.add", ... */
  char   *object_kind;   /* "identity", "search", ... */
  gint64  object_id;
  char   *purpose;       /* stated purpose for record openings, else "" */
  char   *details;       /* JSON object or "" */
  char   *prev_hash;
  char   *hash;
} RlAuditEntry;

void rl_audit_entry_free (RlAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlAuditEntry, rl_audit_entry_free)

/* Appends an audit row (for writes made outside this API, e.g. an export).
 * Purpose may be NULL. */
gboolean   rl_store_audit        (RlStore *store, const char *action, const char *object_kind, gint64 object_id,
                                  const char *purpose, const char *details_json, GError **error);
/* Newest first. object_kind NULL = all; user_id 0 = all; limit 0 = all. */
GPtrArray *rl_store_list_audit   (RlStore *store, const char *object_kind, gint64 object_id, gint64 user_id,
                                  guint limit, GError **error);

typedef struct {
  guint64 n_rows;
  gint64  first_bad_id;  /* 0 when the chain holds */
  char   *problem;       /* what is wrong, naming the row; NULL when intact */
  char   *head_hash;     /* hash of the last row: write it down elsewhere to detect a rewritten chain */
} RlAuditReport;

void rl_audit_report_free (RlAuditReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlAuditReport, rl_audit_report_free)

/* Walks the whole chain. Returns a report (NULL only when the log cannot be
 * read at all); report->problem says which row was edited or deleted. */
RlAuditReport *rl_store_verify_audit (RlStore *store, GError **error);

G_END_DECLS
