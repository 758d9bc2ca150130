/* rl-store-schema.c — the workspace schema as a list of migrations.
 *
 * Each migration runs in one transaction together with the bump of
 * PRAGMA user_version, so a workspace is always at exactly one version.
 * Never edit a migration that has landed: add a new one.
 *
 * Conventions: every table is STRICT; times are INTEGER seconds since the
 * Unix epoch (UTC); dates of birth are TEXT 'YYYY-MM-DD' (parts may be
 * unknown: 'YYYY-00-00'); JSON columns are TEXT checked with json_valid().
 * CHECK constraints carry a name that reads as the rule it enforces, because
 * SQLite puts that name into the error message the user sees.
 */
#define G_LOG_DOMAIN "rl-store"

#include "rl-store-private.h"

static const char migration_1[] =
  "CREATE TABLE agency ("
  "  id INTEGER PRIMARY KEY,"
  "  code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 16),"
  "  name TEXT NOT NULL) STRICT;"
  "CREATE TABLE user ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),"
  "  display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('examiner','analyst','supervisor','data-steward')),"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id)) STRICT;";

static const char migration_2[] =
  "ALTER TABLE user ADD COLUMN active INTEGER NOT NULL DEFAULT 1"
  "  CONSTRAINT \"active is 0 or 1\" CHECK (active IN (0, 1));"

  /* A person as the system knows them. Biographic data lives on the
   * encounters, as each agency recorded it: that is where the variants are. */
  "CREATE TABLE identity ("
  "  id INTEGER PRIMARY KEY,"
  "  reference TEXT NOT NULL UNIQUE"
  "    CONSTRAINT \"an identity reference is 1 to 32 characters\" CHECK (length(reference) BETWEEN 1 AND 32),"
  "  created_at INTEGER NOT NULL,"
  "  merged_into INTEGER REFERENCES identity(id)"
  "    CONSTRAINT \"an identity cannot be merged into itself\" CHECK (merged_into IS NULL OR merged_into <> id)"
  ") STRICT;"

  "CREATE TABLE encounter ("
  "  id INTEGER PRIMARY KEY,"
  "  identity_id INTEGER NOT NULL REFERENCES identity(id),"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id),"
  "  occurred_at INTEGER NOT NULL,"
  "  purpose TEXT NOT NULL CONSTRAINT \"unknown encounter purpose\" CHECK (purpose IN"
  "    ('border-crossing','visa-application','arrest-booking','asylum-claim',"
  "     'residence-permit','background-check','latent-case','other')),"
  "  place TEXT NOT NULL DEFAULT '',"
  "  case_reference TEXT NOT NULL DEFAULT '',"
  "  family_name TEXT NOT NULL DEFAULT '',"
  "  given_names TEXT NOT NULL DEFAULT '',"
  "  date_of_birth TEXT NOT NULL DEFAULT ''"
  "    CONSTRAINT \"a date of birth is YYYY-MM-DD or empty\" CHECK (date_of_birth = '' OR date_of_birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
  "  nationality TEXT NOT NULL DEFAULT ''"
  "    CONSTRAINT \"a nationality is a 3-letter country code or empty\" CHECK (nationality = '' OR nationality GLOB '[A-Z][A-Z][A-Z]'),"
  "  sex TEXT NOT NULL DEFAULT 'U' CONSTRAINT \"sex is F, M, X or U\" CHECK (sex IN ('F','M','X','U'))"
  ") STRICT;"
  "CREATE INDEX encounter_by_identity ON encounter(identity_id, occurred_at);"
  "CREATE INDEX encounter_by_family_name ON encounter(family_name COLLATE NOCASE);"

  /* Images are stored once, by the SHA-256 of their encoded bytes. */
  "CREATE TABLE image ("
  "  sha256 TEXT PRIMARY KEY CONSTRAINT \"an image hash is 64 hex digits\" CHECK (length(sha256) = 64),"
  "  format TEXT NOT NULL CONSTRAINT \"unknown image format\" CHECK (format IN ('png','wsq','tiff','jpeg','bmp','pgm','jp2')),"
  "  width INTEGER NOT NULL CHECK (width > 0),"
  "  height INTEGER NOT NULL CHECK (height > 0),"
  "  data BLOB NOT NULL"
  ") STRICT, WITHOUT ROWID;"

  "CREATE TABLE sample ("
  "  id INTEGER PRIMARY KEY,"
  "  encounter_id INTEGER NOT NULL REFERENCES encounter(id),"
  "  finger INTEGER NOT NULL CONSTRAINT \"a finger position is 0 (unknown) to 10\" CHECK (finger BETWEEN 0 AND 10),"
  "  impression INTEGER NOT NULL CONSTRAINT \"an impression code is 0 to 8\" CHECK (impression BETWEEN 0 AND 8),"
  "  image_sha256 TEXT REFERENCES image(sha256),"
  "  ppi INTEGER NOT NULL DEFAULT 500 CONSTRAINT \"a resolution is 100 to 2000 ppi\" CHECK (ppi BETWEEN 100 AND 2000),"
  "  quality INTEGER CONSTRAINT \"a quality score is 0 to 100\" CHECK (quality IS NULL OR quality BETWEEN 0 AND 100),"
  "  template BLOB,"
  "  ground_truth TEXT,"
  "  source TEXT NOT NULL DEFAULT ''"
  ") STRICT;"
  "CREATE INDEX sample_by_encounter ON sample(encounter_id);"
  "CREATE INDEX sample_by_image ON sample(image_sha256);"

  "CREATE TABLE derogatory_record ("
  "  id INTEGER PRIMARY KEY,"
  "  identity_id INTEGER NOT NULL REFERENCES identity(id),"
  "  category TEXT NOT NULL CONSTRAINT \"unknown derogatory category\" CHECK (category IN"
  "    ('known-suspected-terrorist','sexual-offender-removal','federal-conviction',"
  "     'criminal-conviction','immigration-violation','revoked-visa','military-record',"
  "     'gang-member','drug-smuggler','human-trafficker-smuggler','law-enforcement-alert')),"
  "  source_agency_id INTEGER NOT NULL REFERENCES agency(id),"
  "  restricted INTEGER NOT NULL CONSTRAINT \"restricted is 0 or 1\" CHECK (restricted IN (0, 1)),"
  "  summary TEXT NOT NULL CONSTRAINT \"a derogatory record needs a summary\" CHECK (length(summary) > 0),"
  "  recorded_on TEXT NOT NULL CONSTRAINT \"recorded_on is YYYY-MM-DD\" CHECK (recorded_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
  "  expires_on TEXT CONSTRAINT \"expires_on is YYYY-MM-DD\" CHECK (expires_on IS NULL OR expires_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
  "  created_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX derogatory_by_identity ON derogatory_record(identity_id);"

  /* Who may read restricted derogatory records of a source agency, beyond
   * that agency's own staff: a role (or any role when NULL) at an agency (or
   * any agency when NULL). Set by data stewards. */
  "CREATE TABLE access_grant ("
  "  id INTEGER PRIMARY KEY,"
  "  source_agency_id INTEGER NOT NULL REFERENCES agency(id),"
  "  role TEXT CONSTRAINT \"unknown role\" CHECK (role IS NULL OR role IN ('examiner','analyst','supervisor','data-steward')),"
  "  agency_id INTEGER REFERENCES agency(id),"
  "  granted_by INTEGER REFERENCES user(id),"
  "  granted_at INTEGER NOT NULL,"
  "  UNIQUE (source_agency_id, role, agency_id)"
  ") STRICT;"

  "CREATE TABLE matcher_release ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE CONSTRAINT \"a release name is 1 to 64 characters\" CHECK (length(name) BETWEEN 1 AND 64),"
  "  parameters TEXT NOT NULL CONSTRAINT \"release parameters are JSON\" CHECK (json_valid(parameters)),"
  "  state TEXT NOT NULL DEFAULT 'draft' CONSTRAINT \"unknown release state\" CHECK (state IN ('draft','evaluated','approved','rejected','active','retired')),"
  "  metrics TEXT CONSTRAINT \"release metrics are JSON\" CHECK (metrics IS NULL OR json_valid(metrics)),"
  "  report BLOB,"
  "  author_id INTEGER REFERENCES user(id),"
  "  approver_id INTEGER REFERENCES user(id),"
  "  review_comment TEXT NOT NULL DEFAULT '',"
  "  based_on INTEGER REFERENCES matcher_release(id),"
  "  created_at INTEGER NOT NULL,"
  "  evaluated_at INTEGER,"
  "  reviewed_at INTEGER,"
  "  activated_at INTEGER,"
  "  retired_at INTEGER,"
  "  CONSTRAINT \"the author of a release cannot approve it\" CHECK (approver_id IS NULL OR author_id IS NULL OR approver_id <> author_id),"
  "  CONSTRAINT \"an approved or active release has an approver\" CHECK (state NOT IN ('approved','active') OR approver_id IS NOT NULL OR author_id IS NULL)"
  ") STRICT;"
  "CREATE UNIQUE INDEX one_active_release ON matcher_release(state) WHERE state = 'active';"
  "CREATE TRIGGER release_approver_is_supervisor BEFORE UPDATE OF approver_id ON matcher_release"
  "  WHEN NEW.approver_id IS NOT NULL AND (SELECT role FROM user WHERE id = NEW.approver_id) IS NOT 'supervisor'"
  "  BEGIN SELECT RAISE(ABORT, 'only a supervisor can approve or reject a matcher release'); END;"

  "CREATE TABLE search ("
  "  id INTEGER PRIMARY KEY,"
  "  probe_sample_id INTEGER NOT NULL REFERENCES sample(id),"
  "  release_id INTEGER REFERENCES matcher_release(id),"
  "  created_at INTEGER NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT \"unknown search status\" CHECK (status IN"
  "    ('pending','in-review','verification','disputed','completed','automatic')),"
  "  reason TEXT NOT NULL DEFAULT 'grey-zone' CONSTRAINT \"unknown search routing reason\" CHECK (reason IN"
  "    ('grey-zone','low-quality','assigned','automatic')),"
  "  priority INTEGER NOT NULL DEFAULT 3 CONSTRAINT \"a priority is 1 (most urgent) to 5\" CHECK (priority BETWEEN 1 AND 5),"
  "  claimed_by INTEGER REFERENCES user(id),"
  "  claimed_at INTEGER,"
  "  assigned_to INTEGER REFERENCES user(id),"
  "  case_reference TEXT NOT NULL DEFAULT '',"
  "  CONSTRAINT \"a claimed search records when\" CHECK ((claimed_by IS NULL) = (claimed_at IS NULL))"
  ") STRICT;"
  "CREATE INDEX search_by_status ON search(status, created_at);"
  "CREATE INDEX search_by_probe ON search(probe_sample_id);"

  "CREATE TABLE candidate ("
  "  id INTEGER PRIMARY KEY,"
  "  search_id INTEGER NOT NULL REFERENCES search(id),"
  "  rank INTEGER NOT NULL CONSTRAINT \"a candidate rank starts at 1\" CHECK (rank >= 1),"
  "  score REAL NOT NULL,"
  "  sample_id INTEGER NOT NULL REFERENCES sample(id),"
  "  UNIQUE (search_id, rank),"
  "  UNIQUE (search_id, sample_id)"
  ") STRICT;"
  "CREATE INDEX candidate_by_sample ON candidate(sample_id);"

  /* ACE-V: the analysis of a probe, recorded before any candidate is seen;
   * later changes are new rows, flagged when a candidate had been seen. */
  "CREATE TABLE probe_analysis ("
  "  id INTEGER PRIMARY KEY,"
  "  search_id INTEGER NOT NULL REFERENCES search(id),"
  "  examiner_id INTEGER NOT NULL REFERENCES user(id),"
  "  of_value INTEGER NOT NULL CONSTRAINT \"of_value is 0 or 1\" CHECK (of_value IN (0, 1)),"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  markup TEXT CONSTRAINT \"analysis markup is JSON\" CHECK (markup IS NULL OR json_valid(markup)),"
  "  after_candidate_seen INTEGER NOT NULL DEFAULT 0 CHECK (after_candidate_seen IN (0, 1)),"
  "  created_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE TABLE candidate_view ("
  "  id INTEGER PRIMARY KEY,"
  "  candidate_id INTEGER NOT NULL REFERENCES candidate(id),"
  "  user_id INTEGER NOT NULL REFERENCES user(id),"
  "  viewed_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX candidate_view_by_candidate ON candidate_view(candidate_id, user_id);"

  "CREATE TABLE conclusion ("
  "  id INTEGER PRIMARY KEY,"
  "  search_id INTEGER REFERENCES search(id),"
  "  candidate_id INTEGER REFERENCES candidate(id),"
  "  probe_sample_id INTEGER NOT NULL REFERENCES sample(id),"
  "  candidate_sample_id INTEGER NOT NULL REFERENCES sample(id),"
  "  examiner_id INTEGER NOT NULL REFERENCES user(id),"
  "  decision TEXT NOT NULL CONSTRAINT \"a decision is identification, exclusion or inconclusive\" CHECK (decision IN ('identification','exclusion','inconclusive')),"
  "  reasons TEXT NOT NULL CONSTRAINT \"a conclusion needs reasons\" CHECK (length(trim(reasons)) > 0),"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  supersedes INTEGER REFERENCES conclusion(id),"
  "  created_at INTEGER NOT NULL,"
  "  CONSTRAINT \"a print cannot be compared with itself\" CHECK (probe_sample_id <> candidate_sample_id)"
  ") STRICT;"
  "CREATE INDEX conclusion_by_search ON conclusion(search_id);"
  "CREATE TRIGGER conclusion_append_only_update BEFORE UPDATE ON conclusion"
  "  BEGIN SELECT RAISE(ABORT, 'conclusions are never changed: record a new conclusion instead'); END;"
  "CREATE TRIGGER conclusion_append_only_delete BEFORE DELETE ON conclusion"
  "  BEGIN SELECT RAISE(ABORT, 'conclusions are never deleted: record a new conclusion instead'); END;"

  "CREATE TABLE verification ("
  "  id INTEGER PRIMARY KEY,"
  "  conclusion_id INTEGER NOT NULL REFERENCES conclusion(id),"
  "  verifier_id INTEGER NOT NULL REFERENCES user(id),"
  "  blind INTEGER NOT NULL CONSTRAINT \"blind is 0 or 1\" CHECK (blind IN (0, 1)),"
  "  agrees INTEGER NOT NULL CONSTRAINT \"agrees is 0 or 1\" CHECK (agrees IN (0, 1)),"
  "  decision TEXT CHECK (decision IS NULL OR decision IN ('identification','exclusion','inconclusive')),"
  "  reasons TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX verification_by_conclusion ON verification(conclusion_id);"
  "CREATE TRIGGER verification_not_by_examiner BEFORE INSERT ON verification"
  "  WHEN NEW.verifier_id = (SELECT examiner_id FROM conclusion WHERE id = NEW.conclusion_id)"
  "  BEGIN SELECT RAISE(ABORT, 'an examiner cannot verify their own conclusion'); END;"
  "CREATE TRIGGER verification_append_only_update BEFORE UPDATE ON verification"
  "  BEGIN SELECT RAISE(ABORT, 'verifications are never changed'); END;"
  "CREATE TRIGGER verification_append_only_delete BEFORE DELETE ON verification"
  "  BEGIN SELECT RAISE(ABORT, 'verifications are never deleted'); END;"

  /* A hit: a new encounter's prints matched an identity with derogatory
   * records. Analysts dispose of it; every disposition is kept. */
  "CREATE TABLE hit ("
  "  id INTEGER PRIMARY KEY,"
  "  search_id INTEGER REFERENCES search(id),"
  "  encounter_id INTEGER NOT NULL REFERENCES encounter(id),"
  "  identity_id INTEGER NOT NULL REFERENCES identity(id),"
  "  candidate_id INTEGER REFERENCES candidate(id),"
  "  score REAL,"
  "  status TEXT NOT NULL DEFAULT 'open' CONSTRAINT \"unknown hit status\" CHECK (status IN ('open','confirmed','dismissed','escalated')),"
  "  created_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX hit_by_status ON hit(status, created_at);"
  "CREATE TABLE hit_disposition ("
  "  id INTEGER PRIMARY KEY,"
  "  hit_id INTEGER NOT NULL REFERENCES hit(id),"
  "  user_id INTEGER NOT NULL REFERENCES user(id),"
  "  disposition TEXT NOT NULL CONSTRAINT \"a disposition is confirmed, dismissed or escalated\" CHECK (disposition IN ('confirmed','dismissed','escalated')),"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL,"
  "  CONSTRAINT \"dismissing a hit needs a reason\" CHECK (disposition <> 'dismissed' OR length(trim(reason)) > 0)"
  ") STRICT;"
  "CREATE INDEX hit_disposition_by_hit ON hit_disposition(hit_id);"
  "CREATE TRIGGER hit_disposition_append_only_update BEFORE UPDATE ON hit_disposition"
  "  BEGIN SELECT RAISE(ABORT, 'hit dispositions are never changed'); END;"
  "CREATE TRIGGER hit_disposition_append_only_delete BEFORE DELETE ON hit_disposition"
  "  BEGIN SELECT RAISE(ABORT, 'hit dispositions are never deleted'); END;"

  "CREATE TABLE correction ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL CONSTRAINT \"a correction is a false-match or a missed-match\" CHECK (kind IN ('false-match','missed-match')),"
  "  probe_sample_id INTEGER NOT NULL REFERENCES sample(id),"
  "  candidate_sample_id INTEGER NOT NULL REFERENCES sample(id),"
  "  search_id INTEGER REFERENCES search(id),"
  "  conclusion_id INTEGER REFERENCES conclusion(id),"
  "  release_id INTEGER REFERENCES matcher_release(id),"
  "  score REAL,"
  "  reported_by INTEGER NOT NULL REFERENCES user(id),"
  "  reason TEXT NOT NULL CONSTRAINT \"a correction needs a reason\" CHECK (length(trim(reason)) > 0),"
  "  status TEXT NOT NULL DEFAULT 'open' CONSTRAINT \"a correction is open, accepted, rejected or used\" CHECK (status IN ('open','accepted','rejected','used')),"
  "  reviewed_by INTEGER REFERENCES user(id),"
  "  reviewed_at INTEGER,"
  "  created_at INTEGER NOT NULL,"
  "  CONSTRAINT \"a correction names two different samples\" CHECK (probe_sample_id <> candidate_sample_id),"
  "  CONSTRAINT \"a correction is not reviewed by its reporter\" CHECK (reviewed_by IS NULL OR reviewed_by <> reported_by)"
  ") STRICT;"
  "CREATE INDEX correction_by_status ON correction(status);"
  "CREATE TABLE release_correction ("
  "  release_id INTEGER NOT NULL REFERENCES matcher_release(id),"
  "  correction_id INTEGER NOT NULL REFERENCES correction(id),"
  "  PRIMARY KEY (release_id, correction_id)"
  ") STRICT, WITHOUT ROWID;"

  /* Multiple-identity detection: the same prints under different identities. */
  "CREATE TABLE identity_link ("
  "  id INTEGER PRIMARY KEY,"
  "  identity_a INTEGER NOT NULL REFERENCES identity(id),"
  "  identity_b INTEGER NOT NULL REFERENCES identity(id),"
  "  colour TEXT NOT NULL DEFAULT 'yellow' CONSTRAINT \"a link is yellow, white, green or red\" CHECK (colour IN ('yellow','white','green','red')),"
  "  score REAL,"
  "  created_at INTEGER NOT NULL,"
  "  resolved_by INTEGER REFERENCES user(id),"
  "  resolved_at INTEGER,"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  CONSTRAINT \"a link joins two different identities, lower id first\" CHECK (identity_a < identity_b),"
  "  CONSTRAINT \"a resolved link has a reason\" CHECK (colour = 'yellow' OR length(trim(reason)) > 0),"
  "  UNIQUE (identity_a, identity_b)"
  ") STRICT;"

  /* The audit log: append-only and hash-chained. hash = SHA-256 of the
   * previous row's hash and this row's content (see rl-store-audit.c).
   * AUTOINCREMENT so that ids are never reused: a deleted last row still
   * leaves its id in sqlite_sequence. */
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  at INTEGER NOT NULL,"
  "  user_id INTEGER,"
  "  username TEXT NOT NULL DEFAULT '',"
  "  action TEXT NOT NULL,"
  "  object_kind TEXT NOT NULL DEFAULT '',"
  "  object_id INTEGER,"
  "  purpose TEXT NOT NULL DEFAULT '',"
  "  details TEXT NOT NULL DEFAULT '',"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL"
  ") STRICT;"
  "CREATE INDEX audit_by_object ON audit_log(object_kind, object_id);"
  "CREATE INDEX audit_by_user ON audit_log(user_id, at);"
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/* A supervisor's final decision on a disputed search (a verifier disagreed
 * with the identification): the conclusion that settles it, by whom. One
 * per search, never changed. */
