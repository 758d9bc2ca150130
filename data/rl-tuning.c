/* rl-tuning.c — the labelled set, the parameter search and the evaluation
 * report of a matcher release. See rl-tuning.h. */
#define G_LOG_DOMAIN "rl-tuning"

#include "rl-tuning.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-eval.h"
#include "rl-gallery.h"
#include "rl-release-params.h"
#include "rl-search.h"
#include "rl-store-private.h"
#include "rl-template-io.h"

#define DEFAULT_MAX_SAMPLES    300
#define DEFAULT_MAX_IMPOSTORS  3000
#define DEFAULT_MAX_TRIALS     17
#define DEFAULT_RERUN          20
#define MAX_GROUP_SAMPLES      4      /* prints of one finger used for genuine pairs */
#define MAX_LISTED             20     /* near-threshold pairs of each kind */
#define MAX_BROKEN             50
#define MAX_DET_POINTS         120
#define MIN_CALIBRATION_IMPOSTORS 200

/* Quality bucket edges used when the baseline release has none: the poorer
 * print of a pair decides (rl_release_params_match_threshold_for). */
static const int default_edges[] = { 40, 60, 80 };

/* ------------------------------------------------------------ progress */

/* The caller's progress callback and cancellable, and the share of the
 * whole run the current step covers: each step reports its own share done
 * (0 … 1) and the callback sees it mapped into [from, to]. */
typedef struct {
  RlTuningProgressFunc func;
  gpointer             data;
  GCancellable        *cancellable;
  double               from, to;
  double               last;     /* reported so far: never falls */
} Progress;

static void
progress_stage (Progress *pg, double from, double to)
{
  pg->from = from;
  pg->to = to;
}

/* Reports the step's share done and whether to go on: FALSE (with
 * G_IO_ERROR_CANCELLED) once the caller cancelled. */
static gboolean
progress_report (Progress *pg, double share, const char *what, GError **error)
{
  double fraction = pg->from + CLAMP (share, 0.0, 1.0) * (pg->to - pg->from);

  if (pg->func != NULL)
    {
      pg->last = MAX (pg->last, fraction);
      pg->func (pg->last, what, pg->data);
    }
  return !g_cancellable_set_error_if_cancelled (pg->cancellable, error);
}

/* Every `every` of n items, so a step reports about ten times. */
static inline gboolean
progress_due (guint i, guint n)
{
  return i % MAX (1u, n / 10) == 0;
}

/* ------------------------------------------------------------ the set */

typedef struct {
  gint64 id;
  gint64 identity_id;
  gint64 encounter_id;
  int    finger;
  int    quality;
  char   age_group[8];
  char   sex[2];
  char  *region;                 /* owned */
  char  *ground_truth;           /* owned; the true finger of synthetic / benchmark prints, else NULL */
  RlPreparedTemplate *prepared;  /* owned; NULL until loaded */
} Sample;

typedef struct {
  guint   a, b;          /* indices into samples: a is the probe */
  guint8  genuine;
  guint8  held_out;      /* a baseline impostor in the held-out half */
  guint8  confirmed;     /* decided by an examiner (correction or conclusion) */
  gint64  correction_id; /* 0 unless from a correction */
  RlCorrectionKind correction_kind;
  gint64  decided_by;    /* the examiner who decided (0: baseline pair) */
  int     poorer_quality;
} Pair;

typedef struct {
  GArray     *samples;     /* Sample */
  GHashTable *index_of;    /* sample id → index + 1 */
  GArray     *pairs;       /* Pair */
  guint       n_genuine, n_impostor, n_held_out, n_tuning_impostors;
  guint       n_samples;   /* prints with a prepared template */
  guint       n_decided_genuine, n_decided_impostor;   /* pairs examiners decided */
  guint       n_skipped;   /* corrections / conclusions whose prints have no template */
} RlTuningSet;

