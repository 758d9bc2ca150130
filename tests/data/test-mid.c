/* Multiple-identity detection: a new encounter whose prints match another
 * identity with different biographic data gets a yellow link; an analyst
 * resolves it with a reason; merging keeps every encounter; all audited. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-mid.h"
#include "rl-store.h"
#include "rl-synth.h"
#include "rl-template-io.h"

typedef struct {
  RlStore *store;
  char    *dir;
  char    *db;
  gint64   agency, analyst, examiner;
} Fixture;

static gint64
add_person (Fixture *f, const char *family, const char *dob, guint64 finger_seed, guint64 impression_seed,
            gint64 *out_encounter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (finger_seed, RL_FINGER_RIGHT_INDEX);
  g_autoptr(RlTemplate) tpl = NULL;
  g_autoptr(GBytes) bytes = NULL;
  RlSynthImpression imp;
  RlEncounter e = { 0 };
  RlSample s = { 0 };
  gint64 identity, encounter;

  identity = rl_store_add_identity (f->store, NULL, &error);
  g_assert_no_error (error);
  e.identity_id = identity;
  e.agency_id = f->agency;
  e.occurred_at = 1700000000 + (gint64) impression_seed * 86400;
  e.purpose = RL_PURPOSE_VISA_APPLICATION;
  e.family_name = (char *) family;
  e.given_names = (char *) "Ada";
  e.date_of_birth = (char *) dob;
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
  s.quality = 80;
  g_assert_cmpint (rl_store_add_sample (f->store, &s, bytes, &error), >, 0);
  g_assert_no_error (error);
  if (out_encounter)
    *out_encounter = encounter;
  return identity;
}

/* One more encounter (with a print) for an existing identity. */
static gint64
add_encounter (Fixture *f, gint64 identity, const char *family, guint64 finger_seed, guint64 impression_seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (finger_seed, RL_FINGER_RIGHT_INDEX);
  g_autoptr(RlTemplate) tpl = NULL;
  g_autoptr(GBytes) bytes = NULL;
  RlSynthImpression imp;
  RlEncounter e = { 0 };
  RlSample s = { 0 };
  gint64 encounter;

  e.identity_id = identity;
  e.agency_id = f->agency;
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
  s.quality = 70;
  g_assert_cmpint (rl_store_add_sample (f->store, &s, bytes, &error), >, 0);
  g_assert_no_error (error);
  return encounter;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 steward;

  f->dir = g_dir_make_tmp ("rl-mid-XXXXXX", &error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  f->store = rl_store_create (f->db, &error);
  g_assert_no_error (error);
  f->agency = rl_store_add_agency (f->store, "BORDER", "Border Agency", &error);
  steward = rl_store_add_user (f->store, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, f->agency, &error);
  g_assert_true (rl_store_set_actor (f->store, steward, &error));
  f->analyst = rl_store_add_user (f->store, "an1", "Ann Analyst", RL_ROLE_ANALYST, f->agency, &error);
  f->examiner = rl_store_add_user (f->store, "ex1", "Eve Examiner", RL_ROLE_EXAMINER, f->agency, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (f->store, 0, &error));
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

static void
test_biographic_differs (void)
{
  RlEncounter a = { .family_name = (char *) "Chien", .given_names = (char *) "Wu", .date_of_birth = (char *) "1997-00-00",
                    .nationality = (char *) "CHN" };
  RlEncounter b = a;

  b.date_of_birth = (char *) "1997-07-18";
  g_assert_false (rl_mid_biographic_differs (&a, &b));   /* unknown month/day is not a difference */
  b.date_of_birth = (char *) "1998-07-18";
  g_assert_true (rl_mid_biographic_differs (&a, &b));
  b.date_of_birth = (char *) "";
  g_assert_false (rl_mid_biographic_differs (&a, &b));
  b.family_name = (char *) "Wu";
  g_assert_true (rl_mid_biographic_differs (&a, &b));
  b = a;
  b.nationality = (char *) "TWN";
  g_assert_true (rl_mid_biographic_differs (&a, &b));
}

static void
test_link_resolve_merge (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GPtrArray) all_links = NULL;
  g_autoptr(GPtrArray) encounters = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(RlIdentity) merged = NULL;
  gint64 enrolled, alias, stranger, duplicate, probe_encounter, probe_identity;
  RlIdentityLink *link;

  /* Held: the same finger under another name; a stranger; the same finger
   * with the same biographic data (a duplicate enrolment, not a MID case). */
  enrolled = add_person (f, "Okafor", "1984-03-02", 7, 1, NULL);
  alias = add_person (f, "Okonkwo", "1986-11-20", 7, 2, NULL);
  stranger = add_person (f, "Lindqvist", "1990-01-01", 99, 3, NULL);
  (void) stranger;
  /* The new encounter: same finger as enrolled/alias, under the name and
   * date of birth it was first enrolled with. */
  probe_identity = add_person (f, "Okafor", "1984-03-02", 7, 4, &probe_encounter);
  duplicate = enrolled;

  g_assert_cmpint (rl_mid_check_encounter (f->store, probe_encounter, 0, &error), ==, 1);
  g_assert_no_error (error);
  links = rl_store_list_identity_links (f->store, probe_identity, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 1);
  link = g_ptr_array_index (links, 0);
  g_assert_cmpint (link->colour, ==, RL_LINK_YELLOW);
  g_assert_cmpint (MIN (link->identity_a, link->identity_b), ==, MIN (probe_identity, alias));
  g_assert_cmpint (MAX (link->identity_a, link->identity_b), ==, MAX (probe_identity, alias));
  g_assert_cmpfloat (link->score, >=, rl_mid_default_threshold ());
  g_assert_cmpuint (count_audit (f->store, "identity_link", link->id, "link.add"), ==, 1);
  /* No link to the duplicate (same biographic data) or the stranger. */
  all_links = rl_store_list_identity_links (f->store, 0, &error);
  g_assert_cmpuint (all_links->len, ==, 1);
  (void) duplicate;

  /* Checking again keeps the one link. */
  g_assert_cmpint (rl_mid_check_encounter (f->store, probe_encounter, 0, &error), ==, 1);
  g_clear_pointer (&all_links, g_ptr_array_unref);
  all_links = rl_store_list_identity_links (f->store, 0, &error);
  g_assert_cmpuint (all_links->len, ==, 1);

  /* An examiner may not resolve it; an analyst needs a reason. */
  g_assert_true (rl_store_set_actor (f->store, f->examiner, &error));
  g_assert_false (rl_store_resolve_identity_link (f->store, link->id, RL_LINK_RED, "fraud", &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (f->store, f->analyst, &error));
  g_assert_false (rl_store_resolve_identity_link (f->store, link->id, RL_LINK_WHITE, "  ", &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (rl_store_resolve_identity_link (f->store, link->id, RL_LINK_WHITE,
                                                 "Passport shows both names (marriage)", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_audit (f->store, "identity_link", link->id, "link.resolve"), ==, 1);

  /* Merge the alias into the probe's identity: every encounter kept. */
  g_assert_cmpint (rl_store_merge_identities (f->store, alias, probe_identity, NULL, &error), ==, -1);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (rl_store_merge_identities (f->store, alias, probe_identity, "Same person, link 1 white", &error),
                   ==, 1);
  g_assert_no_error (error);
  encounters = rl_store_list_encounters (f->store, probe_identity, &error);
  g_assert_cmpuint (encounters->len, ==, 2);
  merged = rl_store_open_identity (f->store, alias, "check merge", &error);
  g_assert_no_error (error);
  g_assert_cmpint (merged->merged_into, ==, probe_identity);
  audit = rl_store_list_audit (f->store, "identity", alias, 0, 0, &error);
  g_assert_cmpuint (count_audit (f->store, "identity", alias, "identity.merge"), ==, 1);
  for (guint i = 0; i < audit->len; i++)
    {
      RlAuditEntry *a = g_ptr_array_index (audit, i);
      if (g_strcmp0 (a->action, "identity.merge") == 0)
        {
          g_assert_nonnull (strstr (a->details, "Same person, link 1 white"));
          g_assert_cmpstr (a->username, ==, "an1");
        }
    }
  /* Merged away: cannot be merged again. */
  g_assert_cmpint (rl_store_merge_identities (f->store, alias, enrolled, "again", &error), ==, -1);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  {
    g_autoptr(RlAuditReport) report = rl_store_verify_audit (f->store, &error);
    g_assert_null (report->problem);
  }
}

/* Every encounter of the workspace, live or merged identities alike, by id. */
static GHashTable *
all_encounters (RlStore *store, gint64 max_identity)
{
  GHashTable *seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (gint64 id = 1; id <= max_identity; id++)
    {
      g_autoptr(GPtrArray) list = rl_store_list_encounters (store, id, NULL);
      for (guint i = 0; list && i < list->len; i++)
        {
          RlEncounter *e = g_ptr_array_index (list, i);
          gint64 *key = g_new (gint64, 1);
          *key = e->id;
          g_hash_table_insert (seen, key, g_strdup_printf ("%s/%" G_GINT64_FORMAT, e->family_name, id));
        }
    }
  return seen;
}

static gboolean
listed (RlStore *store, gint64 identity)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = rl_store_list_identities (store, NULL, 0, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    if (((RlIdentity *) g_ptr_array_index (list, i))->id == identity)
      return TRUE;
  return FALSE;
}

static const char *
audit_details (RlStore *store, gint64 identity, const char *action)
{
  static char buf[1024];
  g_autoptr(GPtrArray) rows = rl_store_list_audit (store, "identity", identity, 0, 0, NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      RlAuditEntry *a = g_ptr_array_index (rows, i);
      if (g_strcmp0 (a->action, action) == 0)
        {
          g_strlcpy (buf, a->details, sizeof buf);
          return buf;
        }
    }
  return NULL;
}

static void
test_merge_undo_split (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(RlIdentity) opened = NULL;
  RlDerogatoryRecord record = { 0 };
  gint64 alias, keeper, alias_e1, alias_e2, keeper_e1, new_id, wrong[2], max_id;
  guint n_live;

  alias = add_person (f, "Okonkwo", "1986-11-20", 7, 1, &alias_e1);
  alias_e2 = add_encounter (f, alias, "Okonkwo", 7, 2);
  keeper = add_person (f, "Okafor", "1984-03-02", 7, 3, &keeper_e1);
  record.identity_id = alias;
  record.category = RL_DEROGATORY_REVOKED_VISA;
  record.source_agency_id = f->agency;
  record.summary = (char *) "Visa revoked 2023";
  record.recorded_on = (char *) "2023-05-01";
  g_assert_cmpint (rl_store_add_derogatory_record (f->store, &record, &error), >, 0);
  g_assert_no_error (error);
  n_live = rl_store_count_identities (f->store, &error);
  g_assert_cmpuint (n_live, ==, 2);
  before = all_encounters (f->store, keeper);
  g_assert_cmpuint (g_hash_table_size (before), ==, 3);

  /* Merge: the alias is gone from lists and counts, its record moved. */
  g_assert_true (rl_store_set_actor (f->store, f->analyst, &error));
  g_assert_cmpint (rl_store_merge_identities (f->store, alias, keeper, "Same person (link white)", &error), ==, 2);
  g_assert_no_error (error);
  g_assert_false (listed (f->store, alias));
  g_assert_true (listed (f->store, keeper));
  g_assert_cmpuint (rl_store_count_identities (f->store, &error), ==, 1);
  records = rl_store_list_derogatory_records (f->store, keeper, &error);
  g_assert_cmpuint (records->len, ==, 1);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_assert_nonnull (audit_details (f->store, keeper, "identity.merge"));
  g_assert_nonnull (strstr (audit_details (f->store, keeper, "identity.merge"), "Same person (link white)"));
  /* Opened by id, the merged identity says where it went. */
  opened = rl_store_open_identity (f->store, alias, "check", &error);
  g_assert_no_error (error);
  g_assert_cmpint (opened->merged_into, ==, keeper);
  g_assert_cmpuint (opened->n_encounters, ==, 0);
  g_clear_pointer (&opened, rl_identity_free);

  /* A split-off since the merge stays where the analyst put it... */
  g_assert_cmpint (rl_store_split_identity (f->store, keeper, &alias_e2, 1, "Wrong attachment", &error), >, 0);
  g_assert_no_error (error);
  /* ... and undoing the merge brings back the rest, with the record. */
  g_assert_cmpint (rl_store_undo_merge (f->store, alias, "  ", &error), ==, -1);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (rl_store_undo_merge (f->store, alias, "Supervisor: the passports are of two people", &error),
                   ==, 1);
  g_assert_no_error (error);
  g_assert_true (listed (f->store, alias));
  list = rl_store_list_encounters (f->store, alias, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((RlEncounter *) g_ptr_array_index (list, 0))->id, ==, alias_e1);
  g_clear_pointer (&list, g_ptr_array_unref);
  records = rl_store_list_derogatory_records (f->store, alias, &error);
  g_assert_cmpuint (records->len, ==, 1);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_assert_nonnull (strstr (audit_details (f->store, alias, "identity.unmerge"), "two people"));
  g_assert_nonnull (audit_details (f->store, keeper, "identity.unmerge"));
  /* Undone once; not merged any more. */
  g_assert_cmpint (rl_store_undo_merge (f->store, alias, "again", &error), ==, -1);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Split: two encounters wrongly attached to the keeper go to a new
   * identity with their biographic data and prints. */
  wrong[0] = add_encounter (f, keeper, "Mensah", 21, 5);
  wrong[1] = add_encounter (f, keeper, "Mensah", 21, 6);
  g_clear_pointer (&before, g_hash_table_unref);
  max_id = keeper + 10;
  before = all_encounters (f->store, max_id);

  /* Refused: no reason, an examiner, someone else's encounter, all of them,
   * none. Nothing changes. */
  g_assert_cmpint (rl_store_split_identity (f->store, keeper, wrong, 2, "", &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (f->store, f->examiner, &error));
  g_assert_cmpint (rl_store_split_identity (f->store, keeper, wrong, 2, "mixed up", &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (f->store, f->analyst, &error));
  {
    gint64 other[] = { wrong[0], alias_e1 };
    gint64 every[] = { wrong[0], wrong[1], keeper_e1 };
    g_assert_cmpint (rl_store_split_identity (f->store, keeper, other, 2, "mixed up", &error), ==, 0);
    g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
    g_assert_nonnull (strstr (error->message, "belongs to identity"));
    g_clear_error (&error);
    g_assert_cmpint (rl_store_split_identity (f->store, keeper, every, 3, "mixed up", &error), ==, 0);
    g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
    g_clear_error (&error);
    g_assert_cmpint (rl_store_split_identity (f->store, keeper, every, 0, "mixed up", &error), ==, 0);
    g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
    g_clear_error (&error);
  }
  after = all_encounters (f->store, max_id);
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before));
  g_clear_pointer (&after, g_hash_table_unref);

  new_id = rl_store_split_identity (f->store, keeper, wrong, 2, "Two people enrolled under one reference", &error);
  g_assert_no_error (error);
  g_assert_cmpint (new_id, >, 0);
  list = rl_store_list_encounters (f->store, new_id, &error);
  g_assert_cmpuint (list->len, ==, 2);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((RlEncounter *) g_ptr_array_index (list, i))->family_name, ==, "Mensah");
  g_clear_pointer (&list, g_ptr_array_unref);
  samples = rl_store_list_identity_samples (f->store, new_id, &error);
  g_assert_cmpuint (samples->len, ==, 2);
  list = rl_store_list_encounters (f->store, keeper, &error);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((RlEncounter *) g_ptr_array_index (list, i))->family_name, !=, "Mensah");
  g_assert_true (listed (f->store, new_id));
  /* Every encounter kept, each once. */
  after = all_encounters (f->store, max_id);
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before));
  {
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init (&iter, before);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_assert_true (g_hash_table_contains (after, key));
  }
  g_assert_nonnull (strstr (audit_details (f->store, keeper, "identity.split"), "Two people enrolled"));
  g_assert_nonnull (audit_details (f->store, new_id, "identity.split"));
  {
    g_autoptr(RlAuditReport) report = rl_store_verify_audit (f->store, &error);
    g_assert_null (report->problem);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mid/biographic-differs", test_biographic_differs);
  g_test_add ("/mid/link-resolve-merge", Fixture, NULL, fixture_set_up, test_link_resolve_merge, fixture_tear_down);
  g_test_add ("/mid/merge-undo-split", Fixture, NULL, fixture_set_up, test_merge_undo_split, fixture_tear_down);
  return g_test_run ();
}