static const char migration_3[] =
  "CREATE TABLE dispute_decision ("
  "  search_id INTEGER PRIMARY KEY REFERENCES search(id),"
  "  disputed_conclusion_id INTEGER NOT NULL REFERENCES conclusion(id),"
  "  conclusion_id INTEGER NOT NULL UNIQUE REFERENCES conclusion(id),"
  "  supervisor_id INTEGER NOT NULL REFERENCES user(id),"
  "  created_at INTEGER NOT NULL) STRICT;"
  "CREATE TRIGGER dispute_decision_no_update BEFORE UPDATE ON dispute_decision"
  "  BEGIN SELECT RAISE(ABORT, 'a dispute decision is final'); END;"
  "CREATE TRIGGER dispute_decision_no_delete BEFORE DELETE ON dispute_decision"
  "  BEGIN SELECT RAISE(ABORT, 'a dispute decision is final'); END;";

/* Partners of the gateway (data/rl-sharing.h) and their sharing agreements:
 * which derogatory categories and biographic fields a match answer may carry,
 * and whether the encounter summary. Only the SHA-256 of an API key is kept. */
static const char migration_4[] =
  "CREATE TABLE partner ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  "    CONSTRAINT \"a partner name is 1 to 64 characters\" CHECK (length(name) BETWEEN 1 AND 64),"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id),"
  "  key_sha256 TEXT NOT NULL UNIQUE"
  "    CONSTRAINT \"an API key hash is 64 hex digits\" CHECK (length(key_sha256) = 64),"
  "  key_prefix TEXT NOT NULL DEFAULT '',"
  "  active INTEGER NOT NULL DEFAULT 1 CONSTRAINT \"active is 0 or 1\" CHECK (active IN (0, 1)),"
  "  share_encounter_summary INTEGER NOT NULL DEFAULT 0"
  "    CONSTRAINT \"share_encounter_summary is 0 or 1\" CHECK (share_encounter_summary IN (0, 1)),"
  "  created_by INTEGER REFERENCES user(id),"
  "  created_at INTEGER NOT NULL,"
  "  agreement_updated_at INTEGER,"
  "  revoked_at INTEGER,"
  "  CONSTRAINT \"a revoked partner stays inactive\" CHECK (revoked_at IS NULL OR active = 0)"
  ") STRICT;"
  "CREATE TABLE partner_shared_category ("
  "  partner_id INTEGER NOT NULL REFERENCES partner(id),"
  "  category TEXT NOT NULL CONSTRAINT \"unknown derogatory category\" CHECK (category IN"
  "    ('known-suspected-terrorist','sexual-offender-removal','federal-conviction',"
  "     'criminal-conviction','immigration-violation','revoked-visa','military-record',"
  "     'gang-member','drug-smuggler','human-trafficker-smuggler','law-enforcement-alert')),"
  "  PRIMARY KEY (partner_id, category)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE partner_shared_field ("
  "  partner_id INTEGER NOT NULL REFERENCES partner(id),"
  "  field TEXT NOT NULL CONSTRAINT \"unknown biographic field\" CHECK (field IN"
  "    ('family_name','given_names','date_of_birth','nationality','sex')),"
  "  PRIMARY KEY (partner_id, field)"
  ") STRICT, WITHOUT ROWID;"

  /* One submission of a partner (data/rl-gateway.h). public_id is what the
   * partner polls with (random, so that one partner cannot guess another's);
   * the answer is built when asked for, under the agreement of that moment. */
  "CREATE TABLE gateway_transaction ("
  "  id INTEGER PRIMARY KEY,"
  "  public_id TEXT NOT NULL UNIQUE,"
  "  partner_id INTEGER NOT NULL REFERENCES partner(id),"
  "  reference TEXT NOT NULL DEFAULT '',"
  "  format TEXT NOT NULL CONSTRAINT \"a submission is json or an2k\" CHECK (format IN ('json','an2k')),"
  "  received_at INTEGER NOT NULL,"
  "  encounter_id INTEGER REFERENCES encounter(id),"
  "  search_id INTEGER REFERENCES search(id),"
  "  status TEXT NOT NULL DEFAULT 'queued'"
  "    CONSTRAINT \"a transaction is queued, match or no_match\" CHECK (status IN ('queued','match','no_match')),"
  "  matched_identity_id INTEGER REFERENCES identity(id),"
  "  answered_at INTEGER,"
  "  CONSTRAINT \"a match names an identity\" CHECK (status <> 'match' OR matched_identity_id IS NOT NULL)"
  ") STRICT;"
  "CREATE INDEX gateway_transaction_by_partner ON gateway_transaction(partner_id, received_at);"
  "CREATE INDEX gateway_transaction_by_search ON gateway_transaction(search_id);";