static guint64
mix64 (guint64 x)
{
  /* splitmix64's finaliser: a well-spread hash of the pair's ids, so the
   * held-out half and the impostor sample are the same on every run */
  x ^= x >> 30; x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27; x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

static guint64
pair_hash (gint64 a, gint64 b)
{
  gint64 lo = MIN (a, b), hi = MAX (a, b);
  return mix64 (((guint64) lo << 32) ^ (guint64) hi ^ G_GUINT64_CONSTANT (0x5eed7a11));
}

static void
sample_clear (gpointer data)
{
  Sample *s = data;
  g_free (s->region);
  g_free (s->ground_truth);
  g_clear_pointer (&s->prepared, rl_prepared_template_free);
}

static void
set_free (RlTuningSet *set)
{
  if (set == NULL)
    return;
  g_array_unref (set->samples);
  g_hash_table_unref (set->index_of);
  g_array_unref (set->pairs);
  g_free (set);
}

/* The demo's and common nationalities by UN geoscheme region: accuracy is
 * reported per region where groups are big enough to say something. */
static const struct { const char *codes; const char *region; } regions[] = {
  { "JOR SYR LBN IRQ ISR PSE SAU YEM OMN ARE QAT KWT BHR TUR ARM AZE GEO CYP", "Western Asia" },
  { "MEX COL GTM HND SLV NIC CRI PAN VEN ECU PER BOL CHL ARG URY PRY BRA CUB DOM HTI JAM", "Latin America" },
  { "CHN JPN KOR PRK MNG TWN HKG", "Eastern Asia" },
  { "IND PAK BGD NPL LKA BTN MDV AFG IRN", "Southern Asia" },
  { "NGA GHA SEN CMR CIV MLI BFA NER GIN SLE LBR TGO BEN GMB ETH ERI SOM KEN UGA TZA COD SDN SSD", "Sub-Saharan Africa" },
  { "UKR RUS MDA BLR POL ROU BGR HUN CZE SVK", "Eastern Europe" },
  { "TJK UZB KAZ KGZ TKM", "Central Asia" },
  { "VNM THA KHM LAO MMR MYS IDN PHL SGP", "South-eastern Asia" },
  { "EGY LBY TUN DZA MAR", "Northern Africa" },
  { "USA CAN", "Northern America" },
  { "GBR IRL FRA DEU NLD BEL LUX AUT CHE ITA ESP PRT GRC SWE NOR DNK FIN ISL", "Western Europe" },
};

static char *
region_of (const char *nationality)
{
  if (nationality == NULL || strlen (nationality) != 3)
    return g_strdup ("unknown");
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    if (strstr (regions[i].codes, nationality) != NULL)
      return g_strdup (regions[i].region);
  return g_strdup (nationality);
}

static void
age_group_of (const char *date_of_birth, gint64 at, char out[8])
{
  int by = 0, bm = 0, bd = 0, age;
  g_autoptr(GDateTime) dt = NULL;

  g_strlcpy (out, "unknown", 8);
  if (date_of_birth == NULL || sscanf (date_of_birth, "%4d-%2d-%2d", &by, &bm, &bd) < 1 || by < 1880 || at <= 0)
    return;
  dt = g_date_time_new_from_unix_utc (at);
  age = g_date_time_get_year (dt) - by;
  if (bm > 0 && (g_date_time_get_month (dt) < bm || (g_date_time_get_month (dt) == bm && bd > 0 && g_date_time_get_day_of_month (dt) < bd)))
    age--;
  if (age < 0 || age > 130)
    return;
  g_strlcpy (out, age < 18 ? "0-17" : age < 30 ? "18-29" : age < 45 ? "30-44" : age < 60 ? "45-59" : "60+", 8);
}

static gboolean
load_sample_index (RlStore *store, RlTuningSet *set, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Metadata only: templates are read for the selected prints later. */
  if (!(stmt = rl_store_stmt (store,
                              "SELECT s.id, COALESCE(i.merged_into, e.identity_id), s.finger, COALESCE(s.quality, -1), e.id, "
                              "e.occurred_at, e.date_of_birth, e.sex, e.nationality, s.ground_truth "
                              "FROM sample s JOIN encounter e ON e.id = s.encounter_id JOIN identity i ON i.id = e.identity_id "
                              "WHERE s.template IS NOT NULL ORDER BY s.id", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Sample s = { 0 };
      const char *sex = (const char *) sqlite3_column_text (stmt, 7);

      s.id = sqlite3_column_int64 (stmt, 0);
      s.identity_id = sqlite3_column_int64 (stmt, 1);
      s.finger = sqlite3_column_int (stmt, 2);
      s.quality = sqlite3_column_int (stmt, 3);
      s.encounter_id = sqlite3_column_int64 (stmt, 4);
      age_group_of ((const char *) sqlite3_column_text (stmt, 6), sqlite3_column_int64 (stmt, 5), s.age_group);
      g_strlcpy (s.sex, sex && *sex ? sex : "U", sizeof s.sex);
      s.region = region_of ((const char *) sqlite3_column_text (stmt, 8));
      s.ground_truth = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
      g_array_append_val (set->samples, s);
    }
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (store, error, _("Cannot read the workspace’s prints for tuning"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static guint
index_of (RlTuningSet *set, gint64 sample_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (set->index_of, &sample_id));   /* index + 1, 0 = none */
}

static guint64
pair_key (gint64 a, gint64 b)
{
  return ((guint64) MIN (a, b) << 32) | (guint64) (MAX (a, b) & 0xffffffff);
}

typedef struct {
  gint64 probe, candidate, decided_by, correction_id;
  RlCorrectionKind kind;   /* 0: from a conclusion */
  gboolean genuine;
} Decided;

/* Corrections (not rejected) and the latest conclusion of each pair that is
 * not inconclusive and not superseded: what examiners decided. */
static GArray *
load_decided (RlStore *store, GError **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (Decided));
  g_autoptr(GPtrArray) corrections = rl_store_list_corrections (store, 0, error);
  sqlite3_stmt *stmt;
  int rc;

  if (corrections == NULL)
    return NULL;
  for (guint i = 0; i < corrections->len; i++)
    {
      RlCorrection *c = corrections->pdata[i];
      Decided d = { c->probe_sample_id, c->candidate_sample_id, c->reported_by, c->id, c->kind,
                    c->kind == RL_CORRECTION_MISSED_MATCH };
      if (c->status != RL_CORRECTION_REJECTED)
        g_array_append_val (out, d);
    }
  if (!(stmt = rl_store_stmt (store,
                              "SELECT c.probe_sample_id, c.candidate_sample_id, c.examiner_id, c.decision FROM conclusion c "
                              "WHERE c.decision <> 'inconclusive' AND NOT EXISTS (SELECT 1 FROM conclusion s WHERE s.supersedes = c.id) "
                              "ORDER BY c.id DESC", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Decided d = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2), 0, 0,
                    g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), "identification") == 0 };
      g_array_append_val (out, d);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (store, error, _("Cannot read the examiners’ conclusions for tuning"));
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Identities a multiple-identity link says may be one person (unresolved,
 * or resolved as the same person or fraud): never used as impostors. */
static GHashTable *
load_linked (RlStore *store, GError **error)
{
  g_autoptr(GHashTable) linked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = rl_store_stmt (store, "SELECT identity_a, identity_b FROM identity_link WHERE colour <> 'green'", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *key = g_new (gint64, 1);
      *key = (gint64) pair_key (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1));
      g_hash_table_add (linked, key);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (store, error, _("Cannot read the multiple-identity links"));
      return NULL;
    }
  return g_steal_pointer (&linked);
}

static int
compare_by_hash (gconstpointer a, gconstpointer b)
{
  const guint64 *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void
add_pair (RlTuningSet *set, guint a, guint b, gboolean genuine)
{
  Sample *sa = &g_array_index (set->samples, Sample, a);
  Sample *sb = &g_array_index (set->samples, Sample, b);
  Pair p = { .a = a, .b = b, .genuine = genuine, .poorer_quality = MIN (sa->quality, sb->quality) };

  g_array_append_val (set->pairs, p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTuningSet, set_free)

static RlTuningSet *
set_build (RlStore *store, guint max_samples, guint max_impostors, Progress *pg, GError **error)
{
  g_autoptr(RlTuningSet) set = g_new0 (RlTuningSet, 1);
  g_autoptr(GArray) decided = NULL;
  g_autoptr(GHashTable) linked = NULL;
  g_autoptr(GHashTable) used_pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  g_autoptr(GArray) picked = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint8 *is_picked = NULL;
  g_autoptr(GArray) impostors = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  guint n;

  set->samples = g_array_new (FALSE, TRUE, sizeof (Sample));
  g_array_set_clear_func (set->samples, sample_clear);
  set->index_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  set->pairs = g_array_new (FALSE, TRUE, sizeof (Pair));

  if (!progress_report (pg, 0.0, _("Reading the corrections, conclusions and prints"), error))
    return NULL;
  if (!load_sample_index (store, set, error) || !(decided = load_decided (store, error)) ||
      !(linked = load_linked (store, error)))
    return NULL;
  /* the hash table points into the array: no appends from here on */
  n = set->samples->len;
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (set->index_of, &g_array_index (set->samples, Sample, i).id, GUINT_TO_POINTER (i + 1));
  is_picked = g_new0 (guint8, MAX (n, 1));

  /* 1. Prints examiners decided on are always in. */
  for (guint i = 0; i < decided->len; i++)
    {
      Decided *d = &g_array_index (decided, Decided, i);
      guint a = index_of (set, d->probe), b = index_of (set, d->candidate);
      gint64 *key;

      if (a == 0 || b == 0 || a == b)
        {
          set->n_skipped++;
          continue;
        }
      key = g_new (gint64, 1);
      *key = (gint64) pair_key (d->probe, d->candidate);
      if (g_hash_table_contains (used_pairs, key))
        {
          g_free (key);   /* a correction and its conclusion: one pair */
          continue;
        }
      g_hash_table_add (used_pairs, key);
      for (guint k = 0; k < 2; k++)
        if (!is_picked[(k ? b : a) - 1])
          {
            guint idx = (k ? b : a) - 1;
            is_picked[idx] = 1;
            g_array_append_val (picked, idx);
          }
      add_pair (set, a - 1, b - 1, d->genuine);
      {
        Pair *p = &g_array_index (set->pairs, Pair, set->pairs->len - 1);
        p->confirmed = TRUE;
        p->correction_id = d->correction_id;
        p->correction_kind = d->kind;
        p->decided_by = d->decided_by;
      }
    }

  /* 2. Fingers with several prints (genuine pairs), whole groups in a
   * stable pseudo-random order, then single prints for impostors. */
  for (guint i = 0; i < n; i++)
    {
      Sample *s = &g_array_index (set->samples, Sample, i);
      gint64 key = s->finger > 0 ? s->identity_id * 16 + s->finger : -(gint64) s->id;
      GArray *members = g_hash_table_lookup (groups, &key);

      if (members == NULL)
        {
          gint64 *k = g_new (gint64, 1);
          *k = key;
          members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (groups, k, members);
        }
      g_array_append_val (members, i);
    }
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, groups);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        GArray *members = value;
        /* groups of two or more first (high bit clear), then the rest */
        guint64 entry[2] = { (mix64 ((guint64) *(gint64 *) key) >> 1) | (members->len >= 2 ? 0 : G_GUINT64_CONSTANT (1) << 63),
                             (guint64) *(gint64 *) key };
        g_array_append_val (order, entry);
      }
  }
  g_array_sort (order, compare_by_hash);
  for (guint i = 0; i < order->len && picked->len < MAX (max_samples, 2); i++)
    {
      gint64 key = (gint64) g_array_index (order, guint64, 2 * i + 1);
      GArray *members = g_hash_table_lookup (groups, &key);

      for (guint k = 0; k < members->len && k < MAX_GROUP_SAMPLES; k++)
        {
          guint idx = g_array_index (members, guint, k);
          if (!is_picked[idx])
            {
              is_picked[idx] = 1;
              g_array_append_val (picked, idx);
            }
        }
    }

  /* 3. Baseline pairs among the picked prints. */
  for (guint x = 0; x < picked->len; x++)
    for (guint y = x + 1; y < picked->len; y++)
      {
        guint i = MIN (g_array_index (picked, guint, x), g_array_index (picked, guint, y));
        guint j = MAX (g_array_index (picked, guint, x), g_array_index (picked, guint, y));
        Sample *si = &g_array_index (set->samples, Sample, i);
        Sample *sj = &g_array_index (set->samples, Sample, j);
        gint64 key = (gint64) pair_key (si->id, sj->id);
        gint64 ikey = (gint64) pair_key (si->identity_id, sj->identity_id);

        if (g_hash_table_contains (used_pairs, &key) || si->encounter_id == sj->encounter_id)
          continue;
        /* Prints whose true finger is known (synthetic, benchmark sets):
         * the truth decides, also across identities (one person enrolled
         * twice under two names is a genuine pair, not an impostor). */
        if (si->ground_truth && sj->ground_truth && g_str_equal (si->ground_truth, sj->ground_truth))
          {
            add_pair (set, i, j, TRUE);
            continue;
          }
        if (si->identity_id == sj->identity_id)
          {
            if (si->finger > 0 && si->finger == sj->finger && si->encounter_id != sj->encounter_id)
              add_pair (set, i, j, TRUE);
            continue;
          }
        if (g_hash_table_contains (linked, &ikey))
          continue;
        {
          guint64 entry[2] = { pair_hash (si->id, sj->id), ((guint64) i << 32) | j };
          g_array_append_val (impostors, entry);
        }
      }
  g_array_sort (impostors, compare_by_hash);
  for (guint k = 0; k < impostors->len && k < max_impostors; k++)
    {
      guint64 h = g_array_index (impostors, guint64, 2 * k);
      guint64 ij = g_array_index (impostors, guint64, 2 * k + 1);

      add_pair (set, (guint) (ij >> 32), (guint) (ij & 0xffffffff), FALSE);
      /* the lowest bit decides the half: independent of the order above */
      g_array_index (set->pairs, Pair, set->pairs->len - 1).held_out = (mix64 (h) & 1) != 0;
    }

  /* 4. Templates of the prints in use, prepared once. */
  for (guint i = 0; i < picked->len; i++)
    {
      Sample *s = &g_array_index (set->samples, Sample, g_array_index (picked, guint, i));
      g_autoptr(GBytes) bytes = rl_store_get_sample_template (store, s->id, error);
      g_autoptr(RlTemplate) tpl = NULL;
      gsize len;
      const guint8 *data;

      if (progress_due (i, picked->len))
        {
          g_autofree char *what = g_strdup_printf (_("Preparing the prints’ templates (%u of %u)"), i + 1,
                                                   picked->len);
          if (!progress_report (pg, 0.1 + 0.9 * i / picked->len, what, error))
            return NULL;
        }
      if (bytes == NULL)
        return NULL;
      data = g_bytes_get_data (bytes, &len);
      if (!(tpl = rl_template_deserialize (data, len, error)))
        {
          g_prefix_error (error, _("Sample %" G_GINT64_FORMAT ": "), s->id);
          return NULL;
        }
      s->prepared = rl_prepared_template_new (tpl);
    }

  set->n_samples = picked->len;
  for (guint i = 0; i < set->pairs->len; i++)
    {
      Pair *p = &g_array_index (set->pairs, Pair, i);
      set->n_decided_genuine += p->confirmed && p->genuine;
      set->n_decided_impostor += p->confirmed && !p->genuine;
      if (p->genuine)
        set->n_genuine++;
      else
        {
          set->n_impostor++;
          set->n_held_out += p->held_out;
          set->n_tuning_impostors += !p->held_out;
        }
    }
  return g_steal_pointer (&set);
}

/* Scores every pair with one setting; NULL once cancelled. `what` names
 * the setting for the progress report. */
static float *
set_score (RlTuningSet *set, const RlCompareParams *compare, Progress *pg, const char *what, GError **error)
{
  g_autofree float *scores = g_new (float, MAX (set->pairs->len, 1));

  for (guint i = 0; i < set->pairs->len; i++)
    {
      Pair *p = &g_array_index (set->pairs, Pair, i);

      if (progress_due (i, set->pairs->len))
        {
          g_autofree char *text = g_strdup_printf (_("%s: pair %u of %u"), what, i + 1, set->pairs->len);
          if (!progress_report (pg, (double) i / set->pairs->len, text, error))
            return NULL;
        }
      scores[i] = rl_compare_prepared_with (g_array_index (set->samples, Sample, p->a).prepared,
                                            g_array_index (set->samples, Sample, p->b).prepared, compare, NULL);
    }
  return g_steal_pointer (&scores);
}

/* --------------------------------------------------------- decisions */

static inline float
threshold_of (const RlReleaseParams *p, const Pair *pair)
{
  return rl_release_params_match_threshold_for (p, pair->poorer_quality, pair->poorer_quality);
}

/* FMR at the match threshold (or at the no-match threshold: the share of
 * impostors that reach examiners) over the impostors of one half. */
typedef enum { HALF_TUNING, HALF_HELD_OUT } Half;

static double
impostor_rate (RlTuningSet *set, const RlReleaseParams *p, const float *scores, Half half, gboolean no_match)
{
  guint n = 0, k = 0;

  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      if (pair->genuine || pair->confirmed || pair->held_out != (half == HALF_HELD_OUT))
        continue;
      n++;
      k += scores[i] >= (no_match ? p->no_match_threshold : threshold_of (p, pair));
    }
  return n ? (double) k / n : 0;
}

static double
genuine_miss_rate (RlTuningSet *set, const RlReleaseParams *p, const float *scores, gboolean no_match)
{
  guint n = 0, k = 0;

  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      if (!pair->genuine)
        continue;
      n++;
      k += scores[i] < (no_match ? p->no_match_threshold : threshold_of (p, pair));
    }
  return n ? (double) k / n : 0;
}

