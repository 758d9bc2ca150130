/* cli-identity.c — identity commands: show (as JSON, what one user may see),
 * links, resolve-link, check-links, merge, split, unmerge.
 *
 * "identity show" opens the record through rl_store_open_identity, so the
 * look is audited with the user and purpose exactly as in the GUI, and reads
 * derogatory records through rl_store_list_derogatory_records, so restricted
 * content the user may not read never leaves the store. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-mid.h"
#include "rl-store.h"

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_time (JsonBuilder *b, const char *name, gint64 t)
{
  g_autofree char *s = t ? format_time (t) : NULL;
  add_string (b, name, s);
}

static void
add_encounters (JsonBuilder *b, GPtrArray *encounters)
{
  json_builder_set_member_name (b, "encounters");
  json_builder_begin_array (b);
  for (guint i = 0; i < encounters->len; i++)
    {
      RlEncounter *e = g_ptr_array_index (encounters, i);

      json_builder_begin_object (b);
      add_int (b, "id", e->id);
      add_string (b, "agency", e->agency);
      add_time (b, "occurred_at", e->occurred_at);
      add_string (b, "purpose", rl_encounter_purpose_to_id (e->purpose));
      add_string (b, "place", e->place);
      add_string (b, "case_reference", e->case_reference);
      /* Biographic data as this agency recorded it: never merged, so the
       * analyst sees where each variant came from. */
      json_builder_set_member_name (b, "biographic");
      json_builder_begin_object (b);
      add_string (b, "family_name", e->family_name);
      add_string (b, "given_names", e->given_names);
      add_string (b, "date_of_birth", e->date_of_birth);
      add_string (b, "nationality", e->nationality);
      add_string (b, "sex", e->sex);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static gboolean
