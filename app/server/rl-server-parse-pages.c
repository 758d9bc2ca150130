/* rl-server-parse-pages.c — bodies of the analyst, supervisor and data-steward routes. */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>
#include <string.h>

#include "rl-server-parse-pages.h"

#define NAME_MAX_LENGTH 128
#define TRIALS_MAX      1000

static gboolean
bad (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (RL_SERVER_ERROR, RL_SERVER_ERROR_BAD_REQUEST, format, args);
  va_end (args);
  return FALSE;
}

static JsonObject *
body_object (JsonNode *body, GError **error)
{
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return bad (error, _("The body must be a JSON object")), NULL;
  return json_node_get_object (body);
}

static JsonNode *
member (JsonObject *object, const char *field)
{
  JsonNode *node = json_object_get_member (object, field);
  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

/* A reason a person gives for a change: required, not blank. */
static gboolean
get_reason (JsonObject *o, char **out, GError **error)
{
  if (!rl_json_get_string (o, "reason", TRUE, RL_TEXT_MAX_LENGTH, out, error))
    return FALSE;
  g_strstrip (*out);
  if ((*out)[0] == '\0')
    return bad (error, _("The field “%s” is empty: say why"), "reason");
  return TRUE;
}

gboolean
rl_parse_link_resolve (JsonNode *body, RlLinkResolveRequest *out, GError **error)
{
  g_autofree char *colour = NULL;
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)) ||
      !rl_json_get_string (o, "colour", TRUE, 32, &colour, error))
    goto fail;
  if (!rl_link_colour_from_id (colour, &out->colour))
    {
      bad (error, _("The field “%s” has an unknown value “%s”"), "colour", colour);
      goto fail;
    }
  if (!get_reason (o, &out->reason, error))
    goto fail;
  return TRUE;
fail:
  rl_link_resolve_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_merge (JsonNode *body, gboolean into_required, RlMergeRequest *out, GError **error)
{
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)) ||
      !rl_json_get_id (o, "into", into_required, &out->into, error) ||
      !get_reason (o, &out->reason, error))
    goto fail;
  return TRUE;
fail:
  rl_merge_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_split (JsonNode *body, RlSplitRequest *out, GError **error)
{
  JsonObject *o;
  JsonNode *node;
  JsonArray *array;
  guint n;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)))
    goto fail;
  if (!(node = member (o, "encounters")))
    {
      bad (error, _("The field “%s” is missing"), "encounters");
      goto fail;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      bad (error, _("The field “%s” must be an array of encounter ids"), "encounters");
      goto fail;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0 || n > RL_SPLIT_MAX_ENCOUNTERS)
    {
      bad (error, _("The field “%s” must name 1 to %d encounters, not %u"), "encounters", RL_SPLIT_MAX_ENCOUNTERS, n);
      goto fail;
    }
  out->encounter_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      gint64 id;

      /* Integers only: a double is never cast (it may be far outside gint64). */
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_INT64 ||
          (id = json_node_get_int (e)) <= 0)
        {
          bad (error, _("The field “%s[%u]” must be a positive integer id"), "encounters", i);
          goto fail;
        }
      g_array_append_val (out->encounter_ids, id);
    }
  if (!get_reason (o, &out->reason, error))
    goto fail;
  return TRUE;
fail:
  rl_split_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_grant (JsonNode *body, RlGrantRequest *out, GError **error)
{
  g_autofree char *role = NULL;
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)) ||
      !rl_json_get_id (o, "source_agency_id", TRUE, &out->source_agency_id, error) ||
      !rl_json_get_id (o, "agency_id", FALSE, &out->agency_id, error) ||
      !rl_json_get_string (o, "role", FALSE, 32, &role, error))
    goto fail;
  if (role != NULL && !rl_role_from_id (role, &out->role))
    {
      bad (error, _("The field “%s” has an unknown value “%s”"), "role", role);
      goto fail;
    }
  return TRUE;
fail:
  memset (out, 0, sizeof *out);
  return FALSE;
}

gboolean
rl_parse_tune (JsonNode *body, RlTuneRequest *out, GError **error)
{
  JsonObject *o;
  JsonNode *trials;

  memset (out, 0, sizeof *out);
  if (body == NULL)
    return TRUE;
  if (!(o = body_object (body, error)) ||
      !rl_json_get_string (o, "name", FALSE, NAME_MAX_LENGTH, &out->name, error))
    goto fail;
  if (out->name != NULL)
    {
      g_strstrip (out->name);
      if (out->name[0] == '\0')
        g_clear_pointer (&out->name, g_free);
    }
  if ((trials = member (o, "trials")) != NULL)
    {
      gint64 v;

      if (!JSON_NODE_HOLDS_VALUE (trials) || json_node_get_value_type (trials) != G_TYPE_INT64 ||
          (v = json_node_get_int (trials)) < 0 || v > TRIALS_MAX)
        {
          bad (error, _("The field “%s” must be an integer from 0 to %d"), "trials", TRIALS_MAX);
          goto fail;
        }
      out->trials = (guint) v;
    }
  return TRUE;
fail:
  rl_tune_request_clear (out);
  return FALSE;
}

void
rl_link_resolve_request_clear (RlLinkResolveRequest *request)
{
  g_clear_pointer (&request->reason, g_free);
}

void
rl_merge_request_clear (RlMergeRequest *request)
{
  g_clear_pointer (&request->reason, g_free);
}

void
rl_split_request_clear (RlSplitRequest *request)
{
  g_clear_pointer (&request->encounter_ids, g_array_unref);
  g_clear_pointer (&request->reason, g_free);
}

void
rl_tune_request_clear (RlTuneRequest *request)
{
  g_clear_pointer (&request->name, g_free);
}
