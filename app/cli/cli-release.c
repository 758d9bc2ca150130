/* cli-release.c — ridgeline-cli release: matcher releases through their
 * states, acting as a named user so the store's rules (two-person approval,
 * supervisors only) and the audit log apply exactly as in the GUI. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-eval.h"
#include "rl-store.h"
#include "rl-template-io.h"

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = t > 0 ? g_date_time_new_from_unix_utc (t) : NULL;
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("—");
}

static char *
user_name (RlStore *store, gint64 id)
{
  g_autoptr(RlUser) user = id > 0 ? rl_store_get_user (store, id, NULL) : NULL;
  return g_strdup (user ? user->username : id == 0 ? _("(system)") : "?");
}

static int
release_list (RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) releases = rl_store_list_releases (store, &error);

  if (releases == NULL)
    return rl_cli_fail_error (error);
  printf ("%-5s %-18s %-10s %-12s %-12s %s\n", _("ID"), _("NAME"), _("STATE"), _("AUTHOR"), _("APPROVER"), _("CREATED"));
  for (guint i = 0; i < releases->len; i++)
    {
      RlMatcherRelease *r = g_ptr_array_index (releases, i);
      g_autofree char *author = user_name (store, r->author_id);
      g_autofree char *approver = r->approver_id ? user_name (store, r->approver_id) : g_strdup ("—");
      g_autofree char *created = format_time (r->created_at);

      printf ("%-5" G_GINT64_FORMAT " %-18s %-10s %-12s %-12s %s\n", r->id, r->name,
              rl_release_state_to_id (r->state), author, approver, created);
    }
  return 0;
}

static int
release_show (RlStore *store, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) r = rl_store_get_release (store, id, &error);
  g_autofree char *author = NULL;

  if (r == NULL)
    return rl_cli_fail_error (error);
  author = user_name (store, r->author_id);
  printf (_("Release %s (%s), by %s\n"), r->name, rl_release_state_to_label (r->state), author);
  printf (_("Parameters: %s\n"), r->parameters ? r->parameters : "{}");
  printf (_("Metrics: %s\n"), r->metrics ? r->metrics : _("(not evaluated)"));
  if (r->review_comment)
    printf (_("Review: %s\n"), r->review_comment);
  return 0;
}

static double
json_number (const char *json, const char *member, double fallback)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return fallback;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), member))
    return fallback;
  return json_object_get_double_member (json_node_get_object (root), member);
}

typedef struct {
  GPtrArray *templates;     /* RlTemplate* */
  GArray    *labels;        /* guint: one per (identity, finger) */
  GArray    *impressions;   /* guint */
  GHashTable *label_of;     /* "identity:finger" → label + 1 */
  GHashTable *count_of;     /* label → impressions so far */
  guint       max;
} Collect;

static gboolean
collect_template (gint64 sample_id, gint64 identity_id, int finger, const guint8 *data, gsize len, gpointer user_data)
{
  Collect *c = user_data;
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%d", identity_id, finger);
  guint label, impression;
  RlTemplate *tpl;

  if (c->templates->len >= c->max)
    return FALSE;
  if (finger <= 0 || !(tpl = rl_template_deserialize (data, len, NULL)))
    return TRUE;
  label = GPOINTER_TO_UINT (g_hash_table_lookup (c->label_of, key));
  if (label == 0)
    {
      label = g_hash_table_size (c->label_of) + 1;
      g_hash_table_insert (c->label_of, g_steal_pointer (&key), GUINT_TO_POINTER (label));
    }
  impression = GPOINTER_TO_UINT (g_hash_table_lookup (c->count_of, GUINT_TO_POINTER (label))) + 1;
  g_hash_table_insert (c->count_of, GUINT_TO_POINTER (label), GUINT_TO_POINTER (impression));
  g_ptr_array_add (c->templates, tpl);
  g_array_append_val (c->labels, label);
  g_array_append_val (c->impressions, impression);
  return TRUE;
}

static double
share_at_or_above (const float *scores, guint n, float threshold, gboolean above)
{
  guint k = 0;

  for (guint i = 0; i < n; i++)
    k += above ? scores[i] >= threshold : scores[i] < threshold;
  return n ? (double) k / n : 0;
}

