/* rl-eval.c — FVC-protocol evaluation: the comparisons, the error rates and
 * the score lists. The DET plot itself is drawn in rl-det-plot.c. */
#define G_LOG_DOMAIN "rl-eval"

#include "rl-eval.h"
#include "rl-compare.h"
#include "rl-det-plot.h"
#include "rl-template-io.h"
#include "rl-image-io.h"
#include "rl-extract.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

/* ---- Error rates --------------------------------------------------------- */

static int
float_cmp (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Sorted copies of both lists, and for any threshold t:
 * FMR(t) = share of impostors with score ≥ t, FNMR(t) = share of genuine < t. */
typedef struct {
  float *gen, *imp;
  guint  ng, ni;
} Sorted;

static void
sorted_init (Sorted *s, const float *genuine, guint ng, const float *impostor, guint ni)
{
  s->gen = g_memdup2 (genuine, MAX (ng, 1) * sizeof (float));
  s->imp = g_memdup2 (impostor, MAX (ni, 1) * sizeof (float));
  s->ng = ng;
  s->ni = ni;
  qsort (s->gen, ng, sizeof (float), float_cmp);
  qsort (s->imp, ni, sizeof (float), float_cmp);
}

static void
sorted_clear (Sorted *s)
{
  g_free (s->gen);
  g_free (s->imp);
}

/* Number of values < t in a sorted list. */
static guint
count_below (const float *v, guint n, float t)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (v[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static double
fmr_at (const Sorted *s, float t)
{
  return s->ni ? (double) (s->ni - count_below (s->imp, s->ni, t)) / s->ni : 0.0;
}

static double
fnmr_at (const Sorted *s, float t)
{
  return s->ng ? (double) count_below (s->gen, s->ng, t) / s->ng : 0.0;
}

/* Every distinct score, plus one above them all (nothing accepted). */
static float *
thresholds (const Sorted *s, guint *n_out)
{
  float *t = g_new (float, s->ng + s->ni + 1);
  guint n = 0, k = 0;

  memcpy (t, s->gen, s->ng * sizeof (float));
  memcpy (t + s->ng, s->imp, s->ni * sizeof (float));
  qsort (t, s->ng + s->ni, sizeof (float), float_cmp);
  for (k = 0; k < s->ng + s->ni; k++)
    if (n == 0 || t[k] != t[n - 1])
      t[n++] = t[k];
  t[n] = n ? nextafterf (t[n - 1], INFINITY) : 0.0f;
  *n_out = n + 1;
  return t;
}

void
rl_error_rates_compute (const float *genuine, guint n_genuine,
                        const float *impostor, guint n_impostor,
                        RlErrorRates *out)
{
  Sorted s;
  g_autofree float *t = NULL;
  guint nt, i1 = 0, i2 = 0;
  gboolean have1 = FALSE, have2 = FALSE;

  g_return_if_fail (out != NULL);
  memset (out, 0, sizeof *out);
  out->n_genuine = n_genuine;
  out->n_impostor = n_impostor;
  if (n_genuine == 0 || n_impostor == 0)
    return;

  sorted_init (&s, genuine, n_genuine, impostor, n_impostor);
  t = thresholds (&s, &nt);

  /* FVC2000's EER: t1 = the highest threshold with FNMR ≤ FMR, t2 = the
   * lowest with FNMR ≥ FMR; the EER interval comes from the closer one. */
  for (guint k = 0; k < nt; k++)
    {
      double fm = fmr_at (&s, t[k]), fn = fnmr_at (&s, t[k]);

      if (fn <= fm)
        i1 = k, have1 = TRUE;
      if (fn >= fm && !have2)
        i2 = k, have2 = TRUE;
    }
  if (have1 && have2)
    {
      double fn1 = fnmr_at (&s, t[i1]), fm1 = fmr_at (&s, t[i1]);
      double fn2 = fnmr_at (&s, t[i2]), fm2 = fmr_at (&s, t[i2]);

      if (fn1 + fm1 <= fm2 + fn2)
        out->eer_low = fn1, out->eer_high = fm1, out->eer_threshold = t[i1];
      else
        out->eer_low = fm2, out->eer_high = fn2, out->eer_threshold = t[i2];
      out->eer = 0.5 * (out->eer_low + out->eer_high);
    }

  out->fnmr_at_fmr_1 = out->fnmr_at_fmr_01 = 1.0;
  for (guint k = 0; k < nt; k++)
    {
      double fm = fmr_at (&s, t[k]), fn = fnmr_at (&s, t[k]);

      if (fm <= 0.01 && fn < out->fnmr_at_fmr_1)
        out->fnmr_at_fmr_1 = fn;
      if (fm <= 0.001 && fn < out->fnmr_at_fmr_01)
        out->fnmr_at_fmr_01 = fn;
    }
  /* ZeroFMR: the lowest threshold above every impostor score. */
  out->zero_fmr = fnmr_at (&s, nextafterf (s.imp[s.ni - 1], INFINITY));
  sorted_clear (&s);
}

guint
rl_det_curve (const float *genuine, guint n_genuine,
              const float *impostor, guint n_impostor,
              double **fmr, double **fnmr, float **threshold)
{
  Sorted s;
  float *t;
  guint nt;

  g_return_val_if_fail (fmr && fnmr && threshold, 0);
  sorted_init (&s, genuine, n_genuine, impostor, n_impostor);
  t = thresholds (&s, &nt);
  *fmr = g_new (double, nt);
  *fnmr = g_new (double, nt);
  for (guint k = 0; k < nt; k++)
    {
      (*fmr)[k] = fmr_at (&s, t[k]);
      (*fnmr)[k] = fnmr_at (&s, t[k]);
    }
  *threshold = t;
  sorted_clear (&s);
  return nt;
}

/* ---- The evaluation ------------------------------------------------------ */

struct _RlEvaluation {
  GPtrArray *templates;        /* RlTemplate*, owned */
  GArray    *finger;           /* guint */
  GArray    *impression;       /* guint */
  guint      n_fingers;
  double     extraction_ms;
  double     extraction_cpu_ms;
  GArray    *genuine;          /* float */
  GArray    *impostor;
  GArray    *genuine_pairs;    /* guint pairs (i, j) */
  GArray    *impostor_pairs;
  double     comparisons_per_second;
  char       label[64];
};

static int
label_cmp (gconstpointer a, gconstpointer b, gpointer data)
{
  RlEvaluation *ev = data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  guint fi = g_array_index (ev->finger, guint, i), fj = g_array_index (ev->finger, guint, j);
  guint ii = g_array_index (ev->impression, guint, i), ij = g_array_index (ev->impression, guint, j);

  if (fi != fj)
    return fi < fj ? -1 : 1;
  return ii < ij ? -1 : ii > ij ? 1 : 0;
}

/* Orders the templates by finger, then impression, and counts fingers. */
static void
evaluation_sort (RlEvaluation *ev)
{
  guint n = ev->templates->len;
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  GPtrArray *t = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  GArray *f = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *im = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, n, sizeof (guint), label_cmp, ev);
  for (guint k = 0; k < n; k++)
    {
      g_ptr_array_add (t, g_ptr_array_index (ev->templates, order[k]));
      g_ptr_array_index (ev->templates, order[k]) = NULL;
      g_array_append_val (f, g_array_index (ev->finger, guint, order[k]));
      g_array_append_val (im, g_array_index (ev->impression, guint, order[k]));
    }
  g_ptr_array_unref (ev->templates);
  g_array_unref (ev->finger);
  g_array_unref (ev->impression);
  ev->templates = t;
  ev->finger = f;
  ev->impression = im;
  ev->n_fingers = 0;
  for (guint k = 0; k < n; k++)
    if (k == 0 || g_array_index (f, guint, k) != g_array_index (f, guint, k - 1))
      ev->n_fingers++;
}

static RlEvaluation *
evaluation_alloc (void)
{
  RlEvaluation *ev = g_new0 (RlEvaluation, 1);

  ev->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  ev->finger = g_array_new (FALSE, FALSE, sizeof (guint));
  ev->impression = g_array_new (FALSE, FALSE, sizeof (guint));
  ev->genuine = g_array_new (FALSE, FALSE, sizeof (float));
  ev->impostor = g_array_new (FALSE, FALSE, sizeof (float));
  ev->genuine_pairs = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  ev->impostor_pairs = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  return ev;
}

/* An image file → its template. Extraction time is what the caller measures:
 * loading, resampling to 500 ppi and extraction. */
static RlTemplate *
rl_evaluation_extract (const char *path, int ppi, GError **error)
{
  g_autoptr (RlImage) image = NULL;
  g_autoptr (GError) local = NULL;
  RlTemplate *tpl;

  image = rl_image_load (path, ppi, &local);
  if (image != NULL)
    tpl = rl_extract_template (image, &local);
  else
    tpl = NULL;
  if (tpl == NULL)
    {
      /* name the file: the loaders' messages may not */
      if (strstr (local->message, path) != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, local->domain, local->code, "%s: %s", path, local->message);
    }
  return tpl;
}

RlEvaluation *
rl_evaluation_new (RlTemplate **templates, const guint *finger, const guint *impression, guint n)
{
  RlEvaluation *ev;

  g_return_val_if_fail (n == 0 || (templates && finger && impression), NULL);
  ev = evaluation_alloc ();
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (ev->templates, rl_template_copy (templates[i]));
      g_array_append_val (ev->finger, finger[i]);
      g_array_append_val (ev->impression, impression[i]);
    }
  evaluation_sort (ev);
  return ev;
}

/* CPU time of the whole process (every thread) in µs. */
static gint64
process_cpu_us (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (gint64) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* "101_3.tif" → finger 101, impression 3. */
static gboolean
parse_name (const char *name, guint *finger, guint *impression)
{
  char *end;
  guint64 f, i;

  if (!g_ascii_isdigit (name[0]))
    return FALSE;
  f = g_ascii_strtoull (name, &end, 10);
  if (*end != '_' || !g_ascii_isdigit (end[1]))
    return FALSE;
  i = g_ascii_strtoull (end + 1, &end, 10);
  if (*end != '.' || f > G_MAXUINT || i > G_MAXUINT)
    return FALSE;
  *finger = (guint) f;
  *impression = (guint) i;
  return TRUE;
}

static int
name_cmp (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

RlEvaluation *
rl_evaluation_new_from_folder (const char *folder, int ppi, gboolean templates, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (RlEvaluation) ev = NULL;
  const char *name;
  double extraction_us = 0, extraction_cpu_us = 0;
  guint n_images = 0;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_dir_open (folder, 0, error);
  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      guint f, i;

      if (parse_name (name, &f, &i))
        g_ptr_array_add (names, g_strdup (name));
    }
  if (names->len == 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO,
                   "“%s” holds no files named FINGER_IMPRESSION.ext (such as 101_1.tif)", folder);
      return NULL;
    }
  qsort (names->pdata, names->len, sizeof (char *), name_cmp);

  ev = evaluation_alloc ();
  for (guint k = 0; k < names->len; k++)
    {
      g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, k), NULL);
      RlTemplate *tpl = NULL;
      guint f = 0, i = 0;

      parse_name (g_ptr_array_index (names, k), &f, &i);
      if (templates)
        tpl = rl_template_load (path, error);
      else
        {
          gint64 start = g_get_monotonic_time (), cpu_start = process_cpu_us ();

          tpl = rl_evaluation_extract (path, ppi, error);
          extraction_us += g_get_monotonic_time () - start;
          extraction_cpu_us += process_cpu_us () - cpu_start;
          n_images++;
        }
      if (tpl == NULL)
        return NULL;
      g_ptr_array_add (ev->templates, tpl);
      g_array_append_val (ev->finger, f);
      g_array_append_val (ev->impression, i);
    }
  ev->extraction_ms = n_images ? extraction_us / 1000.0 / n_images : 0.0;
  ev->extraction_cpu_ms = n_images ? extraction_cpu_us / 1000.0 / n_images : 0.0;
  evaluation_sort (ev);
  return g_steal_pointer (&ev);
}

