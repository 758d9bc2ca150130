/* libFuzzer target for the remote workspace's readers (data/rl-store-json.c):
 * whatever a server (or something pretending to be one) sends, every struct
 * reader either reads it or fails with an error — no crash, no undefined
 * behaviour (a double far outside an integer's range must not be cast).
 * The input is parsed as JSON; each reader runs on the root, on each of its
 * members, and on each member's array items. Seeds in corpus/store-json/. */
#include <json-glib/json-glib.h>

#include "rl-store-json.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const struct {
  RlJsonReadFunc func;
  GDestroyNotify free_func;
} readers[] = {
  { (RlJsonReadFunc) rl_user_from_json, (GDestroyNotify) rl_user_free },
  { (RlJsonReadFunc) rl_search_from_json, (GDestroyNotify) rl_search_free },
  { (RlJsonReadFunc) rl_candidate_from_json, (GDestroyNotify) rl_search_candidate_free },
  { (RlJsonReadFunc) rl_sample_from_json, (GDestroyNotify) rl_sample_free },
  { (RlJsonReadFunc) rl_conclusion_from_json, (GDestroyNotify) rl_conclusion_free },
  { (RlJsonReadFunc) rl_verification_from_json, (GDestroyNotify) rl_verification_free },
  { (RlJsonReadFunc) rl_correction_from_json, (GDestroyNotify) rl_correction_free },
  { (RlJsonReadFunc) rl_release_from_json, (GDestroyNotify) rl_matcher_release_free },
  { (RlJsonReadFunc) rl_audit_entry_from_json, (GDestroyNotify) rl_audit_entry_free },
  { (RlJsonReadFunc) rl_hit_from_json, (GDestroyNotify) rl_hit_free },
  { (RlJsonReadFunc) rl_hit_row_from_json, (GDestroyNotify) rl_hit_row_free },
  { (RlJsonReadFunc) rl_identity_from_json, (GDestroyNotify) rl_identity_free },
  { (RlJsonReadFunc) rl_encounter_from_json, (GDestroyNotify) rl_encounter_free },
  { (RlJsonReadFunc) rl_derogatory_from_json, (GDestroyNotify) rl_derogatory_record_free },
  { (RlJsonReadFunc) rl_link_from_json, (GDestroyNotify) rl_identity_link_free },
  { (RlJsonReadFunc) rl_agency_from_json, (GDestroyNotify) rl_agency_free },
  { (RlJsonReadFunc) rl_access_grant_from_json, (GDestroyNotify) rl_access_grant_free },
  { (RlJsonReadFunc) rl_audit_report_from_json, (GDestroyNotify) rl_audit_report_free },
};

static void
read_all (JsonNode *node)
{
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      GError *error = NULL;
      gpointer item = readers[i].func (node, &error);

      g_assert ((item == NULL) == (error != NULL));
      if (item)
        readers[i].free_func (item);
      g_clear_error (&error);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL) ||
      !(root = json_parser_get_root (parser)))
    return 0;
  read_all (root);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *member = json_object_get_member (object, l->data);

      read_all (member);
      for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
        {
          GError *error = NULL;
          GPtrArray *items = rl_json_read_array (object, l->data, readers[i].func, readers[i].free_func, &error);

          g_assert ((items == NULL) == (error != NULL));
          if (items)
            g_ptr_array_unref (items);
          g_clear_error (&error);
        }
    }
  return 0;
}