/* Offline evaluation on the workspace's own labelled prints: samples of one
 * identity and finger are genuine pairs, of different identities impostor
 * pairs. The release's thresholds give its operating points. */
static int
release_evaluate (RlStore *store, gint64 id, guint max_samples)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) r = rl_store_get_release (store, id, &error);
  g_autoptr(RlEvaluation) ev = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *metrics = NULL;
  Collect c = { 0 };
  RlErrorRates rates;
  const float *genuine, *impostor;
  guint n_genuine, n_impostor;
  float match_threshold, no_match_threshold;

  if (r == NULL)
    return rl_cli_fail_error (error);
  c.templates = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  c.labels = g_array_new (FALSE, FALSE, sizeof (guint));
  c.impressions = g_array_new (FALSE, FALSE, sizeof (guint));
  c.label_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c.count_of = g_hash_table_new (NULL, NULL);
  c.max = max_samples;
  if (!rl_store_foreach_template (store, collect_template, &c, &error))
    {
      g_ptr_array_unref (c.templates);
      return rl_cli_fail_error (error);
    }
  if (c.templates->len < 2)
    {
      g_ptr_array_unref (c.templates);
      return rl_cli_fail (_("The workspace holds too few prints with templates to evaluate a release"));
    }

  ev = rl_evaluation_new ((RlTemplate **) c.templates->pdata, (const guint *) c.labels->data,
                          (const guint *) c.impressions->data, c.templates->len);
  rl_evaluation_run (ev, RL_EVAL_IMPOSTORS_ALL, &rates);
  genuine = rl_evaluation_get_genuine (ev, &n_genuine);
  impostor = rl_evaluation_get_impostor (ev, &n_impostor);
  match_threshold = json_number (r->parameters, "match_threshold", 0);
  no_match_threshold = json_number (r->parameters, "no_match_threshold", 0);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, c.templates->len);
  json_builder_set_member_name (builder, "genuine_pairs");
  json_builder_add_int_value (builder, n_genuine);
  json_builder_set_member_name (builder, "impostor_pairs");
  json_builder_add_int_value (builder, n_impostor);
  json_builder_set_member_name (builder, "eer");
  json_builder_add_double_value (builder, rates.eer);
  json_builder_set_member_name (builder, "fnmr_at_fmr_1");
  json_builder_add_double_value (builder, rates.fnmr_at_fmr_1);
  json_builder_set_member_name (builder, "fnmr_at_fmr_01");
  json_builder_add_double_value (builder, rates.fnmr_at_fmr_01);
  json_builder_set_member_name (builder, "match_threshold");
  json_builder_add_double_value (builder, match_threshold);
  json_builder_set_member_name (builder, "fmr_at_match_threshold");
  json_builder_add_double_value (builder, share_at_or_above (impostor, n_impostor, match_threshold, TRUE));
  json_builder_set_member_name (builder, "fnmr_at_match_threshold");
  json_builder_add_double_value (builder, share_at_or_above (genuine, n_genuine, match_threshold, FALSE));
  json_builder_set_member_name (builder, "fnmr_at_no_match_threshold");
  json_builder_add_double_value (builder, share_at_or_above (genuine, n_genuine, no_match_threshold, FALSE));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  metrics = json_generator_to_data (generator, NULL);

  g_ptr_array_unref (c.templates);
  g_array_unref (c.labels);
  g_array_unref (c.impressions);
  g_hash_table_unref (c.label_of);
  g_hash_table_unref (c.count_of);

  if (!rl_store_set_release_evaluated (store, id, metrics, NULL, &error))
    return rl_cli_fail_error (error);
  printf (_("Release %s evaluated on %u genuine and %u impostor pairs: EER %.2f %%, "
            "FNMR %.2f %% at FMR 1 %%; at its match threshold %.1f: FMR %.4f %%, FNMR %.2f %%\n"),
          r->name, n_genuine, n_impostor, rates.eer * 100, rates.fnmr_at_fmr_1 * 100, match_threshold,
          share_at_or_above (impostor, n_impostor, match_threshold, TRUE) * 100,
          share_at_or_above (genuine, n_genuine, match_threshold, FALSE) * 100);
  return 0;
}