void
rl_evaluation_free (RlEvaluation *ev)
{
  if (ev == NULL)
    return;
  g_ptr_array_unref (ev->templates);
  g_array_unref (ev->finger);
  g_array_unref (ev->impression);
  g_array_unref (ev->genuine);
  g_array_unref (ev->impostor);
  g_array_unref (ev->genuine_pairs);
  g_array_unref (ev->impostor_pairs);
  g_free (ev);
}

guint
rl_evaluation_get_n_templates (RlEvaluation *ev)
{
  g_return_val_if_fail (ev != NULL, 0);
  return ev->templates->len;
}

guint
rl_evaluation_get_n_fingers (RlEvaluation *ev)
{
  g_return_val_if_fail (ev != NULL, 0);
  return ev->n_fingers;
}

double
rl_evaluation_get_extraction_ms (RlEvaluation *ev)
{
  g_return_val_if_fail (ev != NULL, 0);
  return ev->extraction_ms;
}

const RlTemplate *
rl_evaluation_get_template (RlEvaluation *ev, guint index)
{
  g_return_val_if_fail (ev != NULL && index < ev->templates->len, NULL);
  return g_ptr_array_index (ev->templates, index);
}

guint
rl_evaluation_get_finger (RlEvaluation *ev, guint index)
{
  g_return_val_if_fail (ev != NULL && index < ev->templates->len, 0);
  return g_array_index (ev->finger, guint, index);
}

