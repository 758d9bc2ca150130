/* ridgeline-cli tune and the evaluation report, on a synthetic workspace
 * with known ground truth: look-alike prints (another person's finger with
 * half of its minutiae) score above the active release's too-low match
 * threshold; an examiner records the false matches of some of them; tuning
 * must remove those without raising the false-match rate on held-out
 * impostor pairs; the two-person rule holds; activation and rollback change
 * and restore what searches find. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-release-params.h"
#include "rl-search.h"
#include "rl-store.h"
#include "rl-template-io.h"

#define N_PEOPLE      20    /* two encounters each: genuine pairs */
#define N_LOOKALIKES  8     /* one encounter each, built from person i's finger */
#define N_CORRECTED   4     /* look-alikes searched and corrected by the examiner */

static char *tmp_dir;
static char *db;

typedef struct {
  gint64 sample[N_PEOPLE][2];
  gint64 lookalike[N_LOOKALIKES];
  gint64 search[N_CORRECTED];
  gint64 identity[N_PEOPLE];
  gint64 missed;        /* a poor print of the last person the search missed */
  float  bad_threshold;
} World;

typedef struct { gint64 id; float score; } Hit;
static GArray *search (RlStore *store, gint64 probe, RlReleaseParams *params);

static RlTemplate *
random_template (GRand *rand)
{
  RlTemplate *t = rl_template_new (40, 0);

  t->width = 400;
  t->height = 500;
  for (guint i = 0; i < t->n_minutiae; i++)
    t->minutiae[i] = (RlMinutia) { g_rand_double_range (rand, 40, 360), g_rand_double_range (rand, 40, 460),
                                   g_rand_double_range (rand, 0, 2 * G_PI), 1 + i % 2, 80 };
  return t;
}

/* A capture of base: moved, jittered, a few minutiae lost. */
static RlTemplate *
impression (GRand *rand, const RlTemplate *base, double dx, double dy, int quality)
{
  RlTemplate *t = rl_template_copy (base);

  for (guint i = 0; i < t->n_minutiae; i++)
    {
      t->minutiae[i].x += dx + g_rand_double_range (rand, -1.5, 1.5);
      t->minutiae[i].y += dy + g_rand_double_range (rand, -1.5, 1.5);
    }
  t->quality = quality;
  return t;
}

