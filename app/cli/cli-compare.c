/* cli-compare.c — ridgeline-cli match, search and eval. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-compare.h"
#include "rl-eval.h"
#include "rl-template-io.h"
#include "rl-image-io.h"
#include "rl-extract.h"
#include "rl-gallery.h"
#include "rl-store.h"

/* A template file (any format Ridgeline reads) or an image to extract. */
static RlTemplate *
load_print (const char *path, int ppi, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  g_autoptr (RlImage) image = NULL;
  g_autoptr (GError) local = NULL;
  RlTemplate *tpl;

  if (rl_template_detect_format ((const guint8 *) data, len) != RL_TEMPLATE_FORMAT_UNKNOWN)
    tpl = rl_template_from_data ((const guint8 *) data, len, &local);
  else if ((image = rl_image_load_from_data ((const guint8 *) data, len, ppi, &local)) != NULL)
    tpl = rl_extract_template (image, &local);
  else
    tpl = NULL;
  if (tpl == NULL)
    g_set_error (error, local->domain, local->code, "%s: %s", path, local->message);
  return tpl;
}

static const char *
kind_name (guint8 kind)
{
  switch (kind)
    {
    case RL_MINUTIA_ENDING: return _("ending");
    case RL_MINUTIA_BIFURCATION: return _("bifurcation");
    default: return _("other");
    }
}

int
rl_cli_match (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (RlTemplate) a = NULL;
  g_autoptr (RlTemplate) b = NULL;
  g_autoptr (RlComparison) cmp = NULL;
  int ppi = 0;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "ppi", 0, 0, G_OPTION_ARG_INT, &ppi, N_("Resolution of the images (default 500)"), N_("N") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print the score only"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROBE CANDIDATE"));
  g_option_context_set_summary (context,
    _("Compare two prints 1:1. Each is an image or a template (Ridgeline, ISO/IEC 19794-2\n"
      "or ANSI 378). Prints the score (0–100), the estimated false-match rate of that\n"
      "score, and the paired minutiae, strongest first."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (argc != 3)
    return rl_cli_fail (_("give two prints: match PROBE CANDIDATE")), 2;
  if (ppi < 0 || ppi > 5000)
    return rl_cli_fail (_("--ppi %d is outside 1–5000"), ppi), 2;

  if (!(a = load_print (argv[1], ppi, &error)) || !(b = load_print (argv[2], ppi, &error)))
    return rl_cli_fail_error (error);

  rl_compare (a, b, &cmp);
  if (quiet)
    {
      printf ("%.2f\n", cmp->score);
      return 0;
    }
  printf (_("score %.2f (0–100)\n"), cmp->score);
  printf (_("estimated false-match rate %.2g (an impostor scores this high about once in %.0f comparisons)\n"),
          rl_score_to_fmr (cmp->score), 1.0 / MAX (rl_score_to_fmr (cmp->score), 1e-12));
  printf (_("minutiae: %u in the probe, %u in the candidate, %u paired\n"),
          a->n_minutiae, b->n_minutiae, cmp->n_pairs);
  if (cmp->n_pairs > 0)
    printf ("%-5s %-9s %-9s %-12s  %-9s %-9s %-12s %s\n",
            "#", _("probe x"), _("y"), _("kind"), _("cand. x"), _("y"), _("kind"), _("strength"));
  for (guint k = 0; k < cmp->n_pairs; k++)
    {
      const RlMinutia *p = &a->minutiae[cmp->pairs[k].probe];
      const RlMinutia *c = &b->minutiae[cmp->pairs[k].candidate];

      printf ("%-5u %-9.1f %-9.1f %-12s  %-9.1f %-9.1f %-12s %.2f\n", k + 1,
              p->x, p->y, kind_name (p->kind), c->x, c->y, kind_name (c->kind), cmp->pairs[k].strength);
    }
  return 0;
}

typedef struct {
  RlGallery *gallery;
  GArray    *identity;   /* gint64 per gallery entry, by sample id order */
  GArray    *sample;
  GArray    *finger;     /* int */
  guint      n_bad;
} DbLoad;

static gboolean
add_stored_template (gint64 sample_id, gint64 identity_id, int finger, const guint8 *data, gsize len, gpointer user_data)
{
  DbLoad *load = user_data;
  g_autoptr (RlTemplate) tpl = rl_template_deserialize (data, len, NULL);

  if (tpl == NULL)
    {
      load->n_bad++;
      return TRUE;
    }
  rl_gallery_add (load->gallery, sample_id, tpl);
  g_array_append_val (load->sample, sample_id);
  g_array_append_val (load->identity, identity_id);
  g_array_append_val (load->finger, finger);
  return TRUE;
}

static int
search_db (RlTemplate *probe, const char *db, guint k, gboolean prefilter)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlStore) store = NULL;
  g_autoptr (RlGallery) gallery = rl_gallery_new ();
  g_autoptr (GArray) cands = NULL;
  g_autoptr (GArray) identity = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) sample = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) finger = g_array_new (FALSE, FALSE, sizeof (int));
  DbLoad load = { gallery, identity, sample, finger, 0 };
  gint64 start;

  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  start = g_get_monotonic_time ();
  if (!rl_store_foreach_template (store, add_stored_template, &load, &error))
    return rl_cli_fail_error (error);
  printf (_("gallery: %u templates from %s (%.1f s to load)"), rl_gallery_size (gallery), db,
          (g_get_monotonic_time () - start) / 1e6);
  if (load.n_bad > 0)
    printf (_(", %u unreadable templates skipped"), load.n_bad);
  printf ("\n");

  start = g_get_monotonic_time ();
  if (!(cands = rl_gallery_search (gallery, probe, k, prefilter, &error)))
    return rl_cli_fail_error (error);
  printf (_("searched in %.3f s (%u full comparisons%s)\n"), (g_get_monotonic_time () - start) / 1e6,
          rl_gallery_get_last_n_compared (gallery), prefilter ? _(", after the pre-filter") : "");
  printf ("%-5s %-10s %-10s %-7s %-8s %s\n", _("rank"), _("sample"), _("identity"), _("finger"), _("score"), _("est. FMR"));
  for (guint r = 0; r < cands->len; r++)
    {
      const RlCandidate *c = &g_array_index (cands, RlCandidate, r);
      guint i;

      /* samples arrive in id order: find the entry by binary search */
      guint lo = 0, hi = sample->len;
      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;
          if (g_array_index (sample, gint64, mid) < c->id)
            lo = mid + 1;
          else
            hi = mid;
        }
      i = lo;
      printf ("%-5u %-10" G_GINT64_FORMAT " %-10" G_GINT64_FORMAT " %-7d %-8.2f %.2g\n", r + 1, c->id,
              i < sample->len ? g_array_index (identity, gint64, i) : (gint64) -1,
              i < sample->len ? g_array_index (finger, int, i) : 0, c->score, rl_score_to_fmr (c->score));
    }
  return 0;
}