static gboolean
correction_fixed (const Pair *pair, const RlReleaseParams *p, float score)
{
  if (pair->correction_kind == RL_CORRECTION_FALSE_MATCH)
    return score < threshold_of (p, pair);
  return score >= p->no_match_threshold;
}

/* The lowest score above s with two decimals: thresholds a reader can check. */
static float
just_above (float s)
{
  return floorf (s * 100.0f + 1.0f) / 100.0f;
}

static float
just_below (float s)
{
  return floorf (s * 100.0f) / 100.0f;
}

static int
compare_descending (gconstpointer a, gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return x > y ? -1 : x < y;
}

/* Thresholds for the scores of one comparison setting: the match threshold
 * of each quality bucket is raised just above the confirmed impostors that
 * reach it; the no-match threshold is lowered under missed matches as long
 * as no more tuning impostors reach examiners than with the baseline. */
static void
fit_thresholds (RlTuningSet *set, const RlReleaseParams *base, double base_nomatch_rate, const float *scores,
                RlReleaseParams *p)
{
  int edges[RL_RELEASE_MAX_BUCKETS];
  float t[RL_RELEASE_MAX_BUCKETS + 1];
  guint n_edges;
  gboolean all_equal = TRUE;
  g_autoptr(GArray) missed = g_array_new (FALSE, FALSE, sizeof (float));

  if (base->n_buckets > 0)
    {
      n_edges = base->n_buckets;
      for (guint i = 0; i < n_edges; i++)
        edges[i] = base->buckets[i].min_quality, t[i + 1] = base->buckets[i].match_threshold;
    }
  else
    {
      n_edges = G_N_ELEMENTS (default_edges);
      for (guint i = 0; i < n_edges; i++)
        edges[i] = default_edges[i], t[i + 1] = base->match_threshold;
    }
  t[0] = base->match_threshold;

  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      guint slot = 0;

      if (!pair->confirmed)
        continue;
      if (pair->genuine)
        {
          if (pair->correction_kind == RL_CORRECTION_MISSED_MATCH && scores[i] < base->no_match_threshold)
            g_array_append_val (missed, scores[i]);
          continue;
        }
      for (guint k = 0; k < n_edges; k++)
        if (pair->poorer_quality >= edges[k])
          slot = k + 1;
      if (scores[i] >= t[slot])
        t[slot] = MIN (just_above (scores[i]), 100.0f);
    }

  p->match_threshold = t[0];
  for (guint k = 0; k < n_edges; k++)
    {
      p->buckets[k].min_quality = edges[k];
      p->buckets[k].match_threshold = t[k + 1];
      all_equal = all_equal && t[k + 1] == t[0];
    }
  p->n_buckets = base->n_buckets == 0 && all_equal ? 0 : n_edges;

  /* Missed matches, best first: lower the no-match threshold step by step. */
  p->no_match_threshold = base->no_match_threshold;
  g_array_sort (missed, compare_descending);
  for (guint i = 0; i < missed->len; i++)
    {
      float saved = p->no_match_threshold;

      p->no_match_threshold = MAX (0.0f, just_below (g_array_index (missed, float, i)));
      if (impostor_rate (set, p, scores, HALF_TUNING, TRUE) > base_nomatch_rate)
        {
          p->no_match_threshold = saved;
          break;
        }
    }
}