guint
rl_evaluation_get_impression (RlEvaluation *ev, guint index)
{
  g_return_val_if_fail (ev != NULL && index < ev->templates->len, 0);
  return g_array_index (ev->impression, guint, index);
}

double
rl_evaluation_get_extraction_cpu_ms (RlEvaluation *ev)
{
  g_return_val_if_fail (ev != NULL, 0);
  return ev->extraction_cpu_ms;
}

double
rl_evaluation_get_comparisons_per_second (RlEvaluation *ev)
{
  g_return_val_if_fail (ev != NULL, 0);
  return ev->comparisons_per_second;
}

/* This thread's CPU time in µs: the machine may be shared, and a rate
 * measured on the wall clock would say more about the other jobs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
add_pair (GArray *pairs, guint i, guint j)
{
  guint p[2] = { i, j };

  g_array_append_vals (pairs, p, 1);
}

void
rl_evaluation_run (RlEvaluation *ev, RlEvalImpostors impostors, RlErrorRates *rates)
{
  guint n;
  g_autofree RlPreparedTemplate **prepared = NULL;
  gint64 start;
  double seconds;

  g_return_if_fail (ev != NULL);

  n = ev->templates->len;
  g_array_set_size (ev->genuine, 0);
  g_array_set_size (ev->impostor, 0);
  g_array_set_size (ev->genuine_pairs, 0);
  g_array_set_size (ev->impostor_pairs, 0);

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        guint fi = g_array_index (ev->finger, guint, i), fj = g_array_index (ev->finger, guint, j);

        if (fi == fj)
          add_pair (ev->genuine_pairs, i, j);
        else if (impostors == RL_EVAL_IMPOSTORS_ALL)
          add_pair (ev->impostor_pairs, i, j);
        else if ((i == 0 || g_array_index (ev->finger, guint, i - 1) != fi)
                 && g_array_index (ev->finger, guint, j - 1) != fj)
          /* both are their finger's first (lowest-numbered) impression */
          add_pair (ev->impostor_pairs, i, j);
      }

  /* Descriptors are computed once per template (as a gallery holds them);
   * comparisons per second count the comparisons of templates in memory. */
  prepared = g_new0 (RlPreparedTemplate *, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    prepared[i] = rl_prepared_template_new (g_ptr_array_index (ev->templates, i));
  start = thread_cpu_us ();
  for (guint k = 0; k < ev->genuine_pairs->len; k++)
    {
      const guint *p = &g_array_index (ev->genuine_pairs, guint, 2 * k);
      float s = rl_compare_prepared (prepared[p[0]], prepared[p[1]], NULL);

      g_array_append_val (ev->genuine, s);
    }
  for (guint k = 0; k < ev->impostor_pairs->len; k++)
    {
      const guint *p = &g_array_index (ev->impostor_pairs, guint, 2 * k);
      float s = rl_compare_prepared (prepared[p[0]], prepared[p[1]], NULL);

      g_array_append_val (ev->impostor, s);
    }
  seconds = (thread_cpu_us () - start) / 1e6;
  ev->comparisons_per_second = (ev->genuine->len + ev->impostor->len) / MAX (seconds, 1e-9);
  for (guint i = 0; i < n; i++)
    rl_prepared_template_free (prepared[i]);

  if (rates)
    rl_error_rates_compute ((float *) ev->genuine->data, ev->genuine->len,
                            (float *) ev->impostor->data, ev->impostor->len, rates);
}