static int
name_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
search_folder (RlTemplate *probe, const char *folder, int ppi, guint k, gboolean prefilter)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (RlGallery) gallery = rl_gallery_new ();
  g_autoptr (GArray) cands = NULL;
  const char *name;
  gint64 start;

  if (!(dir = g_dir_open (folder, 0, &error)))
    return rl_cli_fail_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, name_cmp);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, i), NULL);
      g_autoptr (GError) local = NULL;
      g_autoptr (RlTemplate) tpl = NULL;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!(tpl = load_print (path, ppi, &local)))
        {
          fprintf (stderr, _("ridgeline-cli: skipped %s\n"), local->message);
          continue;
        }
      rl_gallery_add (gallery, i, tpl);
    }
  printf (_("gallery: %u prints from %s (%.1f s to load)\n"), rl_gallery_size (gallery), folder,
          (g_get_monotonic_time () - start) / 1e6);
  start = g_get_monotonic_time ();
  if (!(cands = rl_gallery_search (gallery, probe, k, prefilter, &error)))
    return rl_cli_fail_error (error);
  printf (_("searched in %.3f s (%u full comparisons)\n"), (g_get_monotonic_time () - start) / 1e6,
          rl_gallery_get_last_n_compared (gallery));
  printf ("%-5s %-8s %-10s %s\n", _("rank"), _("score"), _("est. FMR"), _("print"));
  for (guint r = 0; r < cands->len; r++)
    {
      const RlCandidate *c = &g_array_index (cands, RlCandidate, r);

      printf ("%-5u %-8.2f %-10.2g %s\n", r + 1, c->score, rl_score_to_fmr (c->score),
              (const char *) g_ptr_array_index (names, c->id));
    }
  return 0;
}

