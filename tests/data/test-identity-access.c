/* Need to know: restricted derogatory content reaches only users with the
 * right, in the store query and in "ridgeline-cli identity show"; every look
 * is in the audit log with its purpose. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "rl-store.h"

#define SECRET "Informant reports cross-border smuggling route via Lake Ridge"
#define SHARABLE "Visa revoked after overstay of 212 days"

typedef struct {
  char   *dir;
  char   *db;
  gint64  border, police;
  gint64  steward, border_analyst, police_analyst, outsider;
  gint64  identity, restricted_record;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;
  RlEncounter e = { 0 };
  RlDerogatoryRecord d = { 0 };

  f->dir = g_dir_make_tmp ("rl-identity-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  s = rl_store_create (f->db, &error);
  g_assert_no_error (error);

  f->border = rl_store_add_agency (s, "BORDER", "Border Agency", &error);
  f->police = rl_store_add_agency (s, "POLICE", "National Police", &error);
  g_assert_no_error (error);
  f->steward = rl_store_add_user (s, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, f->border, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  f->border_analyst = rl_store_add_user (s, "ban", "Bo Analyst", RL_ROLE_ANALYST, f->border, &error);
  f->police_analyst = rl_store_add_user (s, "pan", "Pat Analyst", RL_ROLE_ANALYST, f->police, &error);
  f->outsider = rl_store_add_user (s, "bex", "Bea Examiner", RL_ROLE_EXAMINER, f->border, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, 0, &error));

  f->identity = rl_store_add_identity (s, NULL, &error);
  g_assert_no_error (error);
  e.identity_id = f->identity;
  e.agency_id = f->border;
  e.occurred_at = 1600000000;
  e.purpose = RL_PURPOSE_BORDER_CROSSING;
  e.place = (char *) "North Gate";
  e.case_reference = (char *) "B-1";
  e.family_name = (char *) "Okafor";
  e.given_names = (char *) "Ada";
  e.date_of_birth = (char *) "1984-03-02";
  e.nationality = (char *) "NGA";
  e.sex = (char *) "F";
  g_assert_cmpint (rl_store_add_encounter (s, &e, &error), >, 0);
  e.agency_id = f->police;
  e.occurred_at = 1640000000;
  e.purpose = RL_PURPOSE_ARREST_BOOKING;
  e.family_name = (char *) "Okafore";
  g_assert_cmpint (rl_store_add_encounter (s, &e, &error), >, 0);
  g_assert_no_error (error);

  d.identity_id = f->identity;
  d.category = RL_DEROGATORY_DRUG_SMUGGLER;
  d.source_agency_id = f->police;
  d.restricted = TRUE;
  d.summary = (char *) SECRET;
  d.recorded_on = (char *) "2022-04-15";
  f->restricted_record = rl_store_add_derogatory_record (s, &d, &error);
  g_assert_no_error (error);
  d.category = RL_DEROGATORY_REVOKED_VISA;
  d.source_agency_id = f->border;
  d.restricted = FALSE;
  d.summary = (char *) SHARABLE;
  d.recorded_on = (char *) "2019-09-09";
  g_assert_cmpint (rl_store_add_derogatory_record (s, &d, &error), >, 0);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (f->db, suffixes[i], NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

/* The restricted record as the given user sees it through the store. */
static RlDerogatoryRecord *
find_record (GPtrArray *records, gint64 id)
{
  for (guint i = 0; i < records->len; i++)
    if (((RlDerogatoryRecord *) g_ptr_array_index (records, i))->id == id)
      return g_ptr_array_index (records, i);
  return NULL;
}