const float *
rl_evaluation_get_genuine (RlEvaluation *ev, guint *n)
{
  g_return_val_if_fail (ev != NULL, NULL);
  if (n)
    *n = ev->genuine->len;
  return (const float *) ev->genuine->data;
}

const float *
rl_evaluation_get_impostor (RlEvaluation *ev, guint *n)
{
  g_return_val_if_fail (ev != NULL, NULL);
  if (n)
    *n = ev->impostor->len;
  return (const float *) ev->impostor->data;
}

static const char *
pair_label (RlEvaluation *ev, GArray *pairs, guint k)
{
  const guint *p;

  g_return_val_if_fail (k < pairs->len, NULL);
  p = &g_array_index (pairs, guint, 2 * k);
  g_snprintf (ev->label, sizeof ev->label, "%u_%u %u_%u",
              g_array_index (ev->finger, guint, p[0]), g_array_index (ev->impression, guint, p[0]),
              g_array_index (ev->finger, guint, p[1]), g_array_index (ev->impression, guint, p[1]));
  return ev->label;
}

const char *
rl_evaluation_get_genuine_label (RlEvaluation *ev, guint k)
{
  g_return_val_if_fail (ev != NULL, NULL);
  return pair_label (ev, ev->genuine_pairs, k);
}

const char *
rl_evaluation_get_impostor_label (RlEvaluation *ev, guint k)
{
  g_return_val_if_fail (ev != NULL, NULL);
  return pair_label (ev, ev->impostor_pairs, k);
}