/* ------------------------------------------------------------ search */

typedef struct {
  const char *name;
  gsize       offset;
  gboolean    is_double;
} CompareField;

/* The comparison's weights and tolerances, tried one at a time a fifth
 * lower and a quarter higher (a coordinate search around the baseline). */
static const CompareField compare_fields[] = {
  { "sim_min", G_STRUCT_OFFSET (RlCompareParams, sim_min), FALSE },
  { "seed_dist_tol", G_STRUCT_OFFSET (RlCompareParams, seed_dist_tol), FALSE },
  { "seed_dist_growth", G_STRUCT_OFFSET (RlCompareParams, seed_dist_growth), FALSE },
  { "angle_tol", G_STRUCT_OFFSET (RlCompareParams, angle_tol), TRUE },
  { "final_dist_tol", G_STRUCT_OFFSET (RlCompareParams, final_dist_tol), FALSE },
  { "final_dist_growth", G_STRUCT_OFFSET (RlCompareParams, final_dist_growth), FALSE },
  { "pair_weight_floor", G_STRUCT_OFFSET (RlCompareParams, pair_weight_floor), FALSE },
  { "min_overlap", G_STRUCT_OFFSET (RlCompareParams, min_overlap), FALSE },
};

#define N_TRIALS (1 + 2 * G_N_ELEMENTS (compare_fields))

static void
trial_compare (const RlCompareParams *base, guint trial, RlCompareParams *out)
{
  const CompareField *f;
  double factor;

  *out = *base;
  if (trial == 0 || trial >= N_TRIALS)
    return;
  f = &compare_fields[(trial - 1) / 2];
  factor = (trial - 1) % 2 ? 1.25 : 0.8;
  if (f->is_double)
    G_STRUCT_MEMBER (double, out, f->offset) *= factor;
  else
    G_STRUCT_MEMBER (float, out, f->offset) *= (float) factor;
}

static gboolean
same_compare (const RlCompareParams *a, const RlCompareParams *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}

typedef struct {
  RlReleaseParams params;
  float  *scores;
  guint   trial;
  guint   wrong;        /* confirmed pairs still decided wrongly */
  double  fnmr;         /* genuine pairs under the match threshold */
  double  fmr_tuning;
} Candidate;

static guint
count_wrong (RlTuningSet *set, const RlReleaseParams *p, const float *scores)
{
  guint wrong = 0;

  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      if (!pair->confirmed)
        continue;
      if (!pair->genuine)
        wrong += scores[i] >= threshold_of (p, pair);
      else if (pair->correction_kind == RL_CORRECTION_MISSED_MATCH)
        wrong += scores[i] < p->no_match_threshold;
    }
  return wrong;
}

static gboolean
better (const Candidate *a, const Candidate *b)
{
  if (a->wrong != b->wrong)
    return a->wrong < b->wrong;
  if (a->fnmr != b->fnmr)
    return a->fnmr < b->fnmr;
  return a->fmr_tuning < b->fmr_tuning;
}

/* Score → FMR measured on the tuning impostors with the winning weights:
 * scores falling through the shares 50 %, 20 %, 10 %, 5 %, … down to one
 * impostor in the set. */