static void
test_store_query (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_open (f->db, &error);
  g_autoptr(GPtrArray) as_outsider = NULL;
  g_autoptr(GPtrArray) as_police = NULL;
  g_autoptr(GPtrArray) as_border = NULL;
  RlDerogatoryRecord *r;

  g_assert_no_error (error);
  /* An examiner of another agency: category and holder only. */
  g_assert_true (rl_store_set_actor (s, f->outsider, &error));
  as_outsider = rl_store_list_derogatory_records (s, f->identity, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (as_outsider->len, ==, 2);
  r = find_record (as_outsider, f->restricted_record);
  g_assert_nonnull (r);
  g_assert_true (r->withheld);
  g_assert_null (r->summary);
  g_assert_null (r->recorded_on);
  g_assert_cmpstr (r->source_agency, ==, "POLICE");
  g_assert_cmpint (r->category, ==, RL_DEROGATORY_DRUG_SMUGGLER);

  /* Staff of the holding agency read it. */
  g_assert_true (rl_store_set_actor (s, f->police_analyst, &error));
  as_police = rl_store_list_derogatory_records (s, f->identity, &error);
  r = find_record (as_police, f->restricted_record);
  g_assert_false (r->withheld);
  g_assert_cmpstr (r->summary, ==, SECRET);

  /* A grant by the data steward takes effect at once. */
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  g_assert_cmpint (rl_store_grant_restricted_access (s, f->police, RL_ROLE_ANALYST, f->border, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, f->border_analyst, &error));
  as_border = rl_store_list_derogatory_records (s, f->identity, &error);
  r = find_record (as_border, f->restricted_record);
  g_assert_false (r->withheld);
  g_assert_cmpstr (r->summary, ==, SECRET);
}

static int
run_cli (char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("RIDGELINE_CLI");
  va_list args;
  int status = -1;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  va_start (args, first);
  for (const char *a = first; a; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                               &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* The derogatory_records array of "identity show" output (parsed, checked). */
static JsonArray *
derogatory_of (JsonParser *parser, const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "encounters")), ==, 2);
  return json_object_get_array_member (root, "derogatory_records");
}

static JsonObject *
record_of_category (JsonArray *records, const char *category)
{
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *o = json_array_get_object_element (records, i);
      if (g_strcmp0 (json_object_get_string_member (o, "category"), category) == 0)
        return o;
    }
  return NULL;
}