/* ---- Accuracy by quality bucket ----------------------------------------- */

static const int default_buckets[] = { 0, 40, 60, 80 };
/* Stable names (CSV, JSON): the command line translates them for display. */
static const char *const default_bucket_names[] = { "poor", "fair", "good", "excellent" };

const int *
rl_eval_default_quality_buckets (guint *n)
{
  if (n)
    *n = G_N_ELEMENTS (default_buckets);
  return default_buckets;
}

static guint
pair_quality (RlEvaluation *ev, GArray *pairs, guint k)
{
  const guint *p;
  const RlTemplate *a, *b;

  g_return_val_if_fail (k < pairs->len, 0);
  p = &g_array_index (pairs, guint, 2 * k);
  a = g_ptr_array_index (ev->templates, p[0]);
  b = g_ptr_array_index (ev->templates, p[1]);
  return MIN (a->quality, b->quality);
}

guint
rl_evaluation_get_genuine_quality (RlEvaluation *ev, guint k)
{
  g_return_val_if_fail (ev != NULL, 0);
  return pair_quality (ev, ev->genuine_pairs, k);
}

guint
rl_evaluation_get_impostor_quality (RlEvaluation *ev, guint k)
{
  g_return_val_if_fail (ev != NULL, 0);
  return pair_quality (ev, ev->impostor_pairs, k);
}

/* The scores of the pairs whose lower quality is in [lo, hi). */
static GArray *
scores_in_bucket (RlEvaluation *ev, gboolean genuine, int lo, int hi, double *mean)
{
  GArray *scores = genuine ? ev->genuine : ev->impostor;
  GArray *pairs = genuine ? ev->genuine_pairs : ev->impostor_pairs;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (float));
  double sum = 0;

  for (guint k = 0; k < scores->len; k++)
    {
      int q = (int) pair_quality (ev, pairs, k);

      if (q >= lo && q < hi)
        {
          g_array_append_val (out, g_array_index (scores, float, k));
          sum += g_array_index (scores, float, k);
        }
    }
  *mean = out->len ? sum / out->len : NAN;
  return out;
}