static void
fit_calibration (RlTuningSet *set, const float *scores, RlReleaseParams *p)
{
  g_autoptr(GArray) imp = g_array_new (FALSE, FALSE, sizeof (float));
  static const double steps[] = { 0.5, 0.2, 0.1 };
  guint n;

  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      if (!pair->genuine && !pair->confirmed && !pair->held_out)
        g_array_append_val (imp, scores[i]);
    }
  n = imp->len;
  if (n < MIN_CALIBRATION_IMPOSTORS)
    return;
  g_array_sort (imp, compare_descending);
  p->n_calibration = 0;
  p->calibration[p->n_calibration].score = 0;
  p->calibration[p->n_calibration++].fmr = 1.0;
  for (double decade = 1; p->n_calibration < RL_RELEASE_MAX_CALIBRATION; decade /= 10)
    for (guint s = 0; s < G_N_ELEMENTS (steps) && p->n_calibration < RL_RELEASE_MAX_CALIBRATION; s++)
      {
        double target = steps[s] * decade;
        guint k = (guint) floor (target * n);
        float score;
        guint at_or_above = 0;

        if (k < 1)
          return;
        score = g_array_index (imp, float, k - 1);
        while (at_or_above < n && g_array_index (imp, float, at_or_above) >= score)
          at_or_above++;
        if (score <= p->calibration[p->n_calibration - 1].score)
          continue;
        p->calibration[p->n_calibration].score = score;
        p->calibration[p->n_calibration++].fmr = (double) at_or_above / n;
      }
}

/* ------------------------------------------------------------ report */

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, isfinite (value) ? value : 0);
}

static void
add_score (JsonBuilder *b, const char *name, float value)
{
  /* two decimals, as examiners see scores */
  add_double (b, name, round ((double) value * 100) / 100);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_det (JsonBuilder *b, const char *name, RlTuningSet *set, const float *scores)
{
  g_autoptr(GArray) gen = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) imp = g_array_new (FALSE, FALSE, sizeof (float));
  g_autofree double *fmr = NULL, *fnmr = NULL;
  g_autofree float *thr = NULL;
  guint n = 0, step;

  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      if (pair->genuine)
        g_array_append_val (gen, scores[i]);
      else if (pair->held_out)
        g_array_append_val (imp, scores[i]);
    }
  if (gen->len > 0 && imp->len > 0)
    n = rl_det_curve ((float *) gen->data, gen->len, (float *) imp->data, imp->len, &fmr, &fnmr, &thr);
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  step = MAX (1u, (n + MAX_DET_POINTS - 1) / MAX_DET_POINTS);
  for (guint k = 0; k < n; k++)
    if (k % step == 0 || k == n - 1)
      {
        json_builder_begin_array (b);
        json_builder_add_double_value (b, fmr[k]);
        json_builder_add_double_value (b, fnmr[k]);
        json_builder_end_array (b);
      }
  json_builder_end_array (b);
}

static void
add_operating_point (JsonBuilder *b, RlTuningSet *set, const char *name, double target, gboolean no_match,
                     const RlReleaseParams *before, const float *sb, const RlReleaseParams *after, const float *sa)
{
  json_builder_begin_object (b);
  add_string (b, "name", name);
  add_double (b, "fmr_target", target);
  add_score (b, "threshold_before", no_match ? before->no_match_threshold : before->match_threshold);
  add_score (b, "threshold_after", no_match ? after->no_match_threshold : after->match_threshold);
  add_double (b, "fmr_before", impostor_rate (set, before, sb, HALF_HELD_OUT, no_match));
  add_double (b, "fnmr_before", genuine_miss_rate (set, before, sb, no_match));
  add_double (b, "fmr_after", impostor_rate (set, after, sa, HALF_HELD_OUT, no_match));
  add_double (b, "fnmr_after", genuine_miss_rate (set, after, sa, no_match));
  json_builder_end_object (b);
}

/* One population group of one breakdown, counted as pairs go by. */
typedef struct {
  guint n_genuine, n_impostor;
  guint miss_before, miss_after, false_before, false_after;
} Group;

static const char *
quality_group (int q)
{
  return q < 0 ? "unknown" : q < 40 ? "0-39" : q < 60 ? "40-59" : q < 80 ? "60-79" : "80-100";
}

static void
add_breakdown (JsonBuilder *b, RlTuningSet *set, const RlReleaseParams *before, const float *sb,
               const RlReleaseParams *after, const float *sa)
{
  static const char *const kinds[] = { "quality", "age_group", "sex", "region" };

  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    {
      g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      g_autoptr(GList) keys = NULL;

      for (guint i = 0; i < set->pairs->len; i++)
        {
          const Pair *pair = &g_array_index (set->pairs, Pair, i);
          const Sample *probe = &g_array_index (set->samples, Sample, pair->a);
          const char *key = kind == 0 ? quality_group (pair->poorer_quality) : kind == 1 ? probe->age_group
                          : kind == 2 ? probe->sex : probe->region;
          Group *g;

          /* FMR on the held-out impostors, as in the headline figures */
          if (!pair->genuine && !pair->held_out)
            continue;
          if (!(g = g_hash_table_lookup (groups, key)))
            g_hash_table_insert (groups, (gpointer) key, (g = g_new0 (Group, 1)));
          if (pair->genuine)
            {
              g->n_genuine++;
              g->miss_before += sb[i] < threshold_of (before, pair);
              g->miss_after += sa[i] < threshold_of (after, pair);
            }
          else
            {
              g->n_impostor++;
              g->false_before += sb[i] >= threshold_of (before, pair);
              g->false_after += sa[i] >= threshold_of (after, pair);
            }
        }
      keys = g_list_sort (g_hash_table_get_keys (groups), (GCompareFunc) g_strcmp0);
      for (GList *l = keys; l; l = l->next)
        {
          Group *g = g_hash_table_lookup (groups, l->data);

          json_builder_begin_object (b);
          add_string (b, "by", kinds[kind]);
          add_string (b, "group", l->data);
          add_int (b, "n_genuine", g->n_genuine);
          add_int (b, "n_impostor", g->n_impostor);
          add_double (b, "fnmr_before", g->n_genuine ? (double) g->miss_before / g->n_genuine : 0);
          add_double (b, "fnmr_after", g->n_genuine ? (double) g->miss_after / g->n_genuine : 0);
          add_double (b, "fmr_before", g->n_impostor ? (double) g->false_before / g->n_impostor : 0);
          add_double (b, "fmr_after", g->n_impostor ? (double) g->false_after / g->n_impostor : 0);
          json_builder_end_object (b);
        }
    }
}

typedef struct {
  guint  index;
  float  key;
} Ranked;

static int
compare_ranked (gconstpointer a, gconstpointer b)
{
  const Ranked *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static void
add_pair_ids (JsonBuilder *b, RlTuningSet *set, const Pair *pair)
{
  add_int (b, "probe_sample_id", g_array_index (set->samples, Sample, pair->a).id);
  add_int (b, "candidate_sample_id", g_array_index (set->samples, Sample, pair->b).id);
}

static void
add_near_threshold (JsonBuilder *b, RlTuningSet *set, const RlReleaseParams *after, const float *sa)
{
  for (int genuine = 1; genuine >= 0; genuine--)
    {
      g_autoptr(GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));

      for (guint i = 0; i < set->pairs->len; i++)
        {
          const Pair *pair = &g_array_index (set->pairs, Pair, i);
          Ranked r = { i, fabsf (sa[i] - threshold_of (after, pair)) };
          if (pair->genuine == genuine)
            g_array_append_val (ranked, r);
        }
      g_array_sort (ranked, compare_ranked);
      for (guint k = 0; k < ranked->len && k < MAX_LISTED; k++)
        {
          guint i = g_array_index (ranked, Ranked, k).index;
          const Pair *pair = &g_array_index (set->pairs, Pair, i);

          json_builder_begin_object (b);
          add_string (b, "kind", genuine ? "genuine" : "impostor");
          add_pair_ids (b, set, pair);
          add_score (b, "score", sa[i]);
          add_score (b, "threshold", threshold_of (after, pair));
          json_builder_end_object (b);
        }
    }
}