static gint64
enrol (RlStore *store, gint64 agency, gint64 identity, int encounter, const RlTemplate *tpl, int person)
{
  static const char *const nationalities[] = { "NGA", "MEX", "CHN", "UKR", "IND", "JOR" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = rl_template_serialize (tpl);
  g_autofree char *dob = g_strdup_printf ("%04d-%02d-15", 1950 + (person * 11) % 60, 1 + person % 12);
  RlEncounter enc = { .identity_id = identity, .agency_id = agency, .occurred_at = 1600000000 + 86400 * (100 * encounter + person),
                      .purpose = RL_PURPOSE_VISA_APPLICATION, .date_of_birth = dob,
                      .nationality = (char *) nationalities[person % G_N_ELEMENTS (nationalities)],
                      .sex = (char *) (person % 2 ? "F" : "M") };
  RlSample sample = { .finger = RL_FINGER_RIGHT_INDEX, .ppi = 500, .quality = tpl->quality };
  gint64 id;

  sample.encounter_id = rl_store_add_encounter (store, &enc, &error);
  g_assert_no_error (error);
  id = rl_store_add_sample (store, &sample, bytes, &error);
  g_assert_no_error (error);
  return id;
}

static void
make_world (World *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  GRand *rand = g_rand_new_with_seed (7);
  gint64 agency, shipped;
  float lowest = 100;

  db = g_build_filename (tmp_dir, "tune.db", NULL);
  store = rl_store_create (db, &error);
  g_assert_no_error (error);
  agency = rl_store_add_agency (store, "AG1", "Agency One", &error);
  rl_store_add_user (store, "steward", "Data Steward", RL_ROLE_DATA_STEWARD, agency, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, 1, &error));
  rl_store_add_user (store, "ana", "Ana Author", RL_ROLE_SUPERVISOR, agency, &error);
  rl_store_add_user (store, "bo", "Bo Reviewer", RL_ROLE_SUPERVISOR, agency, &error);
  rl_store_add_user (store, "eve", "Eve Examiner", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, 0, &error));

  /* People with good prints (quality 60..95), two encounters each. */
  for (int p = 0; p < N_PEOPLE; p++)
    {
      g_autoptr(RlTemplate) a = NULL;
      g_autoptr(RlTemplate) b = NULL;
      gint64 identity = rl_store_add_identity (store, NULL, &error);
      RlTemplate *base = random_template (rand);

      g_assert_no_error (error);
      g_ptr_array_add (bases, base);
      a = impression (rand, base, 0, 0, 60 + (p * 7) % 36);
      b = impression (rand, base, 6, 4, 60 + (p * 11) % 36);
      w->identity[p] = identity;
      w->sample[p][0] = enrol (store, agency, identity, 0, a, p);
      w->sample[p][1] = enrol (store, agency, identity, 1, b, p);
    }
  /* Look-alikes: half of person i's minutiae, the rest their own; poor
   * captures (quality 30..45), the kind that fool a matcher. */
  for (int l = 0; l < N_LOOKALIKES; l++)
    {
      g_autoptr(RlTemplate) mix = random_template (rand);
      g_autoptr(RlTemplate) tpl = NULL;
      const RlTemplate *source = bases->pdata[l];
      gint64 identity = rl_store_add_identity (store, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < 24; i++)
        mix->minutiae[i] = source->minutiae[i];
      tpl = impression (rand, mix, 3, -2, 30 + (l * 5) % 16);
      w->lookalike[l] = enrol (store, agency, identity, 2, tpl, N_PEOPLE + l);

      /* the threshold the bad release uses: under every look-alike pair */
      for (int k = 0; k < 2; k++)
        {
          g_autoptr(GBytes) bytes = rl_store_get_sample_template (store, w->sample[l][k], &error);
          g_autoptr(RlTemplate) other = rl_template_deserialize (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
          g_assert_no_error (error);
          lowest = MIN (lowest, rl_compare (tpl, other, NULL));
        }
    }
  w->bad_threshold = floorf (lowest) - 1;
  g_test_message ("look-alike pairs score %.2f and more; the active release's match threshold is %.2f",
                  lowest, w->bad_threshold);
  g_assert_cmpfloat (w->bad_threshold, >, 2);

  {
    g_autofree char *params = g_strdup_printf ("{\"match_threshold\": %.2f, \"no_match_threshold\": %.2f, \"quality_threshold\": 0}",
                                               w->bad_threshold, w->bad_threshold / 2);
    shipped = rl_store_add_release (store, "shipped", params, 0, &error);
    g_assert_no_error (error);
  }
  g_assert_true (rl_store_set_release_evaluated (store, shipped, "{}", NULL, &error));
  g_assert_true (rl_store_set_actor (store, 3, &error));
  g_assert_true (rl_store_review_release (store, shipped, TRUE, "shipped", &error));
  g_assert_true (rl_store_activate_release (store, shipped, &error));
  g_assert_no_error (error);

  /* The first look-alikes are searched: automatic matches to the wrong
   * person. Eve excludes every candidate of another finger that the matcher
   * was sure of, and records each as a false match. */
  for (int l = 0; l < N_CORRECTED; l++)
    {
      RlSearchOutcome out = { 0 };
      g_autoptr(GPtrArray) candidates = NULL;
      guint n_false = 0;

      /* the production search, with the active release */
      g_assert_true (rl_search_sample (store, w->lookalike[l], &out, &error));
      g_assert_no_error (error);
      g_assert_cmpint (out.status, ==, RL_SEARCH_AUTOMATIC);
      g_assert_cmpfloat (out.best_score, >=, w->bad_threshold);
      w->search[l] = out.search_id;
      g_assert_cmpint (out.search_id, >, 0);
      g_assert_true (rl_store_set_actor (store, 4, &error));
      candidates = rl_store_list_candidates (store, out.search_id, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < candidates->len; i++)
        {
          RlSearchCandidate *c = candidates->pdata[i];
          RlConclusion conclusion = { .candidate_id = c->id, .decision = RL_DECISION_EXCLUSION,
                                      .reasons = (char *) "Ridge flow differs below the core; two unexplained minutiae." };
          RlCorrection corr = { .kind = RL_CORRECTION_FALSE_MATCH, .probe_sample_id = w->lookalike[l],
                                .candidate_sample_id = c->sample_id, .search_id = out.search_id, .score = c->score,
                                .reason = (char *) "Exclusion of a candidate above the match threshold." };

          if (c->score < w->bad_threshold)
            continue;
          corr.conclusion_id = rl_store_add_conclusion (store, &conclusion, &error);
          g_assert_no_error (error);
          rl_store_add_correction (store, &corr, &error);
          g_assert_no_error (error);
          n_false++;
        }
      /* person l's two prints at least */
      g_assert_cmpuint (n_false, >=, 2);
    }

  /* The last person comes back with a smudged, partial print: the search
   * misses their enrolled prints (an automatic no-match); an examiner who
   * knows them identifies it by hand: a missed match. */
  {
    const int p = N_PEOPLE - 1;
    RlTemplate *base = bases->pdata[p];
    g_autoptr(RlTemplate) poor = NULL;
    RlSearchOutcome out = { 0 };
    double jitter = 3;

    for (;; jitter += 1)
      {
        float best = 0;

        g_clear_pointer (&poor, rl_template_free);
        poor = rl_template_copy (base);
        poor->n_minutiae = 16;
        poor->quality = 50;
        for (guint i = 0; i < poor->n_minutiae; i++)
          {
            poor->minutiae[i].x += 10 + g_rand_double_range (rand, -jitter, jitter);
            poor->minutiae[i].y += 8 + g_rand_double_range (rand, -jitter, jitter);
          }
        for (int k = 0; k < 2; k++)
          {
            g_autoptr(GBytes) bytes = rl_store_get_sample_template (store, w->sample[p][k], &error);
            g_autoptr(RlTemplate) mate = rl_template_deserialize (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
            best = MAX (best, rl_compare (poor, mate, NULL));
          }
        if (best < w->bad_threshold / 2)
          break;
        g_assert_cmpfloat (jitter, <, 40);
      }
    w->missed = enrol (store, agency, w->identity[p], 3, poor, p);
    g_assert_true (rl_search_sample (store, w->missed, &out, &error));
    g_assert_no_error (error);
    g_assert_true (rl_store_set_actor (store, 4, &error));
    {
      RlConclusion conclusion = { .search_id = out.search_id, .candidate_sample_id = w->sample[p][0],
                                  .decision = RL_DECISION_IDENTIFICATION,
                                  .reasons = (char *) "Identified against the subject's enrolled prints, searched by hand." };
      RlCorrection corr = { .kind = RL_CORRECTION_MISSED_MATCH, .probe_sample_id = w->missed,
                            .candidate_sample_id = w->sample[p][0], .search_id = out.search_id, .score = NAN,
                            .reason = (char *) "Mate enrolled but missing from the candidate list." };

      corr.conclusion_id = rl_store_add_conclusion (store, &conclusion, &error);
      g_assert_no_error (error);
      rl_store_add_correction (store, &corr, &error);
      g_assert_no_error (error);
    }
  }
  g_rand_free (rand);
  g_assert_true (rl_store_set_actor (store, 0, &error));
}

/* Runs ridgeline-cli ARGS... --db DB; returns the exit status (0 or 1). */
static int
run (char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  int status;

  g_ptr_array_add (argv, (char *) g_getenv ("RIDGELINE_CLI"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, db);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

#define CLEAR_OUTPUT() G_STMT_START { g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free); } G_STMT_END

static JsonObject *
operating_point (JsonObject *metrics, const char *name)
{
  JsonArray *points = json_object_get_array_member (metrics, "operating_points");

  for (guint i = 0; i < json_array_get_length (points); i++)
    {
      JsonObject *o = json_array_get_object_element (points, i);
      if (g_str_equal (json_object_get_string_member (o, "name"), name))
        return o;
    }
  g_assert_not_reached ();
}

typedef struct {
  GPtrArray *prepared;   /* RlPreparedTemplate* */
  GArray    *ids;        /* gint64 sample id */
} Gallery;

static gboolean
collect (gint64 sample_id, gint64 identity_id, int finger, const guint8 *data, gsize len, gpointer user_data)
{
  Gallery *g = user_data;
  g_autoptr(RlTemplate) tpl = rl_template_deserialize (data, len, NULL);

  g_assert_nonnull (tpl);
  g_ptr_array_add (g->prepared, rl_prepared_template_new (tpl));
  g_array_append_val (g->ids, sample_id);
  return TRUE;
}

static int
by_score (gconstpointer a, gconstpointer b)
{
  const Hit *x = a, *y = b;
  return x->score > y->score ? -1 : x->score < y->score ? 1 : (x->id > y->id) - (x->id < y->id);
}

/* What a 1:N search of probe finds with the active release's comparison
 * settings, computed here independently of the store's search code: every
 * print of another encounter, best first (ten). */
static GArray *
search (RlStore *store, gint64 probe, RlReleaseParams *params)
{
  g_autoptr(GError) error = NULL;
  Gallery g = { g_ptr_array_new_with_free_func ((GDestroyNotify) rl_prepared_template_free),
                g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_autoptr(RlSample) p = rl_store_get_sample (store, probe, &error);
  GArray *hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  RlPreparedTemplate *pp = NULL;

  g_assert_no_error (error);
  g_assert_true (rl_store_get_active_release_params (store, params, NULL, &error));
  g_assert_true (rl_store_foreach_template (store, collect, &g, &error));
  for (guint i = 0; i < g.ids->len; i++)
    if (g_array_index (g.ids, gint64, i) == probe)
      pp = g.prepared->pdata[i];
  g_assert_nonnull (pp);
  for (guint i = 0; i < g.ids->len; i++)
    {
      g_autoptr(RlSample) s = rl_store_get_sample (store, g_array_index (g.ids, gint64, i), &error);
      Hit h = { s->id, 0 };

      if (s->encounter_id == p->encounter_id)
        continue;
      h.score = rl_compare_prepared_with (pp, g.prepared->pdata[i], &params->compare, NULL);
      g_array_append_val (hits, h);
    }
  g_array_sort (hits, by_score);
  g_array_set_size (hits, MIN (hits->len, 10));
  g_ptr_array_unref (g.prepared);
  g_array_unref (g.ids);
  return hits;
}

/* The candidate list a search of probe finds now, as "id:score,…": the
 * store's preview (what a new search would store) and, after "|", this
 * test's own 1:N over the same prints. */
static char *
preview (RlStore *store, gint64 probe)
{
  g_autoptr(GError) error = NULL;
  RlReleaseParams params;
  g_autoptr(GArray) list = search (store, probe, &params);
  g_autoptr(GArray) stored = rl_search_preview (store, NULL, probe, &error);
  g_autoptr(GString) s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < stored->len; i++)
    g_string_append_printf (s, "%" G_GINT64_FORMAT ":%.3f,", g_array_index (stored, RlCandidate, i).id,
                            g_array_index (stored, RlCandidate, i).score);
  g_string_append_c (s, '|');
  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (s, "%" G_GINT64_FORMAT ":%.3f,", g_array_index (list, Hit, i).id,
                            g_array_index (list, Hit, i).score);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Whether the best candidate of probe is an automatic match under the active release. */
static gboolean
automatic_match (RlStore *store, gint64 probe)
{
  g_autoptr(GError) error = NULL;
  RlReleaseParams params;
  g_autoptr(GArray) list = search (store, probe, &params);
  g_autoptr(RlSample) p = rl_store_get_sample (store, probe, &error);
  g_autoptr(RlSample) top = NULL;

  if (list->len == 0)
    return FALSE;
  top = rl_store_get_sample (store, g_array_index (list, Hit, 0).id, &error);
  g_assert_no_error (error);
  return g_array_index (list, Hit, 0).score >= rl_release_params_match_threshold_for (&params, p->quality, top->quality);
}

static void
test_tune (void)
{
  World w = { 0 };
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *pdf = NULL;
  char *before[N_CORRECTED] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlMatcherRelease) draft = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) corrections = NULL;
  JsonObject *metrics, *match;
  JsonArray *list;
  guint n_fixed = 0, n_listed = 0, n_missed = 0;
  gint64 draft_id;
  char *end;

  make_world (&w);

  /* Before: the look-alikes are automatic matches. */
  store = rl_store_open (db, &error);
  g_assert_no_error (error);
  for (int l = 0; l < N_CORRECTED; l++)
    {
      g_assert_true (automatic_match (store, w.lookalike[l]));
      before[l] = preview (store, w.lookalike[l]);
    }
  g_clear_pointer (&store, rl_store_close);

  /* An examiner may not tune; a supervisor may. */
  g_assert_cmpint (run (&out, &err, "tune", "--as", "eve", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Supervisor"));
  CLEAR_OUTPUT ();
  g_assert_cmpint (run (&out, &err, "tune", "--as", "ana", "--name", "tuned-1", "--trials", "5", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull ((end = strstr (out, "Draft release ")));
  draft_id = g_ascii_strtoll (end + strlen ("Draft release "), NULL, 10);
  g_assert_cmpint (draft_id, >, 0);
  CLEAR_OUTPUT ();

  store = rl_store_open (db, &error);
  g_assert_no_error (error);
  draft = rl_store_get_release (store, draft_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft->name, ==, "tuned-1");
  g_assert_cmpint (draft->state, ==, RL_RELEASE_EVALUATED);
  g_assert_cmpint (draft->author_id, ==, 2);
  g_assert_true (json_parser_load_from_data (parser, draft->metrics, -1, &error));
  metrics = json_node_get_object (json_parser_get_root (parser));

  /* Every recorded false match is removed; the missed match is listed,
   * recovered only if it now reaches the examiners' threshold ... */
  list = json_object_get_array_member (metrics, "corrections");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *c = json_array_get_object_element (list, i);
      if (g_str_equal (json_object_get_string_member (c, "kind"), "missed_match"))
        {
          g_assert_cmpint (json_object_get_int_member (c, "probe_sample_id"), ==, w.missed);
          g_assert_cmpfloat (json_object_get_double_member (c, "score_before"), <, w.bad_threshold / 2);
          g_assert_true (json_object_get_boolean_member (c, "fixed") ==
                         (json_object_get_double_member (c, "score_after") >= json_object_get_double_member (c, "threshold_after")));
          g_test_message ("missed match: score %.2f → %.2f, no-match threshold after %.2f, %s",
                          json_object_get_double_member (c, "score_before"), json_object_get_double_member (c, "score_after"),
                          json_object_get_double_member (c, "threshold_after"),
                          json_object_get_boolean_member (c, "fixed") ? "recovered" : "not recovered");
          n_missed++;
          continue;
        }
      g_assert_cmpstr (json_object_get_string_member (c, "kind"), ==, "false_match");
      g_assert_cmpfloat (json_object_get_double_member (c, "score_before"), >=, w.bad_threshold);
      n_fixed += json_object_get_boolean_member (c, "fixed");
      n_listed++;
    }
  g_assert_cmpuint (n_missed, ==, 1);
  g_assert_cmpuint (n_listed, >=, 2 * N_CORRECTED);
  g_assert_cmpuint (n_fixed, ==, n_listed);
  /* ... and they are the draft's corrections now. */
  corrections = rl_store_list_corrections (store, RL_CORRECTION_USED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (corrections->len, ==, n_listed + n_missed);
  {
    /* the tuning is in the audit log in Ana's name */
    g_autoptr(GPtrArray) audit = rl_store_list_audit (store, "matcher_release", draft_id, 2, 0, &error);
    gboolean tuned = FALSE;
    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      tuned = tuned || g_str_equal (((RlAuditEntry *) audit->pdata[i])->action, "release.tune");
    g_assert_true (tuned);
  }

  /* The false-match rate at the match threshold on held-out impostors does not rise. */
  g_assert_cmpint (json_object_get_int_member (metrics, "held_out_impostors"), >, 0);
  match = operating_point (metrics, "match");
  g_test_message ("match threshold %.2f → %.2f; FMR (held out) %.4f → %.4f; FNMR %.4f → %.4f",
                  json_object_get_double_member (match, "threshold_before"),
                  json_object_get_double_member (match, "threshold_after"),
                  json_object_get_double_member (match, "fmr_before"), json_object_get_double_member (match, "fmr_after"),
                  json_object_get_double_member (match, "fnmr_before"), json_object_get_double_member (match, "fnmr_after"));
  g_assert_cmpfloat (json_object_get_double_member (match, "fmr_after"), <=,
                     json_object_get_double_member (match, "fmr_before"));
  list = json_object_get_array_member (metrics, "quality_thresholds");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *q = json_array_get_object_element (list, i);
      g_test_message ("match threshold for quality %s: %.2f → %.2f", json_object_get_string_member (q, "quality"),
                      json_object_get_double_member (q, "before"), json_object_get_double_member (q, "after"));
    }
  match = operating_point (metrics, "no_match");
  g_test_message ("no-match threshold %.2f → %.2f; impostors reaching examiners (held out) %.4f → %.4f",
                  json_object_get_double_member (match, "threshold_before"),
                  json_object_get_double_member (match, "threshold_after"),
                  json_object_get_double_member (match, "fmr_before"), json_object_get_double_member (match, "fmr_after"));

  /* The report has what a reviewer reads: DET before and after, the
   * breakdowns, the pairs nearest the threshold, the re-run searches. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (metrics, "det"), "before")), >, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (metrics, "det"), "after")), >, 1);
  {
    const char *wanted[] = { "quality", "age_group", "sex", "region" };
    list = json_object_get_array_member (metrics, "breakdown");
    for (guint k = 0; k < G_N_ELEMENTS (wanted); k++)
      {
        gboolean found = FALSE;
        for (guint i = 0; i < json_array_get_length (list); i++)
          found = found || g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "by"), wanted[k]);
        g_assert_true (found);
      }
  }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (metrics, "near_threshold")), >, 0);
  {
    JsonObject *rerun = json_object_get_object_member (metrics, "rerun");
    guint changed_to_review = 0;

    /* the corrected searches, re-run: no longer automatic matches */
    g_assert_cmpint (json_object_get_int_member (rerun, "n_searches"), ==, N_CORRECTED + 1);
    list = json_object_get_array_member (rerun, "changed");
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *c = json_array_get_object_element (list, i);
        changed_to_review += g_str_equal (json_object_get_string_member (c, "routing_before"), "automatic-match") &&
                             !g_str_equal (json_object_get_string_member (c, "routing_after"), "automatic-match");
      }
    g_assert_cmpuint (changed_to_review, ==, N_CORRECTED);
  }
  g_clear_pointer (&store, rl_store_close);

  /* The PDF report. */
  pdf = g_build_filename (tmp_dir, "report.pdf", NULL);
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, draft_id);
    g_autofree char *data = NULL;
    gsize len;

    g_assert_cmpint (run (&out, &err, "release", "report", id, "-o", pdf, NULL), ==, 0);
    CLEAR_OUTPUT ();
    g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
    g_assert_true (len > 2000 && memcmp (data, "%PDF", 4) == 0);

    /* Two-person rule: the author cannot approve, an examiner cannot approve. */
    g_assert_cmpint (run (&out, &err, "release", "approve", id, "--as", "ana", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "cannot review it"));
    CLEAR_OUTPUT ();
    g_assert_cmpint (run (&out, &err, "release", "approve", id, "--as", "eve", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "Supervisor"));
    CLEAR_OUTPUT ();
    g_assert_cmpint (run (&out, &err, "release", "approve", id, "--as", "bo", "--comment", "held-out FMR not raised", NULL), ==, 0);
    CLEAR_OUTPUT ();
    g_assert_cmpint (run (&out, &err, "release", "activate", id, "--as", "bo", NULL), ==, 0);
    CLEAR_OUTPUT ();
  }

  /* Active: the look-alikes are no longer automatic matches. */
  store = rl_store_open (db, &error);
  g_assert_no_error (error);
  for (int l = 0; l < N_CORRECTED; l++)
    g_assert_false (automatic_match (store, w.lookalike[l]));
  {
    /* a new search of a look-alike goes to the examiners now */
    RlSearchOutcome outcome = { 0 };
    g_assert_true (rl_search_sample (store, w.lookalike[0], &outcome, &error));
    g_assert_no_error (error);
    g_assert_cmpint (outcome.status, ==, RL_SEARCH_PENDING);
  }
  g_clear_pointer (&store, rl_store_close);

  /* Rollback: the shipped release again, and searches find what they found before. */
  g_assert_cmpint (run (&out, &err, "release", "rollback", "--as", "bo", NULL), ==, 0);
  CLEAR_OUTPUT ();
  store = rl_store_open (db, &error);
  g_assert_no_error (error);
  {
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (store, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (active->name, ==, "shipped");
  }
  for (int l = 0; l < N_CORRECTED; l++)
    {
      g_autofree char *now = preview (store, w.lookalike[l]);
      g_assert_cmpstr (now, ==, before[l]);
      g_assert_true (automatic_match (store, w.lookalike[l]));
    }
  for (int l = 0; l < N_CORRECTED; l++)
    g_free (before[l]);
  {
    g_autoptr(RlAuditReport) report = rl_store_verify_audit (store, &error);
    g_assert_no_error (error);
    g_assert_null (report->problem);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("rl-tune-XXXXXX", NULL);
  g_test_add_func ("/cli/tune/false-matches", test_tune);
  status = g_test_run ();
  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmp_dir);
  }
  return status;
}