/* The lowest threshold at which the impostor scores give FMR ≤ `fmr`. */
static float
threshold_at_fmr (const float *impostor, guint n, double fmr)
{
  g_autofree float *s = NULL;
  guint allowed;

  if (n == 0)
    return -INFINITY;
  s = g_memdup2 (impostor, n * sizeof (float));
  qsort (s, n, sizeof (float), float_cmp);
  /* At threshold t, impostors ≥ t are false matches; at most `allowed` may be. */
  allowed = (guint) floor (fmr * n + 1e-9);
  if (allowed == 0)
    return nextafterf (s[n - 1], INFINITY);
  /* Any t above s[n - allowed - 1] admits at most `allowed`. */
  return nextafterf (s[n - allowed - 1], INFINITY);
}

guint
rl_evaluation_get_quality_buckets (RlEvaluation *ev, const int *min_quality, guint n_buckets,
                                   RlEvalQualityBucket *out)
{
  float global_t;

  g_return_val_if_fail (ev != NULL && out != NULL, 0);
  if (min_quality == NULL)
    {
      min_quality = default_buckets;
      n_buckets = G_N_ELEMENTS (default_buckets);
    }
  n_buckets = MIN (n_buckets, RL_EVAL_MAX_QUALITY_BUCKETS);
  global_t = threshold_at_fmr ((const float *) ev->impostor->data, ev->impostor->len, 0.01);

  for (guint b = 0; b < n_buckets; b++)
    {
      RlEvalQualityBucket *o = &out[b];
      int lo = b == 0 ? 0 : min_quality[b];
      int hi = b + 1 < n_buckets ? min_quality[b + 1] : 101;
      g_autoptr (GArray) gen = scores_in_bucket (ev, TRUE, lo, hi, &o->mean_genuine);
      g_autoptr (GArray) imp = scores_in_bucket (ev, FALSE, lo, hi, &o->mean_impostor);
      guint below = 0;

      if (min_quality == default_buckets)
        g_strlcpy (o->name, default_bucket_names[b], sizeof o->name);
      else
        g_snprintf (o->name, sizeof o->name, "quality ≥ %d", lo);
      o->min_quality = lo;
      o->max_quality = hi;
      o->n_genuine = gen->len;
      o->n_impostor = imp->len;
      rl_error_rates_compute ((const float *) gen->data, gen->len, (const float *) imp->data, imp->len, &o->rates);
      if (gen->len == 0 || imp->len == 0)
        o->rates.fnmr_at_fmr_1 = o->rates.fnmr_at_fmr_01 = gen->len ? 1.0 : 0.0;
      for (guint k = 0; k < gen->len; k++)
        below += g_array_index (gen, float, k) < global_t;
      o->fnmr_at_global_fmr_1 = gen->len ? (double) below / gen->len : NAN;
    }
  return n_buckets;
}

static void
csv_double (GString *csv, double v, const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (csv, ',');
  if (!isnan (v))
    g_string_append (csv, g_ascii_formatd (buf, sizeof buf, format, v));
}

