/* rl-release-params.c — parse and write a matcher release's parameters. */
#define G_LOG_DOMAIN "rl-release-params"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "rl-release-params.h"

#define DEFAULT_MATCH_FMR     1e-5
#define DEFAULT_NO_MATCH_FMR  1e-3
#define DEFAULT_QUALITY       55   /* extractor scale 0..100; FVC sets average 66-78 */
#define DEFAULT_CANDIDATES    20
#define FMR_FLOOR             1e-8

void
rl_release_params_init_default (RlReleaseParams *params)
{
  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  params->match_threshold = rl_score_for_fmr (DEFAULT_MATCH_FMR);
  params->no_match_threshold = rl_score_for_fmr (DEFAULT_NO_MATCH_FMR);
  params->quality_threshold = DEFAULT_QUALITY;
  params->max_candidates = DEFAULT_CANDIDATES;
  params->prefilter = TRUE;
  rl_compare_params_init_default (&params->compare);
}

static gboolean
invalid (GError **error, const char *key, const char *why)
{
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
               _("Release parameters: “%s” %s"), key, why);
  return FALSE;
}

/* A number member within [lo, hi]; absent leaves *out as it is. */
static gboolean
read_number (JsonObject *o, const char *key, double lo, double hi, double *out, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  double v;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || (json_node_get_value_type (n) != G_TYPE_DOUBLE &&
                                     json_node_get_value_type (n) != G_TYPE_INT64))
    return invalid (error, key, _("is not a number"));
  v = json_node_get_double (n);
  if (!(v >= lo && v <= hi))
    {
      g_autofree char *why = g_strdup_printf (_("is %g, outside %g to %g"), v, lo, hi);
      return invalid (error, key, why);
    }
  *out = v;
  return TRUE;
}

#define READ_FLOAT(obj, key, lo, hi, field)                                          \
  G_STMT_START {                                                                     \
    double v_ = (field);                                                             \
    if (!read_number ((obj), (key), (lo), (hi), &v_, error))                         \
      return FALSE;                                                                  \
    (field) = v_;                                                                    \
  } G_STMT_END

static gboolean
parse_compare (JsonObject *o, RlCompareParams *c, GError **error)
{
  READ_FLOAT (o, "sim_min", 0, 1, c->sim_min);
  READ_FLOAT (o, "seed_dist_tol", 1, 60, c->seed_dist_tol);
  READ_FLOAT (o, "seed_dist_growth", 0, 1, c->seed_dist_growth);
  READ_FLOAT (o, "angle_tol", 0.05, G_PI / 2, c->angle_tol);
  READ_FLOAT (o, "final_dist_tol", 1, 60, c->final_dist_tol);
  READ_FLOAT (o, "final_dist_growth", 0, 1, c->final_dist_growth);
  READ_FLOAT (o, "pair_weight_floor", 0, 2, c->pair_weight_floor);
  READ_FLOAT (o, "min_overlap", 1, 100, c->min_overlap);
  return TRUE;
}

static gboolean
parse_buckets (JsonArray *a, RlReleaseParams *p, GError **error)
{
  guint n = json_array_get_length (a);

  if (n > RL_RELEASE_MAX_BUCKETS)
    return invalid (error, "buckets", _("has more than four entries"));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      double q = -1, t = -1;

      if (o == NULL)
        return invalid (error, "buckets", _("has an entry that is not an object"));
      if (!read_number (o, "min_quality", 0, 100, &q, error) ||
          !read_number (o, "match_threshold", 0, 100, &t, error))
        return FALSE;
      if (q < 0 || t < 0)
        return invalid (error, "buckets", _("has an entry without min_quality or match_threshold"));
      if (i > 0 && q <= p->buckets[i - 1].min_quality)
        return invalid (error, "buckets", _("is not in ascending min_quality"));
      p->buckets[i].min_quality = (int) q;
      p->buckets[i].match_threshold = t;
    }
  p->n_buckets = n;
  return TRUE;
}

static gboolean
parse_calibration (JsonArray *a, RlReleaseParams *p, GError **error)
{
  guint n = json_array_get_length (a);

  if (n > RL_RELEASE_MAX_CALIBRATION)
    return invalid (error, "calibration", _("has more than 32 points"));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (a, i);
      JsonArray *pt = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      double s, f;

      if (pt == NULL || json_array_get_length (pt) != 2)
        return invalid (error, "calibration", _("has a point that is not [score, fmr]"));
      s = json_array_get_double_element (pt, 0);
      f = json_array_get_double_element (pt, 1);
      if (!(s >= 0 && s <= 100) || !(f > 0 && f <= 1))
        return invalid (error, "calibration", _("has a point outside score 0–100, FMR (0, 1]"));
      if (i > 0 && (s <= p->calibration[i - 1].score || f > p->calibration[i - 1].fmr))
        return invalid (error, "calibration", _("is not ascending in score and falling in FMR"));
      p->calibration[i].score = s;
      p->calibration[i].fmr = f;
    }
  p->n_calibration = n;
  return TRUE;
}

