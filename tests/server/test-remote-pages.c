/* The analyst's, supervisor's and data steward's store calls on a remote
 * workspace give what the same calls give on the file (issue #9: "works the
 * same against the server as against a local file"), and every check is the
 * server's.
 *
 * ridgeline-server runs in a child process on a free loopback port over
 * HTTPS with its own certificate (pinned here); a remote RlStore signed in
 * as a user is compared call by call with a file RlStore acting as the same
 * user on the same workspace: hits, identities and their parts, derogatory
 * records (a restricted one withheld the same way, its text never sent),
 * links, agencies, access grants, releases, the audit log; writes made
 * remotely (a disposition, a link resolved, a merge and its undoing, a split,
 * a grant and its revocation, a release evaluated on the server, its report
 * exported as PDF, approved, activated, rolled back) are then read from the file; refusals carry the
 * store's own words. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "rl-mid.h"
#include "rl-remote-pages.h"
#include "rl-remote.h"
#include "rl-store-credentials.h"

#include "pages-workspace.h"
#include "server-test-util.h"

typedef struct {
  char            *dir;
  char            *db;
  PagesWorkspace   ws;
  RlTestServerProcess server;   /* ridgeline-server in a child process */
} Fixture;

/* ------------------------------------------------------------- fixture */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  f->dir = g_dir_make_tmp ("rl-remote-pages-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  build_pages_workspace (&f->ws, f->db, FALSE);
  rl_test_server_spawn (&f->server, RL_SERVER_PATH, f->db, "0", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  rl_test_server_clear (&f->server);
  rl_test_remove_dir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

/* The workspace through the server, signed in as username. */
static RlStore *
remote_as (Fixture *f, const char *username)
{
  return rl_test_remote_sign_in (&f->server, username, PASSWORD);
}

/* The same workspace's file, acting as user_id. */
static RlStore *
local_as (Fixture *f, gint64 user_id)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (f->db, &error);

  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, user_id, &error));
  return store;
}

/* ------------------------------------------------------- comparisons */

static void
assert_hits_equal (const RlHit *a, const RlHit *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpint (a->search_id, ==, b->search_id);
  g_assert_cmpint (a->encounter_id, ==, b->encounter_id);
  g_assert_cmpint (a->identity_id, ==, b->identity_id);
  g_assert_cmpint (a->candidate_id, ==, b->candidate_id);
  g_assert_cmpfloat (a->score, ==, b->score);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpint (a->created_at, ==, b->created_at);
}

static void
assert_identities_equal (const RlIdentity *a, const RlIdentity *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->reference, ==, b->reference);
  g_assert_cmpint (a->created_at, ==, b->created_at);
  g_assert_cmpint (a->merged_into, ==, b->merged_into);
  g_assert_cmpstr (a->family_name, ==, b->family_name);
  g_assert_cmpstr (a->given_names, ==, b->given_names);
  g_assert_cmpstr (a->date_of_birth, ==, b->date_of_birth);
  g_assert_cmpstr (a->nationality, ==, b->nationality);
  g_assert_cmpstr (a->sex, ==, b->sex);
  g_assert_cmpuint (a->n_encounters, ==, b->n_encounters);
  g_assert_cmpuint (a->n_derogatory, ==, b->n_derogatory);
  g_assert_cmpint (a->first_seen, ==, b->first_seen);
  g_assert_cmpint (a->last_seen, ==, b->last_seen);
}

static void
assert_encounters_equal (const RlEncounter *a, const RlEncounter *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpint (a->identity_id, ==, b->identity_id);
  g_assert_cmpint (a->agency_id, ==, b->agency_id);
  g_assert_cmpstr (a->agency, ==, b->agency);
  g_assert_cmpint (a->occurred_at, ==, b->occurred_at);
  g_assert_cmpint (a->purpose, ==, b->purpose);
  g_assert_cmpstr (a->place, ==, b->place);
  g_assert_cmpstr (a->family_name, ==, b->family_name);
  g_assert_cmpstr (a->given_names, ==, b->given_names);
  g_assert_cmpstr (a->date_of_birth, ==, b->date_of_birth);
  g_assert_cmpstr (a->nationality, ==, b->nationality);
  g_assert_cmpstr (a->sex, ==, b->sex);
}