/* Passwords for signing in to ridgeline-server (rl-store-credentials.c):
 * PBKDF2-HMAC-SHA256, salt and iteration count per user. A table of its own
 * so that reading users never reads hashes. */
static const char migration_5[] =
  "CREATE TABLE user_credential ("
  "  user_id INTEGER PRIMARY KEY REFERENCES user(id),"
  "  salt BLOB NOT NULL CONSTRAINT \"a password salt has 16 bytes\" CHECK (length(salt) = 16),"
  "  iterations INTEGER NOT NULL CONSTRAINT \"PBKDF2 needs at least 1000 iterations\" CHECK (iterations >= 1000),"
  "  hash BLOB NOT NULL CONSTRAINT \"a password hash has 32 bytes\" CHECK (length(hash) = 32),"
  "  set_at INTEGER NOT NULL,"
  "  set_by INTEGER REFERENCES user(id)"
  ") STRICT;";

/* Identity merges with what each one moved, so that a merge can be undone
 * exactly (the encounters, records and hits go back, nothing else). */
static const char migration_6[] =
  "CREATE TABLE identity_merge ("
  "  id INTEGER PRIMARY KEY,"
  "  from_identity INTEGER NOT NULL REFERENCES identity(id),"
  "  into_identity INTEGER NOT NULL REFERENCES identity(id),"
  "  reason TEXT NOT NULL CONSTRAINT \"a merge needs a reason\" CHECK (length(trim(reason)) > 0),"
  "  merged_by INTEGER REFERENCES user(id),"
  "  merged_at INTEGER NOT NULL,"
  "  undone_by INTEGER REFERENCES user(id),"
  "  undone_at INTEGER,"
  "  undo_reason TEXT,"
  "  CONSTRAINT \"an identity is not merged into itself\" CHECK (from_identity <> into_identity),"
  "  CONSTRAINT \"undoing a merge needs a reason\" CHECK (undone_at IS NULL OR length(trim(undo_reason)) > 0)"
  ") STRICT;"
  "CREATE INDEX identity_merge_by_from ON identity_merge(from_identity);"
  "CREATE TABLE identity_merge_move ("
  "  merge_id INTEGER NOT NULL REFERENCES identity_merge(id),"
  "  kind TEXT NOT NULL CONSTRAINT \"a merge moves encounters, derogatory records and hits\""
  "    CHECK (kind IN ('encounter','derogatory_record','hit')),"
  "  row_id INTEGER NOT NULL,"
  "  PRIMARY KEY (merge_id, kind, row_id)"
  ") STRICT, WITHOUT ROWID;";