/* Pairs decided right before and wrongly after, at the match threshold. */
static guint
add_broken (JsonBuilder *b, RlTuningSet *set, const RlReleaseParams *before, const float *sb,
            const RlReleaseParams *after, const float *sa)
{
  g_autoptr(GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));

  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      gboolean right_before = (sb[i] >= threshold_of (before, pair)) == pair->genuine;
      gboolean right_after = (sa[i] >= threshold_of (after, pair)) == pair->genuine;
      /* a missed-match correction counts as recovered at the no-match threshold */
      if (pair->correction_kind == RL_CORRECTION_MISSED_MATCH)
        {
          right_before = sb[i] >= before->no_match_threshold;
          right_after = sa[i] >= after->no_match_threshold;
        }
      if (right_before && !right_after)
        {
          Ranked r = { i, -fabsf (sa[i] - sb[i]) };
          g_array_append_val (ranked, r);
        }
    }
  g_array_sort (ranked, compare_ranked);
  for (guint k = 0; k < ranked->len && k < MAX_BROKEN; k++)
    {
      guint i = g_array_index (ranked, Ranked, k).index;
      const Pair *pair = &g_array_index (set->pairs, Pair, i);

      json_builder_begin_object (b);
      add_pair_ids (b, set, pair);
      add_string (b, "kind", pair->genuine ? "genuine" : "impostor");
      add_score (b, "score_before", sb[i]);
      add_score (b, "score_after", sa[i]);
      if (pair->confirmed)
        add_int (b, "decided_by", pair->decided_by);
      json_builder_end_object (b);
    }
  return ranked->len;
}

static const char *
routing_of (RlStore *store, const RlReleaseParams *p, int probe_quality, GArray *candidates)
{
  RlCandidate *best;
  g_autoptr(RlSample) top = NULL;
  float threshold;

  if (probe_quality >= 0 && probe_quality < p->quality_threshold)
    return "low-quality";
  if (candidates == NULL || candidates->len == 0)
    return "automatic-no-match";
  best = &g_array_index (candidates, RlCandidate, 0);
  top = rl_store_get_sample (store, best->id, NULL);
  threshold = rl_release_params_match_threshold_for (p, probe_quality, top ? top->quality : -1);
  if (best->score >= threshold)
    return "automatic-match";
  if (best->score < p->no_match_threshold)
    return "automatic-no-match";
  return "grey-zone";
}

static gint64
identity_of (RlStore *store, gint64 sample_id)
{
  g_autoptr(RlSample) s = sample_id ? rl_store_get_sample (store, sample_id, NULL) : NULL;
  return s ? s->identity_id : 0;
}

/* Past searches, newest first, run again with both releases' parameters:
 * what would change in their candidate lists and routing. */
static gboolean
add_rerun (JsonBuilder *b, RlStore *store, const RlReleaseParams *before, const RlReleaseParams *after, guint max,
           guint *out_n, guint *out_changed, Progress *pg, GError **error)
{
  g_autoptr(GPtrArray) searches = rl_store_list_searches (store, 0, error);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n = 0, changed = 0;

  if (searches == NULL)
    return FALSE;
  json_builder_set_member_name (b, "rerun");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "changed");
  json_builder_begin_array (b);
  for (guint i = 0; i < searches->len && n < max; i++)
    {
      RlSearch *s = searches->pdata[i];
      g_autoptr(GArray) cb = NULL;
      g_autoptr(GArray) ca = NULL;
      const char *rb, *ra;
      gint64 tb, ta;

      /* a probe searched twice is re-run once */
      if (g_hash_table_contains (seen, &s->probe_sample_id))
        continue;
      g_hash_table_add (seen, &s->probe_sample_id);
      {
        g_autofree char *what = g_strdup_printf (_("Re-running past searches with both releases (%u of at most %u)"),
                                                 n + 1, max);
        if (!progress_report (pg, (double) n / MAX (1u, max), what, error))
          return FALSE;
      }
      if (!(cb = rl_search_preview (store, before, s->probe_sample_id, error)) ||
          !(ca = rl_search_preview (store, after, s->probe_sample_id, error)))
        {
          g_prefix_error (error, _("Re-running search %" G_GINT64_FORMAT ": "), s->id);
          return FALSE;
        }
      n++;
      rb = routing_of (store, before, s->probe_quality, cb);
      ra = routing_of (store, after, s->probe_quality, ca);
      tb = cb->len ? g_array_index (cb, RlCandidate, 0).id : 0;
      ta = ca->len ? g_array_index (ca, RlCandidate, 0).id : 0;
      if (tb == ta && g_str_equal (rb, ra))
        continue;
      changed++;
      json_builder_begin_object (b);
      add_int (b, "search_id", s->id);
      add_int (b, "probe_sample_id", s->probe_sample_id);
      add_int (b, "top_before", tb);
      add_int (b, "top_after", ta);
      add_score (b, "score_before", cb->len ? g_array_index (cb, RlCandidate, 0).score : 0);
      add_score (b, "score_after", ca->len ? g_array_index (ca, RlCandidate, 0).score : 0);
      add_string (b, "routing_before", rb);
      add_string (b, "routing_after", ra);
      /* the same person's other print on top is a smaller change than another person */
      add_int (b, "identity_before", identity_of (store, tb));
      add_int (b, "identity_after", identity_of (store, ta));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_int (b, "n_searches", n);
  json_builder_end_object (b);
  *out_n = n;
  *out_changed = changed;
  return TRUE;
}