int
rl_cli_release (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *as_user = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *parameters = NULL;
  int max_samples = 400;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  const char *verb;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_user, N_("Act as this user"), N_("USER") },
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment, N_("Review comment (approve, reject)"), N_("TEXT") },
    { "parameters", 0, 0, G_OPTION_ARG_STRING, &parameters, N_("Parameters of a new draft (JSON)"), N_("JSON") },
    { "max-samples", 0, 0, G_OPTION_ARG_INT, &max_samples, N_("Evaluate on at most N prints (default 400)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("list | show ID | draft NAME | evaluate ID | approve ID | reject ID | activate ID | rollback"));
  g_option_context_set_summary (context,
    _("Matcher releases: draft → evaluated → approved → active → retired. A supervisor who is\n"
      "not the author approves; activation makes new searches use the release; rollback\n"
      "reactivates the previous one. Every step is in the audit log."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || argc < 2)
    return rl_cli_fail (_("usage: ridgeline-cli release list|show|draft|evaluate|approve|reject|activate|rollback "
                          "[ID] --db PATH --as USER")), 2;
  verb = argv[1];
  if (argc >= 3 && !g_str_equal (verb, "draft"))
    {
      char *end = NULL;
      id = g_ascii_strtoll (argv[2], &end, 10);
      if (end == argv[2] || *end != '\0' || id <= 0)
        return rl_cli_fail (_("“%s” is not a release id"), argv[2]), 2;
    }

  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (as_user != NULL)
    {
      g_autoptr(RlUser) user = rl_store_get_user_by_name (store, as_user, &error);
      if (user == NULL || !rl_store_set_actor (store, user->id, &error))
        return rl_cli_fail_error (error);
    }

  if (g_str_equal (verb, "list"))
    return release_list (store);
  if (g_str_equal (verb, "rollback"))
    {
      gint64 back;
      g_autoptr(RlMatcherRelease) r = NULL;

      if (as_user == NULL)
        return rl_cli_fail (_("rollback needs --as USER (a supervisor)")), 2;
      if ((back = rl_store_rollback_release (store, &error)) == 0)
        return rl_cli_fail_error (error);
      r = rl_store_get_release (store, back, NULL);
      printf (_("Rolled back: release %s is active again\n"), r ? r->name : "?");
      return 0;
    }
  if (g_str_equal (verb, "draft"))
    {
      g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (store, NULL);
      gint64 new_id;

      /* A hand-made draft: the active release's parameters with the
       * overrides given in --parameters (tuning makes drafts the same way). */
      if (as_user == NULL || argc < 3)
        return rl_cli_fail (_("usage: ridgeline-cli release draft NAME --parameters JSON --db PATH --as USER")), 2;
      new_id = rl_store_add_release (store, argv[2], parameters ? parameters : (active ? active->parameters : "{}"),
                                     active ? active->id : 0, &error);
      if (new_id == 0)
        return rl_cli_fail_error (error);
      printf (_("Draft release %" G_GINT64_FORMAT " “%s” created\n"), new_id, argv[2]);
      return 0;
    }
  if (id == 0)
    return rl_cli_fail (_("“release %s” needs a release id"), verb), 2;
  if (g_str_equal (verb, "show"))
    return release_show (store, id);
  if (as_user == NULL)
    return rl_cli_fail (_("“release %s” needs --as USER: it is done in someone’s name"), verb), 2;
  if (g_str_equal (verb, "evaluate"))
    return release_evaluate (store, id, (guint) MAX (max_samples, 2));
  if (g_str_equal (verb, "approve") || g_str_equal (verb, "reject"))
    {
      gboolean approve = g_str_equal (verb, "approve");

      if (!rl_store_review_release (store, id, approve, comment, &error))
        return rl_cli_fail_error (error);
      printf (approve ? _("Release %" G_GINT64_FORMAT " approved\n") : _("Release %" G_GINT64_FORMAT " rejected\n"), id);
      return 0;
    }
  if (g_str_equal (verb, "activate"))
    {
      if (!rl_store_activate_release (store, id, &error))
        return rl_cli_fail_error (error);
      printf (_("Release %" G_GINT64_FORMAT " is now active: new searches use it\n"), id);
      return 0;
    }
  return rl_cli_fail (_("Unknown release command “%s”"), verb), 2;
}