static void
assert_records_equal (const RlDerogatoryRecord *a, const RlDerogatoryRecord *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpint (a->identity_id, ==, b->identity_id);
  g_assert_cmpint (a->category, ==, b->category);
  g_assert_cmpint (a->source_agency_id, ==, b->source_agency_id);
  g_assert_cmpstr (a->source_agency, ==, b->source_agency);
  g_assert_cmpint (a->restricted, ==, b->restricted);
  g_assert_cmpint (a->withheld, ==, b->withheld);
  g_assert_cmpstr (a->summary, ==, b->summary);
  g_assert_cmpstr (a->recorded_on, ==, b->recorded_on);
  g_assert_cmpstr (a->expires_on, ==, b->expires_on);
}

static void
assert_links_equal (const RlIdentityLink *a, const RlIdentityLink *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpint (a->identity_a, ==, b->identity_a);
  g_assert_cmpint (a->identity_b, ==, b->identity_b);
  g_assert_cmpint (a->colour, ==, b->colour);
  g_assert_cmpfloat (a->score, ==, b->score);
  g_assert_cmpint (a->resolved_by, ==, b->resolved_by);
  g_assert_cmpint (a->resolved_at, ==, b->resolved_at);
  g_assert_cmpstr (a->reason, ==, b->reason);
}

static void
assert_releases_equal (const RlMatcherRelease *a, const RlMatcherRelease *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpint (a->author_id, ==, b->author_id);
  g_assert_cmpint (a->approver_id, ==, b->approver_id);
  g_assert_cmpint (a->based_on, ==, b->based_on);
  g_assert_cmpint (a->created_at, ==, b->created_at);
  g_assert_cmpint (a->evaluated_at, ==, b->evaluated_at);
  g_assert_cmpint (a->activated_at, ==, b->activated_at);
}

typedef void (*AssertEqualFunc) (gconstpointer a, gconstpointer b);

static void
assert_lists_equal (GPtrArray *remote, GPtrArray *local, AssertEqualFunc func)
{
  g_assert_nonnull (remote);
  g_assert_nonnull (local);
  g_assert_cmpuint (remote->len, ==, local->len);
  for (guint i = 0; i < remote->len; i++)
    func (remote->pdata[i], local->pdata[i]);
}

/* Whether any derogatory record of the list holds text. */
static gboolean
records_hold (GPtrArray *records, const char *text)
{
  for (guint i = 0; i < records->len; i++)
    {
      RlDerogatoryRecord *r = records->pdata[i];
      if (g_strcmp0 (r->summary, text) == 0)
        return TRUE;
    }
  return FALSE;
}

/* -------------------------------------------------------------- tests */

/* What the identity view reads when it opens, through store: seconds. */
static double
time_identity_view_reads (RlStore *store, gint64 identity_id)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(RlIdentity) identity = rl_store_open_identity (store, identity_id, "timing", NULL);
  g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (store, identity_id, NULL);
  g_autoptr(GPtrArray) hits = rl_store_list_hits (store, 0, NULL);
  g_autoptr(GPtrArray) history = rl_store_list_audit (store, "identity", identity_id, 0, 20, NULL);
  g_autoptr(GPtrArray) encounters = rl_store_list_encounters (store, identity_id, NULL);
  g_autoptr(GPtrArray) links = rl_store_list_identity_links (store, identity_id, NULL);
  g_autoptr(GPtrArray) samples = rl_store_list_identity_samples (store, identity_id, NULL);

  g_assert_true (identity && records && hits && history && encounters && links && samples);
  return g_timer_elapsed (timer, NULL);
}

/* What the hits page, the hit view, the identities page, the identity view
 * and the links page read, as a border analyst: the same as from the file. */