static char *
build_report (RlStore *store, RlTuningSet *set, gint64 baseline_id, const RlReleaseParams *before, const float *sb,
              const RlReleaseParams *after, const float *sa, guint n_trials, guint rerun, RlTuningSummary *sum,
              Progress *pg, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  memset (sum, 0, sizeof *sum);
  sum->baseline_release_id = baseline_id;
  sum->n_genuine = set->n_genuine;
  sum->n_impostor = set->n_impostor;
  sum->n_held_out = set->n_held_out;
  sum->n_trials = n_trials;
  sum->threshold_before = before->match_threshold;
  sum->threshold_after = after->match_threshold;
  sum->fmr_before = impostor_rate (set, before, sb, HALF_HELD_OUT, FALSE);
  sum->fmr_after = impostor_rate (set, after, sa, HALF_HELD_OUT, FALSE);
  sum->fnmr_before = genuine_miss_rate (set, before, sb, FALSE);
  sum->fnmr_after = genuine_miss_rate (set, after, sa, FALSE);

  json_builder_begin_object (b);
  add_int (b, "baseline_release", baseline_id);
  add_int (b, "n_genuine", set->n_genuine);
  add_int (b, "n_impostor", set->n_impostor);
  add_int (b, "held_out_impostors", set->n_held_out);
  add_int (b, "tuning_impostors", set->n_tuning_impostors);
  add_int (b, "n_samples", set->n_samples);
  add_int (b, "decided_genuine", set->n_decided_genuine);
  add_int (b, "decided_impostor", set->n_decided_impostor);
  add_int (b, "skipped_decisions", set->n_skipped);
  if (n_trials)
    add_int (b, "settings_tried", n_trials);

  json_builder_set_member_name (b, "operating_points");
  json_builder_begin_array (b);
  add_operating_point (b, set, "match", 1e-5, FALSE, before, sb, after, sa);
  add_operating_point (b, set, "no_match", 1e-3, TRUE, before, sb, after, sa);
  json_builder_end_array (b);

  /* the match threshold each quality group gets, before and after */
  json_builder_set_member_name (b, "quality_thresholds");
  json_builder_begin_array (b);
  {
    static const int at[] = { -1, 0, 40, 60, 80 };
    for (guint i = 0; i < G_N_ELEMENTS (at); i++)
      {
        json_builder_begin_object (b);
        add_string (b, "quality", quality_group (at[i]));
        add_score (b, "before", rl_release_params_match_threshold_for (before, at[i], at[i]));
        add_score (b, "after", rl_release_params_match_threshold_for (after, at[i], at[i]));
        json_builder_end_object (b);
      }
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "det");
  json_builder_begin_object (b);
  add_det (b, "before", set, sb);
  add_det (b, "after", set, sa);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "corrections");
  json_builder_begin_array (b);
  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      gboolean fixed;

      if (pair->correction_id == 0)
        continue;
      fixed = correction_fixed (pair, after, sa[i]);
      if (pair->correction_kind == RL_CORRECTION_FALSE_MATCH)
        sum->n_false_matches++, sum->n_false_matches_fixed += fixed;
      else
        sum->n_missed_matches++, sum->n_missed_matches_fixed += fixed;
      json_builder_begin_object (b);
      add_int (b, "id", pair->correction_id);
      add_string (b, "kind", pair->correction_kind == RL_CORRECTION_FALSE_MATCH ? "false_match" : "missed_match");
      add_pair_ids (b, set, pair);
      add_int (b, "reported_by", pair->decided_by);
      add_score (b, "score_before", sb[i]);
      add_score (b, "score_after", sa[i]);
      add_score (b, "threshold_after", pair->correction_kind == RL_CORRECTION_FALSE_MATCH ? threshold_of (after, pair)
                                                                                        : after->no_match_threshold);
      json_builder_set_member_name (b, "fixed_before");
      json_builder_add_boolean_value (b, correction_fixed (pair, before, sb[i]));
      json_builder_set_member_name (b, "fixed");
      json_builder_add_boolean_value (b, fixed);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "broken");
  json_builder_begin_array (b);
  sum->n_broken = add_broken (b, set, before, sb, after, sa);
  json_builder_end_array (b);
  add_int (b, "n_broken", sum->n_broken);

  json_builder_set_member_name (b, "breakdown");
  json_builder_begin_array (b);
  add_breakdown (b, set, before, sb, after, sa);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "near_threshold");
  json_builder_begin_array (b);
  add_near_threshold (b, set, after, sa);
  json_builder_end_array (b);

  if (!add_rerun (b, store, before, after, rerun, &sum->n_searches_rerun, &sum->n_searches_changed, pg, error))
    return NULL;
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* ------------------------------------------------------------ entry points */

static void
options_with_defaults (const RlTuningOptions *in, RlTuningOptions *out)
{
  static const RlTuningOptions none = { 0 };

  *out = in ? *in : none;
  if (out->max_samples == 0)
    out->max_samples = DEFAULT_MAX_SAMPLES;
  if (out->max_impostors == 0)
    out->max_impostors = DEFAULT_MAX_IMPOSTORS;
  if (out->max_trials == 0 || out->max_trials > N_TRIALS)
    out->max_trials = N_TRIALS;
  if (out->rerun_searches == 0)
    out->rerun_searches = DEFAULT_RERUN;
}

static gboolean
check_set (RlTuningSet *set, GError **error)
{
  if (set->n_genuine == 0 || set->n_held_out == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("The workspace holds too few labelled prints to tune or evaluate a release "
                     "(%u genuine and %u held-out impostor pairs; both must be at least 1)"),
                   set->n_genuine, set->n_held_out);
      return FALSE;
    }
  return TRUE;
}

static gboolean
release_params (RlMatcherRelease *r, RlReleaseParams *p, GError **error)
{
  if (!rl_release_params_parse (r->parameters, p, error))
    {
      g_prefix_error (error, _("Release “%s”: "), r->name);
      return FALSE;
    }
  return TRUE;
}

/* What the tuning did, in the audit log beside the draft's own entries. */
static gboolean
audit_tuning (RlStore *store, gint64 draft_id, gint64 base_id, guint n_corrections, guint n_trials,
              const RlTuningSummary *sum, GError **error)
{
  g_autofree char *details = g_strdup_printf ("{\"baseline_release\": %" G_GINT64_FORMAT ", \"corrections\": %u, "
                                              "\"settings_tried\": %u, \"fmr_before\": %g, \"fmr_after\": %g, "
                                              "\"fnmr_before\": %g, \"fnmr_after\": %g}",
                                              base_id, n_corrections, n_trials, sum->fmr_before, sum->fmr_after,
                                              sum->fnmr_before, sum->fnmr_after);
  return rl_store_audit (store, "release.tune", "matcher_release", draft_id, NULL, details, error);
}