/* Sessions of ridgeline-server, kept in the workspace so that restarting the
 * server does not sign every workstation out. Only the SHA-256 of a token is
 * stored: whoever reads the file cannot use a session from it. */
static const char migration_7[] =
  "CREATE TABLE server_session ("
  "  token_sha256 TEXT PRIMARY KEY"
  "    CONSTRAINT \"a session token hash is 64 hex digits\" CHECK (length(token_sha256) = 64),"
  "  user_id INTEGER NOT NULL REFERENCES user(id),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL CONSTRAINT \"a session ends after it starts\" CHECK (expires_at > created_at),"
  "  client TEXT NOT NULL DEFAULT ''"
  ") STRICT, WITHOUT ROWID;"
  "CREATE INDEX server_session_by_expiry ON server_session(expires_at);";

/* What a partner's queries are for, as its sharing agreement states it
 * (border crossing, visa application, …: the encounter purposes): the
 * gateway files each query under one of them instead of "other". */
static const char migration_8[] =
  "CREATE TABLE partner_purpose ("
  "  partner_id INTEGER NOT NULL REFERENCES partner(id),"
  "  purpose TEXT NOT NULL CONSTRAINT \"unknown query purpose\" CHECK (purpose IN"
  "    ('border-crossing','visa-application','arrest-booking','asylum-claim','residence-permit',"
  "     'background-check','latent-case','other')),"
  "  PRIMARY KEY (partner_id, purpose)"
  ") STRICT, WITHOUT ROWID;";