int
rl_cli_search (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (RlTemplate) probe = NULL;
  g_autofree char *db = NULL, *gallery = NULL;
  int ppi = 0, k = 10;
  gboolean exhaustive = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Search the templates of this workspace"), N_("PATH") },
    { "gallery", 'g', 0, G_OPTION_ARG_FILENAME, &gallery, N_("Search the prints (images or templates) in this folder"), N_("DIR") },
    { "candidates", 'k', 0, G_OPTION_ARG_INT, &k, N_("Length of the candidate list (default 10)"), N_("N") },
    { "ppi", 0, 0, G_OPTION_ARG_INT, &ppi, N_("Resolution of the images (default 500)"), N_("N") },
    { "no-prefilter", 0, 0, G_OPTION_ARG_NONE, &exhaustive, N_("Compare the probe with every template in full"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROBE"));
  g_option_context_set_summary (context,
    _("Search a print (image or template) 1:N against a workspace's templates (--db) or a\n"
      "folder of prints (--gallery) and list the best candidates with their scores and\n"
      "estimated false-match rates."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (argc != 2)
    return rl_cli_fail (_("give one probe: search PROBE --db PATH | --gallery DIR")), 2;
  if ((db == NULL) == (gallery == NULL))
    return rl_cli_fail (_("give either --db PATH or --gallery DIR")), 2;
  if (k < 1 || k > 100000)
    return rl_cli_fail (_("-k %d is outside 1–100000"), k), 2;
  if (ppi < 0 || ppi > 5000)
    return rl_cli_fail (_("--ppi %d is outside 1–5000"), ppi), 2;
  if (!(probe = load_print (argv[1], ppi, &error)))
    return rl_cli_fail_error (error);
  return db ? search_db (probe, db, k, !exhaustive) : search_folder (probe, gallery, ppi, k, !exhaustive);
}

static void
print_rates (const char *protocol, const RlErrorRates *r)
{
  printf (_("  %s protocol: %u genuine, %u impostor comparisons\n"), protocol, r->n_genuine, r->n_impostor);
  printf (_("    EER %.2f %% [%.2f %%, %.2f %%] at score %.2f\n"),
          100 * r->eer, 100 * r->eer_low, 100 * r->eer_high, r->eer_threshold);
  printf (_("    FNMR at FMR ≤ 1 %%: %.2f %%   at FMR ≤ 0.1 %%: %.2f %%   ZeroFMR: %.2f %%\n"),
          100 * r->fnmr_at_fmr_1, 100 * r->fnmr_at_fmr_01, 100 * r->zero_fmr);
}

/* The default quality buckets' names as an examiner reads them. */
static const char *
bucket_display_name (const RlEvalQualityBucket *b)
{
  static const struct { const char *key; const char *label; } names[] = {
    { "poor", N_("poor") }, { "fair", N_("fair") }, { "good", N_("good") }, { "excellent", N_("excellent") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (b->name, names[i].key) == 0)
      return _(names[i].label);
  return b->name;
}

/* printf's widths count bytes; these cells hold "—" and "–". */
static void
print_cell (const char *text, int width, gboolean left)
{
  int pad = MAX (0, width - (int) g_utf8_strlen (text, -1));

  if (left)
    printf (" %s%*s", text, pad, "");
  else
    printf (" %*s%s", pad, "", text);
}

static void
print_percent_cell (double v, gboolean known, int width)
{
  g_autofree char *text = known && !isnan (v) ? g_strdup_printf ("%.2f %%", 100 * v) : g_strdup ("—");

  print_cell (text, width, FALSE);
}

/* Accuracy by the lower quality of the two prints of each pair. */
static void
print_quality_buckets (RlEvaluation *ev)
{
  RlEvalQualityBucket b[RL_EVAL_MAX_QUALITY_BUCKETS];
  guint n = rl_evaluation_get_quality_buckets (ev, NULL, 0, b);

  printf (_("    By quality (the lower of the pair's two prints):\n"));
  printf ("   ");
  print_cell (_("bucket"), 10, TRUE);
  print_cell (_("quality"), 7, TRUE);
  print_cell (_("genuine"), 8, FALSE);
  print_cell (_("impostor"), 8, FALSE);
  print_cell (_("mean gen."), 9, FALSE);
  print_cell (_("EER"), 9, FALSE);
  print_cell (_("FNMR@1%"), 9, FALSE);
  print_cell (_("FNMR@1%*"), 10, FALSE);
  printf ("\n");
  for (guint k = 0; k < n; k++)
    {
      gboolean rated = b[k].n_genuine > 0 && b[k].n_impostor > 0;
      g_autofree char *range = g_strdup_printf ("%d–%d", b[k].min_quality, MIN (b[k].max_quality - 1, 100));
      g_autofree char *ng = g_strdup_printf ("%u", b[k].n_genuine);
      g_autofree char *ni = g_strdup_printf ("%u", b[k].n_impostor);
      g_autofree char *mean = b[k].n_genuine ? g_strdup_printf ("%.2f", b[k].mean_genuine) : g_strdup ("—");

      printf ("   ");
      print_cell (bucket_display_name (&b[k]), 10, TRUE);
      print_cell (range, 7, TRUE);
      print_cell (ng, 8, FALSE);
      print_cell (ni, 8, FALSE);
      print_cell (mean, 9, FALSE);
      print_percent_cell (b[k].rates.eer, rated, 9);
      print_percent_cell (b[k].rates.fnmr_at_fmr_1, rated, 9);
      print_percent_cell (b[k].fnmr_at_global_fmr_1, b[k].n_genuine > 0, 10);
      printf ("\n");
    }
  printf (_("    EER, FNMR@1%%: the bucket's genuine pairs against its own impostor pairs.\n"
            "    FNMR@1%%*: at the one threshold where all impostor pairs give FMR ≤ 1 %%.\n"));
}

static int
float_descending (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return x > y ? -1 : x < y ? 1 : 0;
}

/* A C table of the impostor score tail, for matcher/rl-calibration-table.h. */
static void
print_calibration (GArray *impostor, guint n_sets)
{
  float *s = (float *) impostor->data;
  guint n = impostor->len;
  static const double levels[] = { 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001 };
  float last = -1;

  qsort (s, n, sizeof (float), float_descending);
  printf ("/* Generated by `ridgeline-cli eval --calibrate`: do not edit by hand.\n"
          " * %u impostor comparisons from %u folder(s). */\n"
          "static const CalibrationPoint calibration[] = {\n  { 0.0f, 1.0 },\n", n, n_sets);
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      guint k = (guint) (levels[l] * n);   /* the k-th highest impostor score */

      if (k < 3 || k >= n)
        continue;
      if (s[k] <= last || s[k] <= 0.0f)
        continue;
      printf ("  { %.3ff, %g },\n", s[k], (double) k / n);
      last = s[k];
    }
  printf ("};\n");
}

int
rl_cli_eval (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *out = NULL;
  g_autoptr (GArray) pooled = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  int ppi = 0;
  gboolean all_pairs = FALSE, templates = FALSE, calibrate = FALSE;
  const GOptionEntry entries[] = {
    { "ppi", 0, 0, G_OPTION_ARG_INT, &ppi, N_("Resolution of the images (default 500)"), N_("N") },
    { "all-pairs", 0, 0, G_OPTION_ARG_NONE, &all_pairs, N_("Impostors: every impression against every impression of the other fingers"), NULL },
    { "templates", 0, 0, G_OPTION_ARG_NONE, &templates, N_("The folder holds templates (ISO/IEC 19794-2, ANSI 378, Ridgeline), not images"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write the score lists and the DET curve (CSV, SVG, PNG) here"), N_("DIR") },
    { "calibrate", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &calibrate, "Print a score calibration table from every impostor pair across all folders", NULL },
    { NULL }
  };

  context = g_option_context_new (_("DIR…"));
  g_option_context_set_summary (context,
    _("Measure accuracy on a folder of prints named FINGER_IMPRESSION.ext (101_1.tif …)\n"
      "with the FVC protocol: genuine = every pair of impressions of one finger;\n"
      "impostor = the first impression of each finger against the first of every other\n"
      "(--all-pairs: every impression against every impression of the other fingers).\n"
      "Prints EER, FNMR at FMR 1 % and 0.1 %, ZeroFMR, the mean extraction time per\n"
      "image and the comparisons per second. With several folders, each is reported\n"
      "on its own."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (argc < 2)
    return rl_cli_fail (_("give a folder of prints: eval DIR")), 2;
  if (ppi < 0 || ppi > 5000)
    return rl_cli_fail (_("--ppi %d is outside 1–5000"), ppi), 2;

  for (int d = 1; d < argc; d++)
    {
      g_autoptr (RlEvaluation) ev = NULL;
      g_autofree char *name = g_path_get_basename (argv[d]);
      RlErrorRates rates;
      const float *imp;
      guint n_imp;

      ev = rl_evaluation_new_from_folder (argv[d], ppi, templates, &error);
      if (ev == NULL)
        return rl_cli_fail_error (error);
      if (calibrate)
        {
          g_ptr_array_add (all, g_steal_pointer (&ev));
          continue;
        }
      printf (_("%s: %u prints of %u fingers"), name, rl_evaluation_get_n_templates (ev), rl_evaluation_get_n_fingers (ev));
      if (!templates)
        printf (_(", extraction %.1f ms per image (%.1f ms CPU)"), rl_evaluation_get_extraction_ms (ev),
                rl_evaluation_get_extraction_cpu_ms (ev));
      printf ("\n");
      rl_evaluation_run (ev, all_pairs ? RL_EVAL_IMPOSTORS_ALL : RL_EVAL_IMPOSTORS_FVC, &rates);
      print_rates (all_pairs ? _("all-impostor") : _("FVC"), &rates);
      printf (_("    %.0f comparisons per second (one thread, CPU time)\n"), rl_evaluation_get_comparisons_per_second (ev));
      print_quality_buckets (ev);
      imp = rl_evaluation_get_impostor (ev, &n_imp);
      g_array_append_vals (pooled, imp, n_imp);
      if (out)
        {
          g_autofree char *folder = argc > 2 ? g_build_filename (out, name, NULL) : g_strdup (out);
          g_autofree char *title = g_strdup_printf ("%s — %s protocol", name, all_pairs ? _("all-impostor") : _("FVC"));

          if (!rl_evaluation_write (ev, folder, title, &error))
            return rl_cli_fail_error (error);
          printf (_("    wrote %s/{genuine,impostor,det,quality}.csv, det.svg, det.png\n"), folder);
        }
    }

  if (calibrate)
    {
      /* Every pair of different fingers, within and across folders. */
      g_autoptr (GPtrArray) prepared = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_prepared_template_free);
      g_autoptr (GArray) owner = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr (GArray) finger = g_array_new (FALSE, FALSE, sizeof (guint));

      for (guint e = 0; e < all->len; e++)
        {
          RlEvaluation *ev = g_ptr_array_index (all, e);

          for (guint i = 0; i < rl_evaluation_get_n_templates (ev); i++)
            {
              guint f = rl_evaluation_get_finger (ev, i);

              g_ptr_array_add (prepared, rl_prepared_template_new (rl_evaluation_get_template (ev, i)));
              g_array_append_val (owner, e);
              g_array_append_val (finger, f);
            }
        }
      g_array_set_size (pooled, 0);
      for (guint i = 0; i < prepared->len; i++)
        for (guint j = i + 1; j < prepared->len; j++)
          {
            float s;

            if (g_array_index (owner, guint, i) == g_array_index (owner, guint, j)
                && g_array_index (finger, guint, i) == g_array_index (finger, guint, j))
              continue;
            s = rl_compare_prepared (g_ptr_array_index (prepared, i), g_ptr_array_index (prepared, j), NULL);
            g_array_append_val (pooled, s);
          }
      print_calibration (pooled, all->len);
      g_ptr_array_foreach (all, (GFunc) rl_evaluation_free, NULL);
    }
  return 0;
}