gboolean
rl_release_params_parse (const char *json, RlReleaseParams *p, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root, *node;
  JsonObject *o;
  double candidates, quality;

  g_return_val_if_fail (p != NULL, FALSE);

  rl_release_params_init_default (p);
  if (json == NULL || *json == '\0')
    return TRUE;
  if (!json_parser_load_from_data (parser, json, -1, &local))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("Release parameters are not JSON: %s"),
                   local->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, "parameters", _("is not a JSON object"));
  o = json_node_get_object (root);

  READ_FLOAT (o, "match_threshold", 0, 100, p->match_threshold);
  READ_FLOAT (o, "no_match_threshold", 0, 100, p->no_match_threshold);
  if (p->no_match_threshold > p->match_threshold)
    return invalid (error, "no_match_threshold", _("is above match_threshold"));
  quality = p->quality_threshold;
  if (!read_number (o, "quality_threshold", 0, 100, &quality, error))
    return FALSE;
  p->quality_threshold = (int) quality;
  candidates = p->max_candidates;
  if (!read_number (o, "max_candidates", 1, 1000, &candidates, error))
    return FALSE;
  p->max_candidates = (guint) candidates;
  if ((node = json_object_get_member (o, "prefilter")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return invalid (error, "prefilter", _("is not true or false"));
      p->prefilter = json_node_get_boolean (node);
    }
  if ((node = json_object_get_member (o, "compare")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "compare", _("is not an object"));
      if (!parse_compare (json_node_get_object (node), &p->compare, error))
        return FALSE;
    }
  if ((node = json_object_get_member (o, "buckets")) != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return invalid (error, "buckets", _("is not a list"));
      if (!parse_buckets (json_node_get_array (node), p, error))
        return FALSE;
    }
  if ((node = json_object_get_member (o, "calibration")) != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return invalid (error, "calibration", _("is not a list"));
      if (!parse_calibration (json_node_get_array (node), p, error))
        return FALSE;
    }
  return TRUE;
}

/* The shortest decimal that reads back as the same float: the parameters
 * are read by people reviewing a release, and json-glib writes every double
 * with 17 digits (19.690000534057617). Exact, because routing compares
 * scores against these thresholds bit for bit. */
static void
append_float (GString *out, float v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 6; digits <= 9; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if ((float) g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}

static void
append_double (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 6; digits <= 17; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}

char *
rl_release_params_to_json (const RlReleaseParams *p)
{
  GString *out;
  const RlCompareParams *c;

  g_return_val_if_fail (p != NULL, NULL);
  c = &p->compare;

  out = g_string_new ("{\"match_threshold\": ");
  append_float (out, p->match_threshold);
  g_string_append (out, ", \"no_match_threshold\": ");
  append_float (out, p->no_match_threshold);
  g_string_append_printf (out, ", \"quality_threshold\": %d, \"max_candidates\": %u, \"prefilter\": %s",
                          p->quality_threshold, p->max_candidates, p->prefilter ? "true" : "false");

  g_string_append (out, ", \"buckets\": [");
  for (guint i = 0; i < p->n_buckets; i++)
    {
      g_string_append_printf (out, "%s{\"min_quality\": %d, \"match_threshold\": ", i ? ", " : "",
                              p->buckets[i].min_quality);
      append_float (out, p->buckets[i].match_threshold);
      g_string_append_c (out, '}');
    }

  g_string_append (out, "], \"compare\": {");
#define ADD(name, sep) g_string_append (out, sep "\"" #name "\": "); append_float (out, c->name)
  ADD (sim_min, "");
  ADD (seed_dist_tol, ", ");
  ADD (seed_dist_growth, ", ");
  g_string_append (out, ", \"angle_tol\": ");
  append_double (out, c->angle_tol);
  ADD (final_dist_tol, ", ");
  ADD (final_dist_growth, ", ");
  ADD (pair_weight_floor, ", ");
  ADD (min_overlap, ", ");
#undef ADD

  g_string_append (out, "}, \"calibration\": [");
  for (guint i = 0; i < p->n_calibration; i++)
    {
      g_string_append (out, i ? ", [" : "[");
      append_float (out, p->calibration[i].score);
      g_string_append (out, ", ");
      append_double (out, p->calibration[i].fmr);
      g_string_append_c (out, ']');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

float
rl_release_params_match_threshold_for (const RlReleaseParams *p, int probe_quality, int candidate_quality)
{
  int poorer = MIN (probe_quality, candidate_quality);
  float t;

  g_return_val_if_fail (p != NULL, 100.0f);

  t = p->match_threshold;
  for (guint i = 0; i < p->n_buckets; i++)
    if (poorer >= p->buckets[i].min_quality)
      t = p->buckets[i].match_threshold;
  return t;
}

double
rl_release_params_score_to_fmr (const RlReleaseParams *p, float score)
{
  guint n;

  g_return_val_if_fail (p != NULL, 1.0);

  n = p->n_calibration;
  if (n < 2)
    return rl_score_to_fmr (score);
  if (!(score > p->calibration[0].score))
    return MIN (1.0, p->calibration[0].fmr);
  /* log-linear between measured points; past the last one, the last
   * segment's slope, down to a floor (a model, not a measurement) */
  for (guint k = 1; k < n; k++)
    if (score <= p->calibration[k].score || k == n - 1)
      {
        double s0 = p->calibration[k - 1].score, s1 = p->calibration[k].score;
        double l0 = log (p->calibration[k - 1].fmr), l1 = log (p->calibration[k].fmr);
        double l = l0 + (score - s0) * (l1 - l0) / (s1 - s0);

        return CLAMP (exp (l), FMR_FLOOR, 1.0);
      }
  return FMR_FLOOR;
}

gboolean
rl_store_get_active_release_params (RlStore *store, RlReleaseParams *out, gint64 *out_release_id, GError **error)
{
  g_autoptr(RlMatcherRelease) active = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (store != NULL && out != NULL, FALSE);

  if (out_release_id)
    *out_release_id = 0;
  active = rl_store_get_active_release (store, &local);
  if (active == NULL)
    {
      if (!g_error_matches (local, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      rl_release_params_init_default (out);
      return TRUE;
    }
  if (!rl_release_params_parse (active->parameters, out, error))
    {
      g_prefix_error (error, _("Release “%s”: "), active->name);
      return FALSE;
    }
  if (out_release_id)
    *out_release_id = active->id;
  return TRUE;
}