/* ridgeline-server's tuning and evaluation jobs (rl-tuning-jobs.h): kept in
 * the workspace so that a restart does not forget them. A job still
 * "running" when a server starts was cut off and is marked "interrupted". */
static const char migration_9[] =
  "CREATE TABLE tuning_job ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind TEXT NOT NULL CONSTRAINT \"a job tunes or evaluates\" CHECK (kind IN ('tune','evaluate')),"
  "  user_id INTEGER NOT NULL REFERENCES user(id),"
  "  name TEXT,"
  "  trials INTEGER NOT NULL DEFAULT 0 CONSTRAINT \"a job's trials are not negative\" CHECK (trials >= 0),"
  "  release_id INTEGER REFERENCES matcher_release(id),"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  state TEXT NOT NULL CONSTRAINT \"unknown job state\" CHECK (state IN"
  "    ('running','done','failed','cancelled','interrupted')),"
  "  error TEXT,"
  "  message TEXT,"
  "  summary TEXT,"
  "  CONSTRAINT \"a job that ended says when\" CHECK (state = 'running' OR finished_at IS NOT NULL)"
  ") STRICT;"
  "CREATE INDEX tuning_job_by_state ON tuning_job(state);";

/* A data steward may end another user's sessions (a lost laptop, someone
 * who left the unit). An ended session keeps its row, marked with who ended
 * it and when, until it would have expired: the server can then tell the
 * user why their next request is refused instead of "unknown token". */
static const char migration_10[] =
  "ALTER TABLE server_session ADD COLUMN ended_at INTEGER;"
  "ALTER TABLE server_session ADD COLUMN ended_by INTEGER REFERENCES user(id);"
  "CREATE INDEX server_session_by_user ON server_session(user_id);";

const char * const rl_store_migrations[] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
  migration_6,
  migration_7,
  migration_8,
  migration_9,
  migration_10,
};

const guint rl_store_n_migrations = G_N_ELEMENTS (rl_store_migrations);