static gboolean
write_quality (RlEvaluation *ev, const char *folder, GError **error)
{
  g_autoptr (GString) csv = g_string_new ("bucket,min_quality,max_quality,n_genuine,n_impostor,"
                                          "mean_genuine,mean_impostor,eer,fnmr_at_fmr_1,fnmr_at_global_fmr_1\n");
  g_autofree char *path = g_build_filename (folder, "quality.csv", NULL);
  RlEvalQualityBucket b[RL_EVAL_MAX_QUALITY_BUCKETS];
  guint n = rl_evaluation_get_quality_buckets (ev, NULL, 0, b);

  for (guint k = 0; k < n; k++)
    {
      gboolean rated = b[k].n_genuine > 0 && b[k].n_impostor > 0;

      g_string_append_printf (csv, "%s,%d,%d,%u,%u", b[k].name, b[k].min_quality, MIN (b[k].max_quality, 100),
                              b[k].n_genuine, b[k].n_impostor);
      csv_double (csv, b[k].mean_genuine, "%.4f");
      csv_double (csv, b[k].mean_impostor, "%.4f");
      csv_double (csv, rated ? b[k].rates.eer : NAN, "%.6f");
      csv_double (csv, rated ? b[k].rates.fnmr_at_fmr_1 : NAN, "%.6f");
      csv_double (csv, b[k].fnmr_at_global_fmr_1, "%.6f");
      g_string_append_c (csv, '\n');
    }
  return g_file_set_contents (path, csv->str, csv->len, error);
}

static gboolean
write_scores (RlEvaluation *ev, const char *folder, const char *name, gboolean genuine, GError **error)
{
  g_autoptr (GString) csv = g_string_new ("probe,candidate,score,lower_quality\n");
  g_autofree char *path = g_build_filename (folder, name, NULL);
  GArray *scores = genuine ? ev->genuine : ev->impostor;

  for (guint k = 0; k < scores->len; k++)
    {
      const char *label = genuine ? rl_evaluation_get_genuine_label (ev, k) : rl_evaluation_get_impostor_label (ev, k);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_auto (GStrv) parts = g_strsplit (label, " ", 2);

      g_string_append_printf (csv, "%s,%s,%s,%u\n", parts[0], parts[1],
                              g_ascii_formatd (buf, sizeof buf, "%.4f", g_array_index (scores, float, k)),
                              pair_quality (ev, genuine ? ev->genuine_pairs : ev->impostor_pairs, k));
    }
  return g_file_set_contents (path, csv->str, csv->len, error);
}

gboolean
rl_evaluation_write (RlEvaluation *ev, const char *folder, const char *title, GError **error)
{
  g_autofree double *fmr = NULL;
  g_autofree double *fnmr = NULL;
  g_autofree float *t = NULL;
  g_autoptr (GString) csv = g_string_new ("threshold,fmr,fnmr\n");
  g_autofree char *det_csv = NULL, *det_svg = NULL, *det_png = NULL, *label = NULL;
  RlErrorRates rates;
  RlDetSeries series;
  guint n;

  g_return_val_if_fail (ev != NULL && folder != NULL, FALSE);

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "could not create the folder “%s”: %s", folder, g_strerror (saved));
      return FALSE;
    }
  if (!write_scores (ev, folder, "genuine.csv", TRUE, error)
      || !write_scores (ev, folder, "impostor.csv", FALSE, error)
      || !write_quality (ev, folder, error))
    return FALSE;

  n = rl_det_curve ((float *) ev->genuine->data, ev->genuine->len,
                    (float *) ev->impostor->data, ev->impostor->len, &fmr, &fnmr, &t);
  for (guint k = 0; k < n; k++)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (csv, "%s,%s,%s\n",
                              g_ascii_formatd (a, sizeof a, "%.4f", t[k]),
                              g_ascii_formatd (b, sizeof b, "%.6f", fmr[k]),
                              g_ascii_formatd (c, sizeof c, "%.6f", fnmr[k]));
    }
  det_csv = g_build_filename (folder, "det.csv", NULL);
  if (!g_file_set_contents (det_csv, csv->str, csv->len, error))
    return FALSE;

  rl_error_rates_compute ((float *) ev->genuine->data, ev->genuine->len,
                          (float *) ev->impostor->data, ev->impostor->len, &rates);
  label = g_strdup_printf ("%u genuine, %u impostor · EER %.2f %%", rates.n_genuine, rates.n_impostor, 100 * rates.eer);
  series = (RlDetSeries) { label, fmr, fnmr, n, rates.eer };
  det_svg = g_build_filename (folder, "det.svg", NULL);
  det_png = g_build_filename (folder, "det.png", NULL);
  return rl_det_plot_write (det_svg, title, &series, 1, error)
         && rl_det_plot_write (det_png, title, &series, 1, error);
}