gint64
rl_tuning_run (RlStore *store, const RlTuningOptions *options, RlTuningSummary *out_summary, GError **error)
{
  RlTuningOptions opt;
  RlReleaseParams base;
  gint64 base_id = 0, draft_id = 0;
  g_autoptr(RlTuningSet) set = NULL;
  g_autofree float *base_scores = NULL;
  g_autofree char *json = NULL;
  g_autofree char *report = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GArray) used = g_array_new (FALSE, FALSE, sizeof (gint64));
  Candidate best = { 0 };
  double base_fmr_tuning, base_nomatch_tuning, base_fmr_held;
  RlTuningSummary sum;
  Progress pg = { 0 };

  g_return_val_if_fail (store != NULL, 0);

  options_with_defaults (options, &opt);
  pg = (Progress) { opt.progress, opt.progress_data, opt.cancellable, 0.0, 0.15, 0.0 };
  if (!rl_store_require_role (store, error, _("tune the matcher"), RL_ROLE_SUPERVISOR, 0))
    return 0;
  if (!rl_store_get_active_release_params (store, &base, &base_id, error))
    return 0;
  if (!(set = set_build (store, opt.max_samples, opt.max_impostors, &pg, error)) || !check_set (set, error))
    return 0;

  /* Scoring every pair once per setting is most of the work. */
  progress_stage (&pg, 0.15, 0.15 + 0.6 / opt.max_trials);
  {
    g_autofree char *what = g_strdup_printf (_("Scoring the labelled pairs with setting %u of %u"), 1, opt.max_trials);
    if (!(base_scores = set_score (set, &base.compare, &pg, what, error)))
      return 0;
  }
  base_fmr_tuning = impostor_rate (set, &base, base_scores, HALF_TUNING, FALSE);
  base_nomatch_tuning = impostor_rate (set, &base, base_scores, HALF_TUNING, TRUE);
  base_fmr_held = impostor_rate (set, &base, base_scores, HALF_HELD_OUT, FALSE);

  for (guint t = 0; t < opt.max_trials; t++)
    {
      Candidate c = { .params = base, .trial = t };

      trial_compare (&base.compare, t, &c.params.compare);
      progress_stage (&pg, 0.15 + 0.6 * t / opt.max_trials, 0.15 + 0.6 * (t + 1) / opt.max_trials);
      if (t == 0)
        c.scores = g_memdup2 (base_scores, sizeof (float) * MAX (set->pairs->len, 1));
      else
        {
          g_autofree char *what = g_strdup_printf (_("Scoring the labelled pairs with setting %u of %u"), t + 1,
                                                   opt.max_trials);
          if (!(c.scores = set_score (set, &c.params.compare, &pg, what, error)))
            goto out;
        }
      fit_thresholds (set, &base, base_nomatch_tuning, c.scores, &c.params);
      c.wrong = count_wrong (set, &c.params, c.scores);
      c.fnmr = genuine_miss_rate (set, &c.params, c.scores, FALSE);
      c.fmr_tuning = impostor_rate (set, &c.params, c.scores, HALF_TUNING, FALSE);
      /* Never more false matches than the baseline: on the tuning half, at
       * either threshold, and at the match threshold on the held-out half. */
      if (c.fmr_tuning > base_fmr_tuning ||
          impostor_rate (set, &c.params, c.scores, HALF_TUNING, TRUE) > base_nomatch_tuning ||
          impostor_rate (set, &c.params, c.scores, HALF_HELD_OUT, FALSE) > base_fmr_held ||
          (best.scores != NULL && !better (&c, &best)))
        {
          g_free (c.scores);
          continue;
        }
      g_free (best.scores);
      best = c;
    }
  /* trial 0 only ever raises match thresholds: it always qualifies */
  g_assert (best.scores != NULL);
  if (!same_compare (&best.params.compare, &base.compare))
    fit_calibration (set, best.scores, &best.params);

  if (opt.name != NULL)
    name = g_strdup (opt.name);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (rl_store_now (store));
      name = g_date_time_format (now, "tuned-%Y%m%d-%H%M%S");
    }
  json = rl_release_params_to_json (&best.params);
  for (guint i = 0; i < set->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (set->pairs, Pair, i);
      if (pair->correction_id != 0)
        g_array_append_val (used, pair->correction_id);
    }

  progress_stage (&pg, 0.75, 0.97);
  if (!progress_report (&pg, 0.0, _("Writing the evaluation report"), error) ||
      !(report = build_report (store, set, base_id, &base, base_scores, &best.params, best.scores, opt.max_trials,
                               opt.rerun_searches, &sum, &pg, error)))
    goto out;
  /* The last chance to cancel: from here the draft is written in one
   * transaction, all or nothing. */
  progress_stage (&pg, 0.97, 1.0);
  if (!progress_report (&pg, 0.0, _("Storing the draft release"), error))
    goto out;
  if (!rl_store_begin (store, error))
    goto out;
  if (!(draft_id = rl_store_add_release (store, name, json, base_id, error)) ||
      !rl_store_link_release_corrections (store, draft_id, (gint64 *) used->data, used->len, error) ||
      !rl_store_set_release_evaluated (store, draft_id, report, NULL, error) ||
      !audit_tuning (store, draft_id, base_id, used->len, opt.max_trials, &sum, error) ||
      !rl_store_commit (store, error))
    {
      rl_store_rollback (store);
      draft_id = 0;
      goto out;
    }
  sum.release_id = draft_id;
  if (out_summary)
    *out_summary = sum;
  pg.cancellable = NULL;   /* stored: too late to cancel */
  progress_report (&pg, 1.0, _("Done"), NULL);
out:
  g_free (best.scores);
  return draft_id;
}

gboolean
rl_tuning_evaluate (RlStore *store, gint64 release_id, const RlTuningOptions *options, RlTuningSummary *out_summary,
                    GError **error)
{
  RlTuningOptions opt;
  RlReleaseParams before, after;
  g_autoptr(RlMatcherRelease) r = NULL;
  g_autoptr(RlMatcherRelease) base = NULL;
  g_autoptr(RlTuningSet) set = NULL;
  g_autofree float *sb = NULL;
  g_autofree float *sa = NULL;
  g_autofree char *report = NULL;
  RlTuningSummary sum;
  Progress pg = { 0 };

  g_return_val_if_fail (store != NULL, FALSE);

  options_with_defaults (options, &opt);
  pg = (Progress) { opt.progress, opt.progress_data, opt.cancellable, 0.0, 0.2, 0.0 };
  if (!(r = rl_store_get_release (store, release_id, error)) || !release_params (r, &after, error))
    return FALSE;
  if (r->based_on != 0)
    base = rl_store_get_release (store, r->based_on, error);
  else
    {
      g_autoptr(GError) local = NULL;
      if (!(base = rl_store_get_active_release (store, &local)) && !g_error_matches (local, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  if (r->based_on != 0 && base == NULL)
    return FALSE;
  if (base != NULL && !release_params (base, &before, error))
    return FALSE;
  if (base == NULL)
    rl_release_params_init_default (&before);
  if (!(set = set_build (store, opt.max_samples, opt.max_impostors, &pg, error)) || !check_set (set, error))
    return FALSE;
  progress_stage (&pg, 0.2, 0.45);
  if (!(sb = set_score (set, &before.compare, &pg, _("Scoring the labelled pairs with the baseline release"), error)))
    return FALSE;
  progress_stage (&pg, 0.45, 0.7);
  if (same_compare (&before.compare, &after.compare))
    sa = g_memdup2 (sb, sizeof (float) * MAX (set->pairs->len, 1));
  else if (!(sa = set_score (set, &after.compare, &pg, _("Scoring the labelled pairs with this release"), error)))
    return FALSE;
  progress_stage (&pg, 0.7, 0.97);
  if (!progress_report (&pg, 0.0, _("Writing the evaluation report"), error) ||
      !(report = build_report (store, set, base ? base->id : 0, &before, sb, &after, sa, 0, opt.rerun_searches, &sum,
                               &pg, error)))
    return FALSE;
  progress_stage (&pg, 0.97, 1.0);
  if (!progress_report (&pg, 0.0, _("Storing the report"), error))
    return FALSE;
  if (!rl_store_set_release_evaluated (store, release_id, report, NULL, error))
    return FALSE;
  sum.release_id = release_id;
  if (out_summary)
    *out_summary = sum;
  pg.cancellable = NULL;
  progress_report (&pg, 1.0, _("Done"), NULL);
  return TRUE;
}