add_samples (JsonBuilder *b, RlStore *store, gint64 identity_id, GError **error)
{
  g_autoptr(GPtrArray) samples = rl_store_list_identity_samples (store, identity_id, error);

  if (samples == NULL)
    return FALSE;
  /* Per finger position (1..10, then 0 = unknown), best quality first. */
  json_builder_set_member_name (b, "samples");
  json_builder_begin_object (b);
  for (int finger = 0; finger <= 10; finger++)
    {
      g_autoptr(GPtrArray) of_finger = g_ptr_array_new ();

      for (guint i = 0; i < samples->len; i++)
        {
          RlSample *s = g_ptr_array_index (samples, i);
          if ((int) s->finger == finger)
            g_ptr_array_add (of_finger, s);
        }
      if (of_finger->len == 0)
        continue;
      {
        g_autofree char *key = g_strdup_printf ("%d", finger);
        json_builder_set_member_name (b, key);
      }
      json_builder_begin_array (b);
      for (guint i = 0; i < of_finger->len; i++)
        {
          RlSample *s = g_ptr_array_index (of_finger, i);

          json_builder_begin_object (b);
          add_int (b, "id", s->id);
          add_int (b, "encounter_id", s->encounter_id);
          add_int (b, "impression", s->impression);
          add_int (b, "quality", s->quality);
          add_int (b, "width", s->width);
          add_int (b, "height", s->height);
          add_int (b, "ppi", s->ppi);
          add_string (b, "image_sha256", s->image_sha256);
          json_builder_set_member_name (b, "has_template");
          json_builder_add_boolean_value (b, s->has_template);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

static gboolean
add_derogatory (JsonBuilder *b, RlStore *store, gint64 identity_id, GError **error)
{
  g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (store, identity_id, error);

  if (records == NULL)
    return FALSE;
  json_builder_set_member_name (b, "derogatory_records");
  json_builder_begin_array (b);
  for (guint i = 0; i < records->len; i++)
    {
      RlDerogatoryRecord *r = g_ptr_array_index (records, i);

      json_builder_begin_object (b);
      add_int (b, "id", r->id);
      add_string (b, "category", rl_derogatory_category_to_id (r->category));
      if (r->withheld)
        {
          /* Only that a record exists and who holds it: the content stays
           * with the agency (the store did not even return it). */
          json_builder_set_member_name (b, "withheld");
          json_builder_add_boolean_value (b, TRUE);
          add_string (b, "held_by", r->source_agency);
        }
      else
        {
          add_string (b, "source_agency", r->source_agency);
          json_builder_set_member_name (b, "restricted");
          json_builder_add_boolean_value (b, r->restricted);
          add_string (b, "summary", r->summary);
          add_string (b, "recorded_on", r->recorded_on);
          add_string (b, "expires_on", r->expires_on);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

static gboolean
add_links (JsonBuilder *b, RlStore *store, gint64 identity_id, GError **error)
{
  g_autoptr(GPtrArray) links = rl_store_list_identity_links (store, identity_id, error);

  if (links == NULL)
    return FALSE;
  json_builder_set_member_name (b, "identity_links");
  json_builder_begin_array (b);
  for (guint i = 0; i < links->len; i++)
    {
      RlIdentityLink *l = g_ptr_array_index (links, i);

      json_builder_begin_object (b);
      add_int (b, "id", l->id);
      add_int (b, "other_identity", l->identity_a == identity_id ? l->identity_b : l->identity_a);
      add_string (b, "colour", rl_link_colour_to_id (l->colour));
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, l->score);
      add_time (b, "created_at", l->created_at);
      if (l->resolved_at)
        {
          add_int (b, "resolved_by", l->resolved_by);
          add_time (b, "resolved_at", l->resolved_at);
          add_string (b, "reason", l->reason);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

static gboolean
add_hits (JsonBuilder *b, RlStore *store, gint64 identity_id, GPtrArray *encounters, GError **error)
{
  g_autoptr(GPtrArray) hits = rl_store_list_hits (store, 0, error);
  g_autoptr(GHashTable) own = g_hash_table_new (g_int64_hash, g_int64_equal);

  if (hits == NULL)
    return FALSE;
  for (guint i = 0; i < encounters->len; i++)
    g_hash_table_add (own, &((RlEncounter *) g_ptr_array_index (encounters, i))->id);
  /* Hits against this identity, and hits raised by its own encounters. */
  json_builder_set_member_name (b, "hits");
  json_builder_begin_array (b);
  for (guint i = 0; i < hits->len; i++)
    {
      RlHit *h = g_ptr_array_index (hits, i);

      if (h->identity_id != identity_id && !g_hash_table_contains (own, &h->encounter_id))
        continue;
      json_builder_begin_object (b);
      add_int (b, "id", h->id);
      add_int (b, "search_id", h->search_id);
      add_int (b, "encounter_id", h->encounter_id);
      add_int (b, "identity_id", h->identity_id);
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, h->score);
      add_string (b, "status", rl_hit_status_to_id (h->status));
      add_time (b, "created_at", h->created_at);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

static int
open_store_as (const char *db, const char *username, RlStore **out_store, RlUser **out_user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlUser) user = NULL;

  if (db == NULL)
    return rl_cli_fail (_("--db PATH is required")), 2;
  if (username == NULL)
    return rl_cli_fail (_("--as USER is required: say on whose behalf the record is read")), 2;
  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (!(user = rl_store_get_user_by_name (store, username, &error)))
    return rl_cli_fail (_("unknown user “%s”: %s"), username, error->message);
  if (!rl_store_set_actor (store, user->id, &error))
    return rl_cli_fail_error (error);
  *out_store = g_steal_pointer (&store);
  if (out_user)
    *out_user = g_steal_pointer (&user);
  return 0;
}

static gboolean
parse_id (const char *text, gint64 *out)
{
  char *end = NULL;
  gint64 v;

  if (text == NULL || *text == '\0')
    return FALSE;
  v = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || v <= 0)
    return FALSE;
  *out = v;
  return TRUE;
}

static int
identity_show (RlStore *store, RlUser *user, gint64 identity_id, const char *purpose)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlIdentity) identity = NULL;
  g_autoptr(GPtrArray) encounters = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  /* Audited opening first: nothing is printed unless the look is logged. */
  if (!(identity = rl_store_open_identity (store, identity_id, purpose, &error)))
    return rl_cli_fail_error (error);
  if (!(encounters = rl_store_list_encounters (store, identity_id, &error)))
    return rl_cli_fail_error (error);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "viewer");
  json_builder_begin_object (b);
  add_string (b, "username", user->username);
  add_string (b, "role", rl_role_to_id (user->role));
  add_string (b, "agency", user->agency);
  add_string (b, "purpose", purpose);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "identity");
  json_builder_begin_object (b);
  add_int (b, "id", identity->id);
  add_string (b, "reference", identity->reference);
  add_time (b, "created_at", identity->created_at);
  if (identity->merged_into)
    add_int (b, "merged_into", identity->merged_into);
  add_string (b, "family_name", identity->family_name);
  add_string (b, "given_names", identity->given_names);
  add_string (b, "date_of_birth", identity->date_of_birth);
  add_string (b, "nationality", identity->nationality);
  add_string (b, "sex", identity->sex);
  add_int (b, "n_encounters", identity->n_encounters);
  add_int (b, "n_derogatory", identity->n_derogatory);
  add_time (b, "first_seen", identity->first_seen);
  add_time (b, "last_seen", identity->last_seen);
  json_builder_end_object (b);

  add_encounters (b, encounters);
  if (!add_samples (b, store, identity_id, &error) ||
      !add_derogatory (b, store, identity_id, &error) ||
      !add_links (b, store, identity_id, &error) ||
      !add_hits (b, store, identity_id, encounters, &error))
    return rl_cli_fail_error (error);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  return 0;
}

static int
identity_links (RlStore *store, gint64 identity_id, const char *colour_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = rl_store_list_identity_links (store, identity_id, &error);
  RlLinkColour colour = 0;

  if (colour_id != NULL && !rl_link_colour_from_id (colour_id, &colour))
    return rl_cli_fail (_("unknown link colour “%s” (yellow, white, green, red)"), colour_id), 2;
  if (links == NULL)
    return rl_cli_fail_error (error);
  for (guint i = 0; i < links->len; i++)
    {
      RlIdentityLink *l = g_ptr_array_index (links, i);
      g_autofree char *at = format_time (l->created_at);

      if (colour != 0 && l->colour != colour)
        continue;
      printf ("%6" G_GINT64_FORMAT "  %-6s  identity %" G_GINT64_FORMAT " ↔ %" G_GINT64_FORMAT "  score %.1f  %s",
              l->id, rl_link_colour_to_id (l->colour), l->identity_a, l->identity_b, l->score, at);
      if (l->reason && l->reason[0])
        printf (_("  reason: %s"), l->reason);
      printf ("\n");
    }
  return 0;
}

int
rl_cli_identity (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *username = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *colour = NULL;
  g_autofree char *reason = NULL;
  gint64 identity_id = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlUser) user = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &username, N_("The user on whose behalf to read or act"), N_("USER") },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, N_("show: why the record is opened (case number or reason)"), N_("TEXT") },
    { "identity", 0, 0, G_OPTION_ARG_INT64, &identity_id, N_("links: only links of this identity"), N_("ID") },
    { "colour", 0, 0, G_OPTION_ARG_STRING, &colour, N_("links: only this colour; resolve-link: the new colour"), N_("COLOUR") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("resolve-link, merge, split, unmerge: why"), N_("TEXT") },
    { NULL }
  };

  context = g_option_context_new (_("show ID | links | resolve-link LINK | check-links ENCOUNTER | merge FROM INTO | split ID ENCOUNTER… | "
                                    "unmerge ID"));
  g_option_context_set_summary (context,
                                _("show: print as JSON what the user may see of an identity (restricted derogatory "
                                  "records they may not read only say who holds them) and record the look, with "
                                  "its purpose, in the audit log.\n"
                                  "links: list multiple-identity links (yellow = to review).\n"
                                  "resolve-link: set a link white (same person), green (different people) or red "
                                  "(identity fraud) with a reason.\n"
                                  "check-links: compare an encounter's prints with other identities' and add yellow "
                                  "links where the biographic data differs.\n"
                                  "merge: move every encounter, record and hit of FROM to INTO (audited, --reason).\n"
                                  "split: move the given encounters of identity ID (a wrong attachment) to a new "
                                  "identity; the rest stays (audited, --reason).\n"
                                  "unmerge: undo the merge of ID: what it moved goes back (audited, --reason)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (argc < 2)
    return rl_cli_fail (_("say “identity show ID”, “identity links” or “identity resolve-link LINK”")), 2;

  if (strcmp (argv[1], "show") == 0)
    {
      gint64 id;

      if (argc != 3 || !parse_id (argv[2], &id))
        return rl_cli_fail (_("identity show needs one identity id (a positive number), got “%s”"),
                            argc >= 3 ? argv[2] : ""), 2;
      if (purpose == NULL || g_strstrip (purpose)[0] == '\0')
        return rl_cli_fail (_("--purpose TEXT is required: say why the record is opened (case number or reason)")), 2;
      if ((status = open_store_as (db, username, &store, &user)) != 0)
        return status;
      return identity_show (store, user, id, purpose);
    }
  if (strcmp (argv[1], "links") == 0)
    {
      if ((status = open_store_as (db, username, &store, &user)) != 0)
        return status;
      return identity_links (store, identity_id, colour);
    }
  if (strcmp (argv[1], "resolve-link") == 0)
    {
      gint64 link_id;
      RlLinkColour c;

      if (argc != 3 || !parse_id (argv[2], &link_id))
        return rl_cli_fail (_("identity resolve-link needs one link id")), 2;
      if (colour == NULL || !rl_link_colour_from_id (colour, &c))
        return rl_cli_fail (_("--colour must be white, green or red")), 2;
      if ((status = open_store_as (db, username, &store, &user)) != 0)
        return status;
      if (!rl_store_resolve_identity_link (store, link_id, c, reason, &error))
        return rl_cli_fail_error (error);
      printf (_("link %" G_GINT64_FORMAT " is now %s\n"), link_id, rl_link_colour_to_id (c));
      return 0;
    }
  if (strcmp (argv[1], "check-links") == 0)
    {
      gint64 encounter_id;
      int n;

      if (argc != 3 || !parse_id (argv[2], &encounter_id))
        return rl_cli_fail (_("identity check-links needs one encounter id")), 2;
      if ((status = open_store_as (db, username, &store, &user)) != 0)
        return status;
      if ((n = rl_mid_check_encounter (store, encounter_id, 0, &error)) < 0)
        return rl_cli_fail_error (error);
      printf (_("%d identity link(s) for encounter %" G_GINT64_FORMAT "\n"), n, encounter_id);
      return 0;
    }
  if (strcmp (argv[1], "merge") == 0)
    {
      gint64 from, into;
      int n;

      if (argc != 4 || !parse_id (argv[2], &from) || !parse_id (argv[3], &into))
        return rl_cli_fail (_("identity merge needs two identity ids: FROM INTO")), 2;
      if ((status = open_store_as (db, username, &store, &user)) != 0)
        return status;
      if ((n = rl_store_merge_identities (store, from, into, reason, &error)) < 0)
        return rl_cli_fail_error (error);
      printf (_("identity %" G_GINT64_FORMAT " merged into %" G_GINT64_FORMAT ": %d encounter(s) moved\n"),
              from, into, n);
      return 0;
    }
  if (strcmp (argv[1], "split") == 0)
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      gint64 from, new_id;

      if (argc < 4 || !parse_id (argv[2], &from))
        return rl_cli_fail (_("identity split needs an identity id and the encounter ids to split off: "
                              "ID ENCOUNTER...")), 2;
      for (int i = 3; i < argc; i++)
        {
          gint64 id;
          if (!parse_id (argv[i], &id))
            return rl_cli_fail (_("“%s” is not an encounter id (a positive number)"), argv[i]), 2;
          g_array_append_val (ids, id);
        }
      if ((status = open_store_as (db, username, &store, &user)) != 0)
        return status;
      if ((new_id = rl_store_split_identity (store, from, (const gint64 *) ids->data, ids->len, reason, &error)) == 0)
        return rl_cli_fail_error (error);
      printf (_("%u encounter(s) split off identity %" G_GINT64_FORMAT " into new identity %" G_GINT64_FORMAT "\n"),
              ids->len, from, new_id);
      return 0;
    }
  if (strcmp (argv[1], "unmerge") == 0)
    {
      gint64 id;
      int n;

      if (argc != 3 || !parse_id (argv[2], &id))
        return rl_cli_fail (_("identity unmerge needs the id of the identity that was merged away")), 2;
      if ((status = open_store_as (db, username, &store, &user)) != 0)
        return status;
      if ((n = rl_store_undo_merge (store, id, reason, &error)) < 0)
        return rl_cli_fail_error (error);
      printf (_("identity %" G_GINT64_FORMAT " restored: %d encounter(s) moved back\n"), id, n);
      return 0;
    }
  return rl_cli_fail (_("unknown identity command “%s”"), argv[1]), 2;
}
