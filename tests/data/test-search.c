/* The automated search of a new encounter (rl-search): routing, a hit when
 * the prints match an identity with derogatory records, the hit through each
 * disposition (audited), multiple-identity links, previews that store
 * nothing, and the same from an import of real prints. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-import.h"
#include "rl-search.h"
#include "rl-store.h"
#include "rl-synth.h"
#include "rl-template-io.h"

typedef struct {
  RlStore *store;
  char    *dir;
  char    *db;
  gint64   border, police;
  gint64   border_analyst, police_analyst, supervisor;
  gint64   wanted;            /* identity with a restricted police record */
  gint64   wanted_encounter;
} Fixture;

static gint64
add_encounter (Fixture *f, gint64 identity, gint64 agency, const char *family, guint64 finger_seed,
               guint64 impression_seed, int quality, gint64 *out_sample)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (finger_seed, RL_FINGER_RIGHT_INDEX);
  g_autoptr(RlTemplate) tpl = NULL;
  g_autoptr(GBytes) bytes = NULL;
  RlSynthImpression imp;
  RlEncounter e = { 0 };
  RlSample s = { 0 };
  gint64 encounter, sample;

  if (identity == 0)
    identity = rl_store_add_identity (f->store, NULL, &error);
  g_assert_no_error (error);
  e.identity_id = identity;
  e.agency_id = agency;
  e.occurred_at = 1700000000 + (gint64) impression_seed * 86400;
  e.purpose = RL_PURPOSE_BORDER_CROSSING;
  e.family_name = (char *) family;
  e.given_names = (char *) "Ada";
  e.date_of_birth = (char *) "1984-03-02";
  e.nationality = (char *) "NGA";
  e.sex = (char *) "F";
  encounter = rl_store_add_encounter (f->store, &e, &error);
  g_assert_no_error (error);

  rl_synth_impression_random (impression_seed, &imp);
  tpl = rl_synth_impression_get_template (finger, &imp);
  bytes = rl_template_serialize (tpl);
  s.encounter_id = encounter;
  s.finger = RL_FINGER_RIGHT_INDEX;
  s.ppi = 500;
  s.quality = quality;
  sample = rl_store_add_sample (f->store, &s, bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sample, >, 0);
  if (out_sample)
    *out_sample = sample;
  return encounter;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) wanted = NULL;
  RlDerogatoryRecord record = { 0 };
  gint64 steward;

  f->dir = g_dir_make_tmp ("rl-search-XXXXXX", &error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  f->store = rl_store_create (f->db, &error);
  g_assert_no_error (error);
  f->border = rl_store_add_agency (f->store, "BORDER", "Border Agency", &error);
  f->police = rl_store_add_agency (f->store, "POLICE", "National Police", &error);
  steward = rl_store_add_user (f->store, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, f->border, &error);
  g_assert_true (rl_store_set_actor (f->store, steward, &error));
  f->border_analyst = rl_store_add_user (f->store, "jkowalski", "Jan Kowalski", RL_ROLE_ANALYST, f->border, &error);
  f->police_analyst = rl_store_add_user (f->store, "oeriksen", "Ola Eriksen", RL_ROLE_ANALYST, f->police, &error);
  f->supervisor = rl_store_add_user (f->store, "mokafor", "Miriam Okafor", RL_ROLE_SUPERVISOR, f->border, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (f->store, 0, &error));

  /* A shipped release, active (prints below quality 40 go to examiners). */
  {
    gint64 release = rl_store_add_release (f->store, "2026.11-1",
                                           "{\"quality_threshold\": 40, \"max_candidates\": 10, \"prefilter\": true}", 0,
                                           &error);
    g_assert_no_error (error);
    g_assert_true (rl_store_activate_release (f->store, release, &error));
    g_assert_no_error (error);
  }

  /* Held: a wanted person enrolled by the police, with a restricted record;
   * a stranger. */
  f->wanted_encounter = add_encounter (f, 0, f->police, "Okafor", 7, 1, 80, NULL);
  wanted = rl_store_get_encounter (f->store, f->wanted_encounter, &error);
  g_assert_no_error (error);
  f->wanted = wanted->identity_id;
  add_encounter (f, 0, f->border, "Lindqvist", 99, 2, 80, NULL);
  record.identity_id = f->wanted;
  record.category = RL_DEROGATORY_CRIMINAL_CONVICTION;
  record.source_agency_id = f->police;
  record.restricted = TRUE;
  record.summary = (char *) "Armed robbery, warrant 2024/118 (Lagos Street).";
  record.recorded_on = (char *) "2024-05-02";
  g_assert_cmpint (rl_store_add_derogatory_record (f->store, &record, &error), >, 0);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_pointer (&f->store, rl_store_close);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (f->db, suffixes[i], NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static guint
count_audit (RlStore *store, const char *kind, gint64 id, const char *action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = rl_store_list_audit (store, kind, id, 0, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (((RlAuditEntry *) g_ptr_array_index (rows, i))->action, action) == 0)
      n++;
  return n;
}

static guint
count_searches (RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) searches = rl_store_list_searches (store, 0, &error);

  g_assert_no_error (error);
  return searches->len;
}

static gboolean
hit_in_queue (RlStore *store, RlHitStatus status, gint64 hit_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = rl_store_list_hits (store, status, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < hits->len; i++)
    if (((RlHit *) hits->pdata[i])->id == hit_id)
      return TRUE;
  return FALSE;
}

/* A new encounter (another name) whose print matches the wanted person. */
static gint64
new_hit (Fixture *f, guint64 impression_seed, RlSearchOutcome *outcome)
{
  g_autoptr(GError) error = NULL;
  gint64 encounter = add_encounter (f, 0, f->border, "Okonkwo", 7, impression_seed, 80, NULL);

  g_assert_true (rl_search_encounter (f->store, encounter, outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome->hit_id, >, 0);
  return encounter;
}

static void
test_hit_flow (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlHit) hit = NULL;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GPtrArray) records = NULL;
  RlSearchOutcome outcome, second, third;
  gint64 encounter;

  /* The new encounter is searched: an automatic match with the wanted
   * person, a hit for the analysts, and a yellow link (same prints,
   * another name). */
  encounter = new_hit (f, 4, &outcome);
  g_assert_cmpint (outcome.status, ==, RL_SEARCH_AUTOMATIC);
  g_assert_cmpint (outcome.reason, ==, RL_SEARCH_REASON_AUTOMATIC);
  g_assert_cmpint (outcome.best_identity_id, ==, f->wanted);
  g_assert_cmpuint (outcome.n_links, ==, 1);
  hit = rl_store_get_hit (f->store, outcome.hit_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hit->status, ==, RL_HIT_OPEN);
  g_assert_cmpint (hit->encounter_id, ==, encounter);
  g_assert_cmpint (hit->identity_id, ==, f->wanted);
  g_assert_cmpint (hit->search_id, ==, outcome.search_id);
  g_assert_cmpfloat (hit->score, ==, outcome.best_score);
  g_assert_true (hit_in_queue (f->store, RL_HIT_OPEN, hit->id));
  g_assert_cmpuint (count_audit (f->store, "hit", hit->id, "hit.add"), ==, 1);

  search = rl_store_get_search (f->store, outcome.search_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (search->probe_encounter_id, ==, encounter);
  candidates = rl_store_list_candidates (f->store, outcome.search_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, >=, 1);
  g_assert_cmpint (((RlSearchCandidate *) candidates->pdata[0])->id, ==, hit->candidate_id);
  g_assert_cmpint (((RlSearchCandidate *) candidates->pdata[0])->identity_id, ==, f->wanted);
  /* The probe's own encounter is never its own candidate. */
  for (guint i = 0; i < candidates->len; i++)
    g_assert_cmpint (((RlSearchCandidate *) candidates->pdata[i])->encounter_id, !=, encounter);

  links = rl_store_list_identity_links (f->store, f->wanted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpint (((RlIdentityLink *) links->pdata[0])->colour, ==, RL_LINK_YELLOW);

  /* Searching the encounter again reports the same hit, not a second one. */
  {
    RlSearchOutcome again;
    g_autoptr(GPtrArray) open = NULL;
    g_assert_true (rl_search_encounter (f->store, encounter, &again, &error));
    g_assert_cmpint (again.hit_id, ==, outcome.hit_id);
    open = rl_store_list_hits (f->store, RL_HIT_OPEN, &error);
    g_assert_cmpuint (open->len, ==, 1);
  }

  /* Confirm. */
  g_assert_true (rl_store_set_actor (f->store, f->border_analyst, &error));
  g_assert_cmpint (rl_store_dispose_hit (f->store, outcome.hit_id, RL_HIT_CONFIRMED,
                                         "Prints and photo agree; port notified.", &error), >, 0);
  g_assert_no_error (error);
  g_assert_false (hit_in_queue (f->store, RL_HIT_OPEN, outcome.hit_id));
  g_assert_true (hit_in_queue (f->store, RL_HIT_CONFIRMED, outcome.hit_id));
  g_assert_cmpint (rl_store_dispose_hit (f->store, outcome.hit_id, RL_HIT_DISMISSED, "changed my mind", &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpuint (count_audit (f->store, "hit", outcome.hit_id, "hit.dispose"), ==, 1);

  /* Dismiss: only with a reason. */
  g_assert_true (rl_store_set_actor (f->store, 0, &error));
  new_hit (f, 5, &second);
  g_assert_true (rl_store_set_actor (f->store, f->border_analyst, &error));
  g_assert_cmpint (rl_store_dispose_hit (f->store, second.hit_id, RL_HIT_DISMISSED, "  ", &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (hit_in_queue (f->store, RL_HIT_OPEN, second.hit_id));
  g_assert_cmpint (rl_store_dispose_hit (f->store, second.hit_id, RL_HIT_DISMISSED,
                                         "Candidate excluded by an examiner: not the same person.", &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (hit_in_queue (f->store, RL_HIT_DISMISSED, second.hit_id));
  g_assert_cmpuint (count_audit (f->store, "hit", second.hit_id, "hit.dispose"), ==, 1);

  /* Escalate: then only a supervisor decides. */
  g_assert_true (rl_store_set_actor (f->store, 0, &error));
  new_hit (f, 6, &third);
  g_assert_true (rl_store_set_actor (f->store, f->border_analyst, &error));
  g_assert_cmpint (rl_store_dispose_hit (f->store, third.hit_id, RL_HIT_ESCALATED,
                                         "Presented under another name: referral?", &error), >, 0);
  g_assert_true (hit_in_queue (f->store, RL_HIT_ESCALATED, third.hit_id));
  g_assert_cmpint (rl_store_dispose_hit (f->store, third.hit_id, RL_HIT_CONFIRMED, "", &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (f->store, f->supervisor, &error));
  g_assert_cmpint (rl_store_dispose_hit (f->store, third.hit_id, RL_HIT_CONFIRMED, "Referred to the police.", &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (hit_in_queue (f->store, RL_HIT_CONFIRMED, third.hit_id));
  g_assert_cmpuint (count_audit (f->store, "hit", third.hit_id, "hit.dispose"), ==, 2);

  /* What the hit shows of the record: withheld from the border analyst
   * (restricted, another agency), in full for the police analyst. */
  g_assert_true (rl_store_set_actor (f->store, f->border_analyst, &error));
  records = rl_store_list_derogatory_records (f->store, f->wanted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_true (((RlDerogatoryRecord *) records->pdata[0])->withheld);
  g_assert_null (((RlDerogatoryRecord *) records->pdata[0])->summary);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_assert_true (rl_store_set_actor (f->store, f->police_analyst, &error));
  records = rl_store_list_derogatory_records (f->store, f->wanted, &error);
  g_assert_false (((RlDerogatoryRecord *) records->pdata[0])->withheld);
  g_assert_nonnull (strstr (((RlDerogatoryRecord *) records->pdata[0])->summary, "warrant"));

  {
    g_autoptr(RlAuditReport) report = rl_store_verify_audit (f->store, &error);
    g_assert_no_error (error);
    g_assert_null (report->problem);
  }
}

static void
test_no_hit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  RlSearchOutcome outcome;
  gint64 encounter, sample;

  /* A stranger: searched, no hit, no link. */
  encounter = add_encounter (f, 0, f->border, "Nakamura", 1234, 9, 80, &sample);
  g_assert_true (rl_search_encounter (f->store, encounter, &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome.search_id, >, 0);
  g_assert_cmpint (outcome.hit_id, ==, 0);
  g_assert_cmpuint (outcome.n_links, ==, 0);
  hits = rl_store_list_hits (f->store, 0, &error);
  g_assert_cmpuint (hits->len, ==, 0);

  /* A poor print of the wanted person goes to examiners, not to a hit. */
  {
    gint64 poor = add_encounter (f, 0, f->border, "Okonkwo", 7, 11, 12, NULL);
    g_assert_true (rl_search_encounter (f->store, poor, &outcome, &error));
    g_assert_no_error (error);
    g_assert_cmpint (outcome.status, ==, RL_SEARCH_PENDING);
    g_assert_cmpint (outcome.reason, ==, RL_SEARCH_REASON_LOW_QUALITY);
    g_assert_cmpint (outcome.hit_id, ==, 0);
  }

  /* An encounter without prints: nothing searched, no error. */
  {
    RlEncounter e = { .identity_id = rl_store_add_identity (f->store, NULL, &error), .agency_id = f->border,
                      .occurred_at = 1700000000, .purpose = RL_PURPOSE_VISA_APPLICATION };
    gint64 empty = rl_store_add_encounter (f->store, &e, &error);
    g_assert_no_error (error);
    g_assert_true (rl_search_encounter (f->store, empty, &outcome, &error));
    g_assert_cmpint (outcome.search_id, ==, 0);
  }
  g_assert_false (rl_search_encounter (f->store, 999999, &outcome, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND);
}

/* A poor print of the wanted person goes to examiners, not to a hit; once
 * an examiner's identification of the wanted person is verified, the hit
 * enters the analysts' queue all the same (one per encounter and person). */
static void
test_identification_hit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  RlSearchCandidate *wanted = NULL;
  RlConclusion c = { 0 };
  RlSearchOutcome outcome;
  gint64 poor, examiner_a, examiner_b, conclusion;

  g_assert_true (rl_store_set_actor (f->store, 1, &error));   /* the steward */
  examiner_a = rl_store_add_user (f->store, "aexam", "Ada Examiner", RL_ROLE_EXAMINER, f->border, &error);
  examiner_b = rl_store_add_user (f->store, "bexam", "Ben Examiner", RL_ROLE_EXAMINER, f->border, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (f->store, 0, &error));

  poor = add_encounter (f, 0, f->border, "Okonkwo", 7, 11, 12, NULL);
  g_assert_true (rl_search_encounter (f->store, poor, &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome.status, ==, RL_SEARCH_PENDING);
  g_assert_cmpint (outcome.hit_id, ==, 0);
  candidates = rl_store_list_candidates (f->store, outcome.search_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < candidates->len; i++)
    if (((RlSearchCandidate *) candidates->pdata[i])->identity_id == f->wanted)
      wanted = candidates->pdata[i];
  g_assert_nonnull (wanted);

  g_assert_true (rl_store_set_actor (f->store, examiner_a, &error));
  g_assert_true (rl_store_claim_search (f->store, outcome.search_id, &error));
  c.search_id = outcome.search_id;
  c.candidate_id = wanted->id;
  c.decision = RL_DECISION_IDENTIFICATION;
  c.reasons = (char *) "14 corresponding minutiae, no unexplained differences";
  conclusion = rl_store_add_conclusion (f->store, &c, &error);
  g_assert_no_error (error);
  /* not final until verified: no hit yet */
  hits = rl_store_list_hits (f->store, 0, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  g_assert_true (rl_store_set_actor (f->store, examiner_b, &error));
  g_assert_cmpint (rl_store_add_verification (f->store, conclusion, TRUE, TRUE, RL_DECISION_IDENTIFICATION, "agree",
                                              &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (f->store, 0, &error));
  hits = rl_store_list_hits (f->store, RL_HIT_OPEN, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((RlHit *) hits->pdata[0])->identity_id, ==, f->wanted);
  g_assert_cmpint (((RlHit *) hits->pdata[0])->search_id, ==, outcome.search_id);
  g_assert_cmpint (((RlHit *) hits->pdata[0])->candidate_id, ==, wanted->id);
  g_assert_cmpuint (count_audit (f->store, "hit", ((RlHit *) hits->pdata[0])->id, "hit.add"), <=, 1);
}

static void
test_preview (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candidates = NULL;
  g_autoptr(GArray) later = NULL;
  RlReleaseParams params;
  gint64 sample, other_sample;
  guint n_before;

  add_encounter (f, 0, f->border, "Okonkwo", 7, 4, 80, &sample);
  n_before = count_searches (f->store);
  candidates = rl_search_preview (f->store, NULL, sample, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 2);   /* the wanted person and the stranger */
  g_assert_cmpfloat (g_array_index (candidates, RlCandidate, 0).score, >=,
                     g_array_index (candidates, RlCandidate, 1).score);
  g_assert_cmpint (g_array_index (candidates, RlCandidate, 0).id, !=, sample);
  g_assert_cmpuint (count_searches (f->store), ==, n_before);

  /* A print stored since is in the next search (the kept gallery is
   * brought up to date), and a release's candidate limit holds. */
  add_encounter (f, 0, f->police, "Okafor", 7, 12, 80, &other_sample);
  rl_release_params_init_default (&params);
  params.max_candidates = 1;
  later = rl_search_preview (f->store, &params, sample, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (later->len, ==, 1);
  {
    g_autoptr(GArray) all = rl_search_preview (f->store, NULL, sample, &error);
    gboolean found = FALSE;
    g_assert_cmpuint (all->len, ==, 3);
    for (guint i = 0; i < all->len; i++)
      found |= g_array_index (all, RlCandidate, i).id == other_sample;
    g_assert_true (found);
  }
}

/* A search held in its matcher scan (rl_search_set_scan_hook) does not
 * hold SQLite's write lock: another connection to the file records a
 * change meanwhile, without waiting. (If the scan ran inside the search's
 * transaction, the write would wait out the 10 s busy timeout and fail
 * with "busy": the outcome, not the time, is what is asserted.) */
typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean entered, released;
} Gate;

static void
gate_hook (gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

typedef struct {
  Fixture        *f;
  gint64          sample;
  RlSearchOutcome outcome;
  GError         *error;
} HeldSearch;

static gpointer
held_search_thread (gpointer data)
{
  HeldSearch *h = data;

  rl_search_sample (h->f->store, h->sample, &h->outcome, &h->error);
  return NULL;
}

static void
test_scan_outside_write_lock (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) other = NULL;
  g_autoptr(RlSearch) search = NULL;
  HeldSearch held = { f };
  Gate gate = { 0 };
  GThread *thread;
  gint64 identity;
  guint n_before = count_searches (f->store);

  add_encounter (f, 0, f->border, "Okonkwo", 7, 5, 80, &held.sample);
  rl_search_set_scan_hook (gate_hook, &gate);
  thread = g_thread_new ("held-search", held_search_thread, &held);
  g_mutex_lock (&gate.lock);
  while (!gate.entered)
    g_cond_wait (&gate.cond, &gate.lock);
  g_mutex_unlock (&gate.lock);

  /* The search is in its scan now. */
  other = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  identity = rl_store_add_identity (other, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (identity, >, 0);
  g_assert_cmpuint (count_searches (other), ==, n_before);

  g_mutex_lock (&gate.lock);
  gate.released = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
  g_thread_join (thread);
  rl_search_set_scan_hook (NULL, NULL);

  /* The search finished and stored its candidates as usual. */
  g_assert_no_error (held.error);
  g_assert_cmpint (held.outcome.search_id, >, 0);
  g_assert_cmpuint (count_searches (other), ==, n_before + 1);
  search = rl_store_get_search (other, held.outcome.search_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (search->probe_sample_id, ==, held.sample);
  g_assert_cmpint (held.outcome.best_identity_id, ==, f->wanted);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

/* Two connections sharing one gallery (as the server's workers do): the
 * templates are loaded once; a print stored through one connection is
 * found by a search through the other; searches from two threads at once
 * give what a store's own gallery gives; a rolled-back enrolment leaves
 * nothing in the shared gallery. */
typedef struct {
  RlStore *store;
  gint64   sample;
  GArray  *candidates;
  GError  *error;
} PreviewJob;

static gpointer
preview_thread (gpointer data)
{
  PreviewJob *job = data;

  job->candidates = rl_search_preview (job->store, NULL, job->sample, &job->error);
  return NULL;
}

static void
test_shared_gallery (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearchGallery) gallery = rl_search_gallery_new (1);
  g_autoptr(RlStore) a = rl_store_open (f->db, &error);
  g_autoptr(RlStore) b = rl_store_open (f->db, &error);
  g_autoptr(GArray) own = NULL;
  gint64 probe, probe2, later;
  PreviewJob jobs[2];
  GThread *threads[2];

  g_assert_no_error (error);
  add_encounter (f, 0, f->border, "Okonkwo", 7, 6, 80, &probe);
  add_encounter (f, 0, f->border, "Lindqvist", 99, 7, 80, &probe2);
  rl_search_share_gallery (a, gallery);
  rl_search_share_gallery (b, gallery);
  g_assert_cmpuint (rl_search_gallery_get_size (gallery), ==, 0);

  /* The reference: the same search on a store's own gallery. */
  own = rl_search_preview (f->store, NULL, probe, &error);
  g_assert_no_error (error);

  jobs[0] = (PreviewJob) { a, probe };
  jobs[1] = (PreviewJob) { b, probe };
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("preview", preview_thread, &jobs[i]);
  for (guint i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (jobs[i].error);
      g_assert_cmpuint (jobs[i].candidates->len, ==, own->len);
      for (guint k = 0; k < own->len; k++)
        {
          g_assert_cmpint (g_array_index (jobs[i].candidates, RlCandidate, k).id, ==,
                           g_array_index (own, RlCandidate, k).id);
          g_assert_cmpfloat (g_array_index (jobs[i].candidates, RlCandidate, k).score, ==,
                             g_array_index (own, RlCandidate, k).score);
        }
      g_array_unref (jobs[i].candidates);
    }
  /* Loaded once: every stored template, not twice as many. */
  g_assert_cmpuint (rl_search_gallery_get_size (gallery), ==, 4);

  /* A rolled-back enrolment (through a): nothing of it in the gallery,
   * even when searched inside that transaction. */
  g_assert_true (rl_store_begin (a, &error));
  {
    RlEncounter e = { .agency_id = f->border, .purpose = RL_PURPOSE_BORDER_CROSSING, .occurred_at = 1700000000 };
    g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (7, RL_FINGER_RIGHT_INDEX);
    g_autoptr(RlTemplate) tpl = NULL;
    g_autoptr(GBytes) bytes = NULL;
    RlSynthImpression imp;
    RlSample s = { .finger = RL_FINGER_RIGHT_INDEX, .ppi = 500, .quality = 80 };
    g_autoptr(GArray) inside = NULL;

    e.identity_id = rl_store_add_identity (a, NULL, &error);
    g_assert_no_error (error);
    s.encounter_id = rl_store_add_encounter (a, &e, &error);
    g_assert_no_error (error);
    rl_synth_impression_random (8, &imp);
    tpl = rl_synth_impression_get_template (finger, &imp);
    bytes = rl_template_serialize (tpl);
    g_assert_cmpint (rl_store_add_sample (a, &s, bytes, &error), >, 0);
    g_assert_no_error (error);
    inside = rl_search_preview (a, NULL, probe, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (inside->len, ==, own->len);
  }
  rl_store_rollback (a);
  g_assert_cmpuint (rl_search_gallery_get_size (gallery), ==, 4);

  /* Stored through a (committed): b's next search finds it. */
  add_encounter (f, 0, f->police, "Okafor", 7, 12, 80, &later);
  {
    g_autoptr(GArray) after = rl_search_preview (b, NULL, probe, &error);
    gboolean found = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < after->len; i++)
      found |= g_array_index (after, RlCandidate, i).id == later;
    g_assert_true (found);
    g_assert_cmpuint (rl_search_gallery_get_size (gallery), ==, 5);
  }
  (void) probe2;
}

/* Import of real prints: the second impression of a finger whose identity
 * has a derogatory record makes a hit by itself; --no-search does not. */
static void
test_import_hit (Fixture *f, gconstpointer data)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *set = shared ? g_build_filename (shared, "fingerprints", "FVC2002_DB1_B", NULL) : NULL;
  g_autofree char *first = set ? g_build_filename (set, "101_1.tif", NULL) : NULL;
  g_autofree char *second = set ? g_build_filename (set, "101_2.tif", NULL) : NULL;
  g_autofree char *third = set ? g_build_filename (set, "101_3.tif", NULL) : NULL;
  g_autoptr(GError) error = NULL;
  RlImportOptions options = { .make_template = rl_import_extract_template };
  RlImportResult result = { 0 };
  RlDerogatoryRecord record = { 0 };
  gint64 identity;

  if (set == NULL || !g_file_test (third, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("FVC2002_DB1_B not found under RIDGELINE_SHARED");
      return;
    }
  g_assert_true (rl_import_file (f->store, first, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.searched);
  g_assert_cmpint (result.search.hit_id, ==, 0);
  identity = result.identity_id;
  rl_import_result_clear (&result);

  record.identity_id = identity;
  record.category = RL_DEROGATORY_IMMIGRATION_VIOLATION;
  record.source_agency_id = f->border;
  record.summary = (char *) "Overstayed visa by 14 months; removal order 2025-03.";
  record.recorded_on = (char *) "2025-03-10";
  g_assert_cmpint (rl_store_add_derogatory_record (f->store, &record, &error), >, 0);

  g_assert_true (rl_import_file (f->store, second, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.searched);
  g_assert_cmpint (result.search.hit_id, >, 0);
  g_assert_cmpint (result.search.best_identity_id, ==, identity);
  g_assert_true (hit_in_queue (f->store, RL_HIT_OPEN, result.search.hit_id));
  rl_import_result_clear (&result);

  options.no_search = TRUE;
  g_assert_true (rl_import_file (f->store, third, &options, &result, &error));
  g_assert_false (result.searched);
  rl_import_result_clear (&result);
  {
    g_autoptr(GPtrArray) hits = rl_store_list_hits (f->store, 0, &error);
    g_assert_cmpuint (hits->len, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/search/hit-flow", Fixture, NULL, fixture_set_up, test_hit_flow, fixture_tear_down);
  g_test_add ("/search/no-hit", Fixture, NULL, fixture_set_up, test_no_hit, fixture_tear_down);
  g_test_add ("/search/preview", Fixture, NULL, fixture_set_up, test_preview, fixture_tear_down);
  g_test_add ("/search/identification-hit", Fixture, NULL, fixture_set_up, test_identification_hit, fixture_tear_down);
  g_test_add ("/search/scan-outside-write-lock", Fixture, NULL, fixture_set_up, test_scan_outside_write_lock,
              fixture_tear_down);
  g_test_add ("/search/shared-gallery", Fixture, NULL, fixture_set_up, test_shared_gallery, fixture_tear_down);
  g_test_add ("/search/import-hit", Fixture, NULL, fixture_set_up, test_import_hit, fixture_tear_down);
  return g_test_run ();
}