static void
test_analyst_reads (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) remote = NULL, local = NULL;

  if (f->server.process == NULL)
    return;
  remote = remote_as (f, "ban");
  local = local_as (f, f->ws.border_analyst);

  {
    g_autoptr(GPtrArray) r = rl_store_list_hits (remote, RL_HIT_OPEN, &error);
    g_autoptr(GPtrArray) l = rl_store_list_hits (local, RL_HIT_OPEN, NULL);
    g_autoptr(RlHit) rh = rl_store_get_hit (remote, f->ws.hit, &error);
    g_autoptr(RlHit) lh = rl_store_get_hit (local, f->ws.hit, NULL);

    g_assert_no_error (error);
    g_assert_cmpuint (r->len, ==, 1);
    assert_lists_equal (r, l, (AssertEqualFunc) assert_hits_equal);
    assert_hits_equal (rh, lh);
  }
  /* The hits page's rows (one request): each hit with its encounter's
   * agency and its person's records, the police one withheld as on the file. */
  for (RlHitStatus status = 0; status <= RL_HIT_OPEN; status++)
    {
      guint before = rl_remote_get_n_requests (remote);
      g_autoptr(GPtrArray) r = rl_store_list_hit_rows (remote, status, &error);
      g_autoptr(GPtrArray) l = rl_store_list_hit_rows (local, status, NULL);
      gboolean withheld = FALSE;

      g_assert_cmpuint (rl_remote_get_n_requests (remote) - before, ==, 1);

      g_assert_no_error (error);
      g_assert_nonnull (l);
      g_assert_cmpuint (r->len, ==, 1);
      g_assert_cmpuint (r->len, ==, l->len);
      for (guint i = 0; i < r->len; i++)
        {
          const RlHitRow *rr = r->pdata[i], *lr = l->pdata[i];

          assert_hits_equal (rr->hit, lr->hit);
          g_assert_cmpstr (rr->encounter_agency, ==, lr->encounter_agency);
          g_assert_nonnull (rr->encounter_agency);
          g_assert_nonnull (rr->records);
          g_assert_nonnull (lr->records);
          assert_lists_equal (rr->records, lr->records, (AssertEqualFunc) assert_records_equal);
          for (guint k = 0; k < rr->records->len; k++)
            {
              const RlDerogatoryRecord *record = rr->records->pdata[k];
              if (record->id == f->ws.restricted_record)
                {
                  withheld = record->withheld;
                  g_assert_null (record->summary);
                }
            }
        }
      g_assert_true (withheld);
    }
  {
    g_autoptr(GPtrArray) r = rl_store_list_identities (remote, NULL, 0, 0, &error);
    g_autoptr(GPtrArray) l = rl_store_list_identities (local, NULL, 0, 0, NULL);
    g_autoptr(GPtrArray) rn = rl_store_list_identities (remote, "Okafore", 0, 10, &error);
    g_autoptr(GPtrArray) ln = rl_store_list_identities (local, "Okafore", 0, 10, NULL);
    g_autoptr(GPtrArray) rp = rl_store_list_identities (remote, NULL, 2, 3, &error);
    g_autoptr(GPtrArray) lp = rl_store_list_identities (local, NULL, 2, 3, NULL);

    g_assert_no_error (error);
    assert_lists_equal (r, l, (AssertEqualFunc) assert_identities_equal);
    assert_lists_equal (rn, ln, (AssertEqualFunc) assert_identities_equal);
    g_assert_cmpuint (rn->len, ==, 1);
    assert_lists_equal (rp, lp, (AssertEqualFunc) assert_identities_equal);
    g_assert_cmpuint (rl_store_count_identities (remote, &error), ==, rl_store_count_identities (local, NULL));
    g_assert_no_error (error);
  }
  {
    g_autoptr(RlIdentity) ro = rl_store_open_identity (remote, f->ws.wanted, "case B-17", &error);
    g_autoptr(RlIdentity) lo = rl_store_open_identity (local, f->ws.wanted, "case B-17", NULL);
    g_autoptr(RlIdentity) rs = rl_store_get_identity_summary (remote, f->ws.other, &error);
    g_autoptr(RlIdentity) ls = rl_store_get_identity_summary (local, f->ws.other, NULL);
    g_autoptr(GPtrArray) re = rl_store_list_encounters (remote, f->ws.wanted, &error);
    g_autoptr(GPtrArray) le = rl_store_list_encounters (local, f->ws.wanted, NULL);
    g_autoptr(RlEncounter) r1 = rl_store_get_encounter (remote, f->ws.other_encounter, &error);
    g_autoptr(RlEncounter) l1 = rl_store_get_encounter (local, f->ws.other_encounter, NULL);
    g_autoptr(GPtrArray) rl = rl_store_list_identity_links (remote, f->ws.wanted, &error);
    g_autoptr(GPtrArray) ll = rl_store_list_identity_links (local, f->ws.wanted, NULL);
    g_autoptr(GPtrArray) rall = rl_store_list_identity_links (remote, 0, &error);
    g_autoptr(GPtrArray) lall = rl_store_list_identity_links (local, 0, NULL);

    g_assert_no_error (error);
    assert_identities_equal (ro, lo);
    assert_identities_equal (rs, ls);
    assert_lists_equal (re, le, (AssertEqualFunc) assert_encounters_equal);
    assert_encounters_equal (r1, l1);
    assert_lists_equal (rl, ll, (AssertEqualFunc) assert_links_equal);
    assert_lists_equal (rall, lall, (AssertEqualFunc) assert_links_equal);
    /* No purpose, no opening: refused by the server as by the store. */
    g_assert_null (rl_store_open_identity (remote, f->ws.wanted, "", &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  {
    /* The police record is withheld from the border analyst exactly as the
     * file withholds it: "held by POLICE", its category, nothing else. */
    g_autoptr(GPtrArray) r = rl_store_list_derogatory_records (remote, f->ws.wanted, &error);
    g_autoptr(GPtrArray) l = rl_store_list_derogatory_records (local, f->ws.wanted, NULL);
    gboolean withheld = FALSE;

    g_assert_no_error (error);
    assert_lists_equal (r, l, (AssertEqualFunc) assert_records_equal);
    for (guint i = 0; i < r->len; i++)
      {
        RlDerogatoryRecord *record = r->pdata[i];
        if (record->id == f->ws.restricted_record)
          {
            g_assert_true (record->withheld);
            g_assert_null (record->summary);
            g_assert_null (record->recorded_on);
            g_assert_cmpstr (record->source_agency, ==, "POLICE");
            withheld = TRUE;
          }
      }
    g_assert_true (withheld);
    g_assert_false (records_hold (r, SECRET));
    g_assert_true (records_hold (r, SHARABLE));
  }
  {
    g_autoptr(GPtrArray) r = rl_store_list_agencies (remote, &error);
    g_autoptr(RlAgency) police = rl_store_get_agency (remote, f->ws.police, &error);
    g_autoptr(RlAgency) border = rl_store_get_agency_by_code (remote, "BORDER", &error);
    g_autoptr(RlSearch) search = rl_store_get_search (remote, f->ws.search, &error);
    g_autoptr(GPtrArray) candidates = rl_store_list_candidates (remote, f->ws.search, &error);
    g_autoptr(GPtrArray) rh = rl_store_list_audit (remote, "identity", f->ws.wanted, 0, 20, &error);
    g_autoptr(GPtrArray) lh = rl_store_list_audit (local, "identity", f->ws.wanted, 0, 20, NULL);

    g_assert_no_error (error);
    g_assert_cmpuint (r->len, ==, 2);
    g_assert_cmpstr (police->code, ==, "POLICE");
    g_assert_cmpint (border->id, ==, f->ws.border);
    g_assert_cmpint (search->id, ==, f->ws.search);
    g_assert_cmpuint (candidates->len, ==, 1);
    /* The identity's history, as its view lists it, opened twice above. */
    g_assert_cmpuint (rh->len, ==, lh->len);
    g_assert_cmpuint (rh->len, >=, 2);
  }
  /* A figure, not a check: the identity view's seven reads, over HTTPS on
   * loopback against the file directly (best of 5 each). */
  {
    double best_remote = G_MAXDOUBLE, best_local = G_MAXDOUBLE;

    for (int i = 0; i < 5; i++)
      {
        best_remote = MIN (best_remote, time_identity_view_reads (remote, f->ws.wanted));
        best_local = MIN (best_local, time_identity_view_reads (local, f->ws.wanted));
      }
    g_test_message ("identity view reads: %.1f ms on the server, %.1f ms on the file", best_remote * 1000,
                    best_local * 1000);
  }

  /* The whole audit log is not an analyst's: the server refuses. */
  g_assert_null (rl_store_verify_audit (remote, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
}

static gboolean
examiner_escalates (RlStore *s, const PagesWorkspace *ws, GError **error)
{
  return rl_store_dispose_hit (s, ws->hit, RL_HIT_ESCALATED, "names differ", error) != 0;
}

static gboolean
examiner_splits (RlStore *s, const PagesWorkspace *ws, GError **error)
{
  return rl_store_split_identity (s, ws->wanted, &ws->wanted_encounters[1], 1, "another person", error) != 0;
}

/* The store's refusal for user, in its own words. */
static char *
file_refusal (Fixture *f, gint64 user, gboolean (*attempt) (RlStore *, const PagesWorkspace *, GError **))
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = local_as (f, user);

  g_assert_false (attempt (s, &f->ws, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  return g_strdup (error->message);
}

/* What the analyst does from the hit view, the identity view and the links
 * page, done remotely and read back from the file; an examiner is refused
 * with the file store's own words. */
static void
test_analyst_acts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) remote = NULL, examiner = NULL, local = NULL;
  g_autofree char *escalate_refusal = NULL, *split_refusal = NULL;
  gint64 new_identity;

  if (f->server.process == NULL)
    return;
  escalate_refusal = file_refusal (f, f->ws.examiner, examiner_escalates);
  split_refusal = file_refusal (f, f->ws.examiner, examiner_splits);
  examiner = remote_as (f, "examiner");
  g_assert_false (examiner_escalates (examiner, &f->ws, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_assert_cmpstr (error->message, ==, escalate_refusal);
  g_clear_error (&error);
  g_assert_false (examiner_splits (examiner, &f->ws, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_assert_cmpstr (error->message, ==, split_refusal);
  g_clear_error (&error);

  remote = remote_as (f, "ban");
  local = local_as (f, f->ws.border_analyst);
  g_assert_cmpint (rl_store_dispose_hit (remote, f->ws.hit, RL_HIT_ESCALATED, "names differ", &error), !=, 0);
  g_assert_no_error (error);
  {
    g_autoptr(RlHit) hit = rl_store_get_hit (local, f->ws.hit, &error);
    g_autoptr(GPtrArray) history = rl_store_list_audit (local, "hit", f->ws.hit, f->ws.border_analyst, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpint (hit->status, ==, RL_HIT_ESCALATED);
    g_assert_cmpuint (history->len, ==, 1);
    g_assert_cmpstr (((RlAuditEntry *) history->pdata[0])->action, ==, "hit.dispose");
  }
  /* Escalated: only a supervisor decides, the server says. */
  g_assert_cmpint (rl_store_dispose_hit (remote, f->ws.hit, RL_HIT_CONFIRMED, NULL, &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);

  /* The supervisor's decision on the escalated hit. */
  {
    g_autoptr(RlStore) supervisor = remote_as (f, "supb");
    g_autoptr(RlHit) hit = NULL;

    g_assert_cmpint (rl_store_dispose_hit (supervisor, f->ws.hit, RL_HIT_CONFIRMED, "same prints; referred", &error),
                     !=, 0);
    g_assert_no_error (error);
    hit = rl_store_get_hit (local, f->ws.hit, &error);
    g_assert_no_error (error);
    g_assert_cmpint (hit->status, ==, RL_HIT_CONFIRMED);
  }

  g_assert_true (rl_store_resolve_identity_link (remote, f->ws.link, RL_LINK_WHITE, "a name spelled two ways", &error));
  g_assert_no_error (error);
  g_assert_cmpint (rl_store_merge_identities (remote, f->ws.other, f->ws.wanted, "same person", &error), ==, 1);
  g_assert_no_error (error);
  {
    g_autoptr(RlIdentity) merged = rl_store_get_identity_summary (local, f->ws.other, &error);
    g_autoptr(GPtrArray) links = rl_store_list_identity_links (local, f->ws.wanted, &error);

    g_assert_no_error (error);
    g_assert_cmpint (merged->merged_into, ==, f->ws.wanted);
    g_assert_cmpint (((RlIdentityLink *) links->pdata[0])->colour, ==, RL_LINK_WHITE);
    g_assert_cmpint (((RlIdentityLink *) links->pdata[0])->resolved_by, ==, f->ws.border_analyst);
  }
  g_assert_cmpint (rl_store_undo_merge (remote, f->ws.other, "different people after all", &error), ==, 1);
  g_assert_no_error (error);
  new_identity = rl_store_split_identity (remote, f->ws.wanted, &f->ws.wanted_encounters[1], 1, "another person",
                                          &error);
  g_assert_no_error (error);
  {
    g_autoptr(RlIdentity) back = rl_store_get_identity_summary (local, f->ws.other, &error);
    g_autoptr(GPtrArray) moved = rl_store_list_encounters (local, new_identity, &error);

    g_assert_no_error (error);
    g_assert_cmpint (back->merged_into, ==, 0);
    g_assert_cmpuint (moved->len, ==, 1);
    g_assert_cmpint (((RlEncounter *) moved->pdata[0])->id, ==, f->ws.wanted_encounters[1]);
  }
}

/* The users page as the data steward: the rules listed as on the file, a
 * grant lets the border analyst read the police record at once, a revoke
 * withholds it again; the audit chain checked by the server reads as on the file. */
static void
test_steward (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) steward = NULL, analyst = NULL, local = NULL;
  gint64 grant;

  if (f->server.process == NULL)
    return;
  steward = remote_as (f, "steward");
  analyst = remote_as (f, "ban");
  local = local_as (f, f->ws.steward);

  g_assert_cmpint (rl_store_grant_restricted_access (analyst, f->ws.police, RL_ROLE_ANALYST, f->ws.border, &error),
                   ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);

  grant = rl_store_grant_restricted_access (steward, f->ws.police, RL_ROLE_ANALYST, f->ws.border, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) r = rl_store_list_access_grants (steward, &error);
    g_autoptr(GPtrArray) l = rl_store_list_access_grants (local, NULL);
    g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (analyst, f->ws.wanted, &error);
    RlAccessGrant *rg, *lg;

    g_assert_no_error (error);
    g_assert_cmpuint (r->len, ==, 1);
    g_assert_cmpuint (l->len, ==, 1);
    rg = r->pdata[0];
    lg = l->pdata[0];
    g_assert_cmpint (rg->id, ==, grant);
    g_assert_cmpint (rg->id, ==, lg->id);
    g_assert_cmpstr (rg->source_agency, ==, lg->source_agency);
    g_assert_cmpint (rg->role, ==, lg->role);
    g_assert_cmpstr (rg->agency, ==, lg->agency);
    g_assert_cmpstr (rg->granted_by, ==, lg->granted_by);
    g_assert_cmpint (rg->granted_at, ==, lg->granted_at);
    g_assert_true (records_hold (records, SECRET));
  }
  g_assert_true (rl_store_revoke_restricted_access (steward, grant, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (analyst, f->ws.wanted, &error);

    g_assert_no_error (error);
    g_assert_false (records_hold (records, SECRET));
  }
  {
    g_autoptr(RlAuditReport) r = rl_store_verify_audit (steward, &error);
    g_autoptr(RlAuditReport) l = rl_store_verify_audit (local, NULL);

    g_assert_no_error (error);
    g_assert_null (r->problem);
    g_assert_cmpuint (r->n_rows, ==, l->n_rows);
    g_assert_cmpstr (r->head_hash, ==, l->head_hash);
  }
}

/* The data steward ends another user's sessions: every open session of
 * that user (two workstations here) is refused at its next request with a
 * 401 that names who ended it, the remote store forgets its token and keeps
 * the reason; the user signs in again; the command is audited, refused to
 * other roles and for the steward's own sessions. */
static guint
open_sessions_of (GArray *open, gint64 user_id)
{
  for (guint i = 0; open && i < open->len; i++)
    if (g_array_index (open, RlUserSessions, i).user_id == user_id)
      return g_array_index (open, RlUserSessions, i).n_open;
  return 0;
}

static void
test_end_sessions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) steward = NULL, desk = NULL, laptop = NULL, local = NULL, local_examiner = NULL;
  g_autofree char *reason = NULL;
  guint n = 99;

  if (f->server.process == NULL)
    return;
  steward = remote_as (f, "steward");
  desk = remote_as (f, "examiner");
  laptop = remote_as (f, "examiner");
  local = local_as (f, f->ws.steward);
  local_examiner = local_as (f, f->ws.examiner);

  /* Who is signed in: the same on the server and on the file. */
  {
    g_autoptr(GArray) r = rl_store_list_open_sessions (steward, &error);
    g_autoptr(GArray) l = rl_store_list_open_sessions (local, NULL);

    g_assert_no_error (error);
    g_assert_cmpuint (open_sessions_of (r, f->ws.examiner), ==, 2);
    g_assert_cmpuint (open_sessions_of (r, f->ws.steward), ==, 1);
    g_assert_cmpuint (r->len, ==, l->len);
    for (guint i = 0; i < r->len; i++)
      {
        g_assert_cmpint (g_array_index (r, RlUserSessions, i).user_id, ==, g_array_index (l, RlUserSessions, i).user_id);
        g_assert_cmpuint (g_array_index (r, RlUserSessions, i).n_open, ==, g_array_index (l, RlUserSessions, i).n_open);
        g_assert_cmpint (g_array_index (r, RlUserSessions, i).last_opened_at, ==,
                         g_array_index (l, RlUserSessions, i).last_opened_at);
      }
  }

  /* Only a data steward: refused by the server's route and by the store. */
  g_assert_false (rl_store_end_user_sessions (desk, f->ws.steward, &n, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "Data steward"));
  g_clear_error (&error);
  g_assert_null (rl_store_list_open_sessions (desk, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (rl_store_end_user_sessions (local_examiner, f->ws.steward, NULL, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "end another user’s sessions"));
  g_clear_error (&error);
  /* …not for the steward's own (signing out does that), nor for nobody. */
  g_assert_false (rl_store_end_user_sessions (steward, f->ws.steward, NULL, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "own sessions"));
  g_clear_error (&error);
  g_assert_false (rl_store_end_user_sessions (steward, 999999, NULL, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) users = rl_store_list_users (desk, &error);
    g_assert_no_error (error);
    g_assert_nonnull (users);
  }

  /* The steward ends both of the examiner's sessions. */
  g_assert_true (rl_store_end_user_sessions (steward, f->ws.examiner, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      RlStore *store = i == 0 ? desk : laptop;
      g_autoptr(GPtrArray) users = rl_store_list_users (store, &error);

      g_assert_null (users);
      g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_SIGNED_OUT);
      g_assert_nonnull (strstr (error->message, "Dana Steward (Data steward) ended your session"));
      g_clear_error (&error);
      g_assert_false (rl_remote_is_signed_in (store));
      g_clear_pointer (&reason, g_free);
      reason = rl_remote_dup_signed_out_reason (store);
      g_assert_nonnull (reason);
      g_assert_true (g_str_has_prefix (reason, "Dana Steward (Data steward) ended your session at "));
    }
  /* The steward's own session goes on; nothing was left to end. */
  {
    g_autoptr(GArray) r = rl_store_list_open_sessions (steward, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (open_sessions_of (r, f->ws.examiner), ==, 0);
  }
  g_assert_true (rl_store_end_user_sessions (steward, f->ws.examiner, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);

  /* Audited in the file, by the steward, on the examiner. */
  {
    g_autoptr(GPtrArray) audit = rl_store_list_audit (local, "user", f->ws.examiner, f->ws.steward, 0, &error);
    guint ended = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      {
        const RlAuditEntry *e = audit->pdata[i];
        if (g_strcmp0 (e->action, "user.end-sessions") == 0)
          {
            ended++;
            g_assert_nonnull (strstr (e->details, "\"examiner\""));
          }
      }
    g_assert_cmpuint (ended, ==, 2);
  }

  /* Signing in again works, and clears the reason. */
  {
    g_autoptr(RlUser) user = rl_remote_sign_in (desk, "examiner", PASSWORD, &error);
    g_autofree char *none = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (user);
    none = rl_remote_dup_signed_out_reason (desk);
    g_assert_null (none);
  }
}

/* Remote begin/commit are not a transaction: one write may go inside them
 * (the server commits it whole), a second is refused before it is sent —
 * with a g_critical, so that a test meeting such a flow fails — and reads
 * go on; after commit, writes go one by one again. */
/* Another thread's write (a page load's worker claiming a search) while
 * this thread is inside begin/commit is not part of this step. */
static gint64 other_thread_release;

static gpointer
audit_from_thread (gpointer store)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = rl_store_audit (store, "report.export", "release", other_thread_release, NULL, NULL, &error);

  g_assert_no_error (error);
  return GINT_TO_POINTER (ok);
}

static void
test_atomic_guard (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) steward = NULL, local = NULL;
  guint before;

  if (f->server.process == NULL)
    return;
  steward = remote_as (f, "steward");
  local = local_as (f, f->ws.steward);
  {
    g_autoptr(GPtrArray) rows = rl_store_list_audit (local, "release", f->ws.active, 0, 0, NULL);
    before = rows->len;
  }

  g_assert_true (rl_store_begin (steward, &error));
  g_assert_true (rl_store_audit (steward, "report.export", "release", f->ws.active, NULL, NULL, &error));
  g_assert_no_error (error);
  g_test_expect_message ("ridgeline-store", G_LOG_LEVEL_CRITICAL, "A second write (POST /audit)*");
  g_assert_false (rl_store_audit (steward, "report.export", "release", f->ws.active, NULL, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "second write"));
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) users = rl_store_list_users (steward, &error);
    g_assert_no_error (error);
    g_assert_nonnull (users);
  }
  {
    GThread *worker;

    other_thread_release = f->ws.active;
    worker = g_thread_new ("other-write", audit_from_thread, steward);
    g_assert_true (GPOINTER_TO_INT (g_thread_join (worker)));
  }
  g_assert_true (rl_store_commit (steward, &error));
  g_assert_true (rl_store_audit (steward, "report.export", "release", f->ws.active, NULL, NULL, &error));
  g_assert_true (rl_store_audit (steward, "report.export", "release", f->ws.active, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) after = rl_store_list_audit (local, "release", f->ws.active, 0, 0, NULL);
    g_assert_cmpuint (after->len, ==, before + 4);
  }
}

/* The Tuning page as supervisors: the releases as on the file; the draft
 * evaluated ON THE SERVER (a job polled to its end), approved by the other
 * supervisor, activated, rolled back; its report the file's bytes. */
static void
test_releases (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) author = NULL, other = NULL, local = NULL;
  g_autoptr(RlRemoteJob) job = NULL;

  if (f->server.process == NULL)
    return;
  author = remote_as (f, "supa");
  other = remote_as (f, "supb");
  local = local_as (f, f->ws.sup_author);
  {
    g_autoptr(GPtrArray) r = rl_store_list_releases (author, &error);
    g_autoptr(GPtrArray) l = rl_store_list_releases (local, NULL);
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (author, &error);

    g_assert_no_error (error);
    assert_lists_equal (r, l, (AssertEqualFunc) assert_releases_equal);
    g_assert_cmpint (active->id, ==, f->ws.active);
  }

  job = rl_remote_start_evaluation (author, f->ws.draft, &error);
  g_assert_no_error (error);
  while (job->state == RL_REMOTE_JOB_RUNNING)
    {
      gint64 id = job->id;

      g_usleep (G_USEC_PER_SEC / 5);
      g_clear_pointer (&job, rl_remote_job_free);
      job = rl_remote_get_job (author, id, &error);
      g_assert_no_error (error);
    }
  if (job->state != RL_REMOTE_JOB_DONE)
    g_printerr ("%s\n", job->message);
  g_assert_cmpint (job->state, ==, RL_REMOTE_JOB_DONE);
  g_assert_cmpint (job->summary.release_id, ==, f->ws.draft);
  g_assert_cmpfloat (job->progress, ==, 1.0);
  {
    g_autoptr(RlMatcherRelease) draft = rl_store_get_release (local, f->ws.draft, &error);
    g_autoptr(GBytes) r = rl_store_get_release_report (author, f->ws.draft, &error);
    g_autoptr(GBytes) l = rl_store_get_release_report (local, f->ws.draft, NULL);

    g_assert_no_error (error);
    g_assert_cmpint (draft->state, ==, RL_RELEASE_EVALUATED);
    g_assert_cmpint (draft->author_id, ==, f->ws.sup_author);
    if (l != NULL)
      g_assert_true (g_bytes_equal (r, l));
    else
      g_assert_null (r);
  }

  /* The report exported as PDF on the workstation, from what the server holds. */
  {
    g_autofree char *pdf = g_build_filename (f->dir, "report.pdf", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (rl_tuning_write_report_pdf (author, f->ws.draft, pdf, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
    g_assert_cmpuint (length, >, 1000);
    g_assert_true (g_str_has_prefix (contents, "%PDF"));
  }

  /* The author may not approve: the server's refusal. The other supervisor approves and activates. */
  g_assert_false (rl_store_review_release (author, f->ws.draft, TRUE, "mine", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (rl_store_review_release (other, f->ws.draft, TRUE, "checked the DET", &error));
  g_assert_no_error (error);
  g_assert_true (rl_store_activate_release (other, f->ws.draft, &error));
  g_assert_no_error (error);
  {
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (local, &error);

    g_assert_no_error (error);
    g_assert_cmpint (active->id, ==, f->ws.draft);
  }
  g_assert_cmpint (rl_store_rollback_release (other, &error), ==, f->ws.active);
  g_assert_no_error (error);
  {
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (local, &error);

    g_assert_no_error (error);
    g_assert_cmpint (active->id, ==, f->ws.active);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/remote-pages/analyst-reads", test_analyst_reads);
  ADD ("/remote-pages/analyst-acts", test_analyst_acts);
  ADD ("/remote-pages/steward", test_steward);
  ADD ("/remote-pages/end-sessions", test_end_sessions);
  ADD ("/remote-pages/atomic-guard", test_atomic_guard);
  ADD ("/remote-pages/releases", test_releases);
  return g_test_run ();
}