static void
test_cli_show (Fixture *f, gconstpointer data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->identity);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  JsonArray *records;
  JsonObject *o;
  gboolean saw_outsider = FALSE, saw_police = FALSE;

  /* Without the right: category and holder, nothing of the content. */
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", id, "--db", f->db, "--as", "bex",
                            "--purpose", "CASE-2026-17 border check", NULL), ==, 0);
  g_assert_null (strstr (out, SECRET));
  g_assert_null (strstr (out, "Lake Ridge"));
  g_assert_null (strstr (out, "2022-04-15"));
  g_assert_nonnull (strstr (out, SHARABLE));
  records = derogatory_of (parser, out);
  o = record_of_category (records, "drug-smuggler");
  g_assert_nonnull (o);
  g_assert_cmpstr (json_object_get_string_member (o, "held_by"), ==, "POLICE");
  g_assert_false (json_object_has_member (o, "summary"));
  /* Each agency's spelling, where it came from. */
  g_assert_nonnull (strstr (out, "\"Okafore\""));
  g_assert_nonnull (strstr (out, "\"Okafor\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* With the right (staff of the holding agency): the content. */
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", id, "--db", f->db, "--as", "pan",
                            "--purpose", "Warrant 55/26", NULL), ==, 0);
  records = derogatory_of (parser, out);
  o = record_of_category (records, "drug-smuggler");
  g_assert_cmpstr (json_object_get_string_member (o, "summary"), ==, SECRET);
  g_assert_false (json_object_has_member (o, "held_by"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Refusals: no purpose, unknown user, no such identity, not a number. */
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", id, "--db", f->db, "--as", "bex", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "--purpose"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", id, "--db", f->db, "--as", "nobody",
                            "--purpose", "x", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "nobody"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", "999", "--db", f->db, "--as", "bex",
                            "--purpose", "x", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "999"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", "P-1", "--db", f->db, "--as", "bex",
                            "--purpose", "x", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Both looks are in the audit log, with user and purpose; refusals are not. */
  s = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  audit = rl_store_list_audit (s, "identity", f->identity, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      RlAuditEntry *a = g_ptr_array_index (audit, i);
      if (g_strcmp0 (a->action, "identity.open") != 0)
        continue;
      if (g_strcmp0 (a->username, "bex") == 0)
        {
          g_assert_cmpstr (a->purpose, ==, "CASE-2026-17 border check");
          saw_outsider = TRUE;
        }
      else if (g_strcmp0 (a->username, "pan") == 0)
        {
          g_assert_cmpstr (a->purpose, ==, "Warrant 55/26");
          saw_police = TRUE;
        }
      else
        g_assert_not_reached ();
    }
  g_assert_true (saw_outsider);
  g_assert_true (saw_police);
}

/* identity split / merge / unmerge on the command line: refused without a
 * reason or for an examiner, audited with the user; every encounter kept. */
static void
test_cli_split_unmerge (Fixture *f, gconstpointer data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->identity);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *enc = NULL;
  g_autofree char *new_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_open (f->db, &error);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) moved = NULL;
  g_autoptr(GPtrArray) after = NULL;
  const char *at;
  gint64 new_id;

  g_assert_no_error (error);
  before = rl_store_list_encounters (s, f->identity, &error);
  g_assert_cmpuint (before->len, ==, 2);
  enc = g_strdup_printf ("%" G_GINT64_FORMAT, ((RlEncounter *) g_ptr_array_index (before, 1))->id);
  g_clear_pointer (&s, rl_store_close);

  g_assert_cmpint (run_cli (&out, &err, "identity", "split", id, enc, "--db", f->db, "--as", "ban", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "reason"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "identity", "split", id, enc, "--db", f->db, "--as", "bex",
                            "--reason", "mixed up", NULL), !=, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "identity", "split", id, enc, "--db", f->db, "--as", "ban",
                            "--reason", "Second person enrolled under this reference", NULL), ==, 0);
  at = strstr (out, "new identity ");
  g_assert_nonnull (at);
  new_id = g_ascii_strtoll (at + strlen ("new identity "), NULL, 10);
  g_assert_cmpint (new_id, >, f->identity);
  new_text = g_strdup_printf ("%" G_GINT64_FORMAT, new_id);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Merged back, then the merge undone. */
  g_assert_cmpint (run_cli (&out, &err, "identity", "merge", new_text, id, "--db", f->db, "--as", "ban",
                            "--reason", "Checked again: same person", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "identity", "unmerge", new_text, "--db", f->db, "--as", "ban",
                            "--reason", "Supervisor: two people after all", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 encounter(s) moved back"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  s = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  moved = rl_store_list_encounters (s, new_id, &error);
  after = rl_store_list_encounters (s, f->identity, &error);
  g_assert_cmpuint (moved->len, ==, 1);
  g_assert_cmpuint (after->len, ==, 1);
  {
    g_autoptr(GPtrArray) audit = rl_store_list_audit (s, "identity", new_id, 0, 0, &error);
    guint n_split = 0, n_merge = 0, n_unmerge = 0;
    for (guint i = 0; i < audit->len; i++)
      {
        RlAuditEntry *a = g_ptr_array_index (audit, i);
        g_assert_true (g_strcmp0 (a->action, "identity.add") == 0 || g_strcmp0 (a->username, "ban") == 0);
        n_split += g_strcmp0 (a->action, "identity.split") == 0;
        n_merge += g_strcmp0 (a->action, "identity.merge") == 0;
        n_unmerge += g_strcmp0 (a->action, "identity.unmerge") == 0;
      }
    g_assert_cmpuint (n_split, ==, 1);
    g_assert_cmpuint (n_merge, ==, 1);
    g_assert_cmpuint (n_unmerge, ==, 1);
  }
}

/* The data steward's rules on the command line: a grant lets the border
 * analyst read the police's restricted record at once, a revoke takes it
 * back at once; nobody but a steward may change them; both are audited. */
static void
test_cli_access_rules (Fixture *f, gconstpointer data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->identity);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autofree char *rule = NULL;
  JsonObject *o;
  guint n_grant = 0, n_revoke = 0;

  /* no rules yet: withheld from the border analyst */
  g_assert_cmpint (run_cli (&out, &err, "access", "list", "--db", f->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No rules"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* an analyst cannot give themselves the right; a bad role is named */
  g_assert_cmpint (run_cli (&out, &err, "access", "grant", "POLICE", "--role", "analyst", "--agency", "BORDER",
                            "--db", f->db, "--as", "ban", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "ban"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "access", "grant", "POLICE", "--role", "janitor",
                            "--db", f->db, "--as", "steward", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "janitor"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the steward grants border analysts the police's records */
  g_assert_cmpint (run_cli (&out, &err, "access", "grant", "POLICE", "--role", "analyst", "--agency", "BORDER",
                            "--db", f->db, "--as", "steward", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "access", "list", "--db", f->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "POLICE"));
  g_assert_nonnull (strstr (out, "BORDER"));
  g_assert_nonnull (strstr (out, "steward"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* at once: the border analyst reads the content ... */
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", id, "--db", f->db, "--as", "ban",
                            "--purpose", "CASE-9 review", NULL), ==, 0);
  o = record_of_category (derogatory_of (parser, out), "drug-smuggler");
  g_assert_cmpstr (json_object_get_string_member (o, "summary"), ==, SECRET);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* ... an examiner of the same agency still does not */
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", id, "--db", f->db, "--as", "bex",
                            "--purpose", "CASE-9 review", NULL), ==, 0);
  g_assert_null (strstr (out, SECRET));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  s = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  grants = rl_store_list_access_grants (s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpstr (((RlAccessGrant *) grants->pdata[0])->source_agency, ==, "POLICE");
  g_assert_cmpstr (((RlAccessGrant *) grants->pdata[0])->agency, ==, "BORDER");
  g_assert_cmpint (((RlAccessGrant *) grants->pdata[0])->role, ==, RL_ROLE_ANALYST);
  rule = g_strdup_printf ("%" G_GINT64_FORMAT, ((RlAccessGrant *) grants->pdata[0])->id);
  g_clear_pointer (&s, rl_store_close);

  /* revoked: withheld again at once */
  g_assert_cmpint (run_cli (&out, &err, "access", "revoke", rule, "--db", f->db, "--as", "steward", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "identity", "show", id, "--db", f->db, "--as", "ban",
                            "--purpose", "CASE-9 review", NULL), ==, 0);
  g_assert_null (strstr (out, SECRET));
  o = record_of_category (derogatory_of (parser, out), "drug-smuggler");
  g_assert_cmpstr (json_object_get_string_member (o, "held_by"), ==, "POLICE");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "access", "revoke", rule, "--db", f->db, "--as", "steward", NULL), !=, 0);
  g_assert_nonnull (strstr (err, rule));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  s = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  audit = rl_store_list_audit (s, NULL, 0, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      RlAuditEntry *e = audit->pdata[i];
      n_grant += g_strcmp0 (e->action, "access.grant") == 0;
      n_revoke += g_strcmp0 (e->action, "access.revoke") == 0;
    }
  g_assert_cmpuint (n_grant, ==, 1);
  g_assert_cmpuint (n_revoke, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/identity-access/store-query", Fixture, NULL, fixture_set_up, test_store_query, fixture_tear_down);
  g_test_add ("/identity-access/cli-show", Fixture, NULL, fixture_set_up, test_cli_show, fixture_tear_down);
  g_test_add ("/identity-access/cli-access-rules", Fixture, NULL, fixture_set_up, test_cli_access_rules,
              fixture_tear_down);
  g_test_add ("/identity-access/cli-split-unmerge", Fixture, NULL, fixture_set_up, test_cli_split_unmerge,
              fixture_tear_down);
  return g_test_run ();
}
