/* rl-server-parse.c — paths, bearer tokens and JSON bodies into checked values. */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "rl-server-parse.h"

G_DEFINE_QUARK (rl-server-error-quark, rl_server_error)

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

/* ------------------------------------------------------------- paths */

/* A positive decimal integer of at most 18 digits (so it fits gint64). */
static gboolean
parse_id (const char *s, gsize len, gint64 *out)
{
  gint64 v = 0;

  if (len == 0 || len > 18 || s[0] == '0')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

gboolean
rl_route_match (const char *pattern, const char *path, gint64 ids[RL_ROUTE_MAX_IDS], guint *n_ids)
{
  const char *p = pattern, *q = path;
  guint n = 0;

  g_return_val_if_fail (pattern != NULL && path != NULL, FALSE);

  /* Segment by segment; each starts with '/'. */
  while (*p != '\0' && *q != '\0')
    {
      gsize plen, qlen;

      if (*p != '/' || *q != '/')
        return FALSE;
      p++, q++;
      plen = strcspn (p, "/");
      qlen = strcspn (q, "/");
      if (plen == 4 && memcmp (p, "{id}", 4) == 0)
        {
          if (n >= RL_ROUTE_MAX_IDS || !parse_id (q, qlen, &ids[n]))
            return FALSE;
          n++;
        }
      else if (plen != qlen || memcmp (p, q, plen) != 0)
        return FALSE;
      p += plen;
      q += qlen;
    }
  if (*p != '\0' || *q != '\0')
    return FALSE;
  if (n_ids)
    *n_ids = n;
  return TRUE;
}

char *
rl_parse_bearer (const char *authorization)
{
  const char *token;
  gsize len;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;
  token = authorization + 7;
  while (*token == ' ')
    token++;
  len = strlen (token);
  while (len > 0 && token[len - 1] == ' ')
    len--;
  if (len == 0 || len > RL_TOKEN_MAX_LENGTH)
    return NULL;
  /* RFC 6750 b64token: ALPHA DIGIT - . _ ~ + / then '=' padding. */
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (token[i]) && !strchr ("-._~+/=", token[i]))
      return NULL;
  return g_strndup (token, len);
}

/* ------------------------------------------------------------- JSON */

/* The deepest nesting of objects and arrays outside strings, stopping once
 * it passes limit. Unbalanced input is left for the parser to report. */
static guint
json_depth (const char *data, gsize len, guint limit)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          deepest = MAX (deepest, ++depth);
          if (deepest > limit)
            break;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return deepest;
}

JsonNode *
rl_parse_json_body (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *end = NULL;
  JsonNode *root;

  if (data == NULL || len == 0)
    return bad (error, _("The request has no body: a JSON object is expected")), NULL;
  if (!g_utf8_validate_len (data, len, &end))
    return bad (error, _("The body is not UTF-8 text (byte %zu)"), (gsize) (end - data)), NULL;
  if (json_depth (data, len, RL_JSON_MAX_DEPTH) > RL_JSON_MAX_DEPTH)
    return bad (error, _("The body nests objects or arrays more than %d deep"), RL_JSON_MAX_DEPTH), NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    return bad (error, _("The body is not valid JSON: %s"), local_error->message), NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad (error, _("The body must be a JSON object")), NULL;
  return json_node_ref (root);
}

static JsonNode *
member (JsonObject *object, const char *field)
{
  JsonNode *node = json_object_get_member (object, field);
  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

gboolean
rl_json_get_string (JsonObject *object, const char *field, gboolean required, gsize max_len, char **out,
                    GError **error)
{
  JsonNode *node = member (object, field);
  const char *s;

  if (node == NULL)
    return required ? bad (error, _("The field “%s” is missing"), field) : TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (error, _("The field “%s” must be a string"), field);
  s = json_node_get_string (node);
  if (strlen (s) > max_len)
    return bad (error, _("The field “%s” is longer than %zu bytes"), field, max_len);
  g_free (*out);
  *out = g_strdup (s);
  return TRUE;
}

gboolean
rl_json_get_id (JsonObject *object, const char *field, gboolean required, gint64 *out, GError **error)
{
  JsonNode *node = member (object, field);

  if (node == NULL)
    return required ? bad (error, _("The field “%s” is missing"), field) : TRUE;
  if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) <= 0)
    return bad (error, _("The field “%s” must be a positive integer id"), field);
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
rl_json_get_bool (JsonObject *object, const char *field, gboolean required, gboolean *out, GError **error)
{
  JsonNode *node = member (object, field);

  if (node == NULL)
    return required ? bad (error, _("The field “%s” is missing"), field) : TRUE;
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return bad (error, _("The field “%s” must be true or false"), field);
  *out = json_node_get_boolean (node);
  return TRUE;
}

static JsonObject *
body_object (JsonNode *body, GError **error)
{
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return bad (error, _("The body must be a JSON object")), NULL;
  return json_node_get_object (body);
}

/* An enum field given by its stable id ("identification"). */
#define GET_ENUM(object, field, required, from_id, out, error, Type)                                 \
  G_STMT_START {                                                                                      \
    g_autofree char *id_ = NULL;                                                                      \
    Type v_;                                                                                          \
    if (!rl_json_get_string (object, field, required, 64, &id_, error))                               \
      goto fail;                                                                                      \
    if (id_ != NULL && !from_id (id_, &v_))                                                           \
      {                                                                                               \
        bad (error, _("The field “%s” has an unknown value “%s”"), field, id_);                     \
        goto fail;                                                                                    \
      }                                                                                               \
    if (id_ != NULL)                                                                                  \
      *(out) = v_;                                                                                    \
  } G_STMT_END

gboolean
rl_parse_sign_in (JsonNode *body, RlSignInRequest *out, GError **error)
{
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)) ||
      !rl_json_get_string (o, "username", TRUE, 64, &out->username, error) ||
      !rl_json_get_string (o, "password", TRUE, 1024, &out->password, error))
    goto fail;
  return TRUE;
fail:
  rl_sign_in_request_clear (out);
  return FALSE;
}

/* An optional score: a finite number (NAN when absent). */
static gboolean
get_score (JsonObject *o, const char *field, double *out, GError **error)
{
  JsonNode *node = member (o, field);
  GType type = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  *out = NAN;
  if (node == NULL)
    return TRUE;
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return bad (error, _("The field “%s” must be a number"), field);
  /* Scores are floats in the store: refuse what would not fit one. */
  if (!isfinite (*out) || fabs (*out) > 1e30)
    {
      *out = NAN;
      return bad (error, _("The field “%s” is out of range"), field);
    }
  return TRUE;
}

/* The members of a correction (the body of POST /corrections, or nested in
 * a conclusion or dispute decision, where the samples may be left out). */
static gboolean
parse_correction_object (JsonObject *o, gboolean samples_required, RlCorrectionRequest *out, GError **error)
{
  GET_ENUM (o, "kind", TRUE, rl_correction_kind_from_id, &out->kind, error, RlCorrectionKind);
  if (!rl_json_get_id (o, "probe_sample_id", samples_required, &out->probe_sample_id, error) ||
      !rl_json_get_id (o, "candidate_sample_id", samples_required, &out->candidate_sample_id, error) ||
      !rl_json_get_id (o, "search_id", FALSE, &out->search_id, error) ||
      !rl_json_get_id (o, "conclusion_id", FALSE, &out->conclusion_id, error) ||
      !rl_json_get_string (o, "reason", TRUE, RL_TEXT_MAX_LENGTH, &out->reason, error) ||
      !get_score (o, "score", &out->score, error))
    goto fail;
  return TRUE;
fail:
  return FALSE;
}

/* "correction": {…} nested in a body: NULL (and TRUE) when absent. */
static gboolean
parse_nested_correction (JsonObject *o, RlCorrectionRequest **out, GError **error)
{
  JsonNode *node = member (o, "correction");
  RlCorrectionRequest *c;

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad (error, _("The field “correction” must be a JSON object"));
  c = g_new0 (RlCorrectionRequest, 1);
  c->score = NAN;
  if (!parse_correction_object (json_node_get_object (node), FALSE, c, error))
    {
      rl_correction_request_clear (c);
      g_free (c);
      if (error && *error)
        g_prefix_error (error, "correction: ");
      return FALSE;
    }
  *out = c;
  return TRUE;
}

gboolean
rl_parse_conclusion (JsonNode *body, RlConclusionRequest *out, GError **error)
{
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)))
    goto fail;
  GET_ENUM (o, "decision", TRUE, rl_decision_from_id, &out->decision, error, RlDecision);
  if (!rl_json_get_id (o, "candidate_id", FALSE, &out->candidate_id, error) ||
      !rl_json_get_id (o, "probe_sample_id", FALSE, &out->probe_sample_id, error) ||
      !rl_json_get_id (o, "candidate_sample_id", FALSE, &out->candidate_sample_id, error) ||
      !rl_json_get_id (o, "supersedes", FALSE, &out->supersedes, error) ||
      !rl_json_get_string (o, "reasons", TRUE, RL_TEXT_MAX_LENGTH, &out->reasons, error) ||
      !rl_json_get_string (o, "notes", FALSE, RL_TEXT_MAX_LENGTH, &out->notes, error) ||
      !parse_nested_correction (o, &out->correction, error))
    goto fail;
  if (out->candidate_id == 0 && out->candidate_sample_id == 0)
    {
      bad (error, _("A conclusion names a candidate_id or a candidate_sample_id"));
      goto fail;
    }
  return TRUE;
fail:
  rl_conclusion_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_verification (JsonNode *body, RlVerificationRequest *out, GError **error)
{
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)) ||
      !rl_json_get_bool (o, "agrees", TRUE, &out->agrees, error) ||
      !rl_json_get_bool (o, "blind", FALSE, &out->blind, error) ||
      !rl_json_get_string (o, "reasons", FALSE, RL_TEXT_MAX_LENGTH, &out->reasons, error))
    goto fail;
  GET_ENUM (o, "decision", FALSE, rl_decision_from_id, &out->decision, error, RlDecision);
  return TRUE;
fail:
  rl_verification_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_disposition (JsonNode *body, RlDispositionRequest *out, GError **error)
{
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)))
    goto fail;
  GET_ENUM (o, "disposition", TRUE, rl_hit_status_from_id, &out->disposition, error, RlHitStatus);
  if (out->disposition == RL_HIT_OPEN)
    {
      bad (error, _("The field “disposition” is confirmed, dismissed or escalated"));
      goto fail;
    }
  if (!rl_json_get_string (o, "reason", FALSE, RL_TEXT_MAX_LENGTH, &out->reason, error))
    goto fail;
  return TRUE;
fail:
  rl_disposition_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_correction (JsonNode *body, RlCorrectionRequest *out, GError **error)
{
  JsonObject *o;

  memset (out, 0, sizeof *out);
  out->score = NAN;
  if (!(o = body_object (body, error)) || !parse_correction_object (o, TRUE, out, error))
    goto fail;
  return TRUE;
fail:
  rl_correction_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_analysis (JsonNode *body, RlAnalysisRequest *out, GError **error)
{
  JsonObject *o;
  JsonNode *markup;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)) ||
      !rl_json_get_bool (o, "of_value", TRUE, &out->of_value, error) ||
      !rl_json_get_string (o, "notes", FALSE, RL_TEXT_MAX_LENGTH, &out->notes, error))
    goto fail;
  /* The markup is kept as JSON text, as the store holds it. */
  if ((markup = member (o, "markup")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (markup) && !JSON_NODE_HOLDS_ARRAY (markup))
        {
          bad (error, _("The field “markup” must be a JSON object or array"));
          goto fail;
        }
      out->markup = json_to_string (markup, FALSE);
    }
  return TRUE;
fail:
  rl_analysis_request_clear (out);
  return FALSE;
}

gboolean
rl_parse_comment (JsonNode *body, gboolean required, char **out_comment, GError **error)
{
  JsonObject *o;

  *out_comment = NULL;
  if (body == NULL && !required)
    return TRUE;
  if (!(o = body_object (body, error)) ||
      !rl_json_get_string (o, "comment", required, RL_TEXT_MAX_LENGTH, out_comment, error))
    {
      g_clear_pointer (out_comment, g_free);
      return FALSE;
    }
  return TRUE;
}

void
rl_sign_in_request_clear (RlSignInRequest *r)
{
  g_clear_pointer (&r->username, g_free);
  if (r->password)
    memset (r->password, 0, strlen (r->password));
  g_clear_pointer (&r->password, g_free);
}

gboolean
rl_parse_dispute (JsonNode *body, RlDisputeRequest *out, GError **error)
{
  JsonObject *o;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)))
    goto fail;
  GET_ENUM (o, "decision", TRUE, rl_decision_from_id, &out->decision, error, RlDecision);
  if (!rl_json_get_string (o, "reasons", TRUE, RL_TEXT_MAX_LENGTH, &out->reasons, error) ||
      !parse_nested_correction (o, &out->correction, error))
    goto fail;
  return TRUE;
fail:
  rl_dispute_request_clear (out);
  return FALSE;
}

/* What a client may write to the audit log itself: records of exports it
 * made from what it was shown. Everything else the store audits. */
static const char * const client_audit_actions[] = { "chart.export", "report.export" };

gboolean
rl_parse_audit (JsonNode *body, RlAuditRequest *out, GError **error)
{
  JsonObject *o;
  gboolean allowed = FALSE;

  memset (out, 0, sizeof *out);
  if (!(o = body_object (body, error)) ||
      !rl_json_get_string (o, "action", TRUE, 64, &out->action, error) ||
      !rl_json_get_string (o, "object_kind", TRUE, 64, &out->object_kind, error) ||
      !rl_json_get_id (o, "object_id", FALSE, &out->object_id, error) ||
      !rl_json_get_string (o, "purpose", FALSE, 500, &out->purpose, error) ||
      !rl_json_get_string (o, "details", FALSE, RL_TEXT_MAX_LENGTH, &out->details, error))
    goto fail;
  for (guint i = 0; i < G_N_ELEMENTS (client_audit_actions); i++)
    allowed |= g_str_equal (out->action, client_audit_actions[i]);
  if (!allowed)
    {
      bad (error, _("The action “%s” is not one a client may write to the audit log"), out->action);
      goto fail;
    }
  if (out->details != NULL)
    {
      g_autoptr(JsonNode) details = json_from_string (out->details, NULL);
      if (details == NULL || !JSON_NODE_HOLDS_OBJECT (details))
        {
          bad (error, _("The field “details” must hold a JSON object as text"));
          goto fail;
        }
    }
  return TRUE;
fail:
  rl_audit_request_clear (out);
  return FALSE;
}

void
rl_dispute_request_clear (RlDisputeRequest *r)
{
  g_free (r->reasons);
  if (r->correction)
    {
      rl_correction_request_clear (r->correction);
      g_free (r->correction);
    }
  memset (r, 0, sizeof *r);
}

void
rl_audit_request_clear (RlAuditRequest *r)
{
  g_free (r->action);
  g_free (r->object_kind);
  g_free (r->purpose);
  g_free (r->details);
  memset (r, 0, sizeof *r);
}

void
rl_conclusion_request_clear (RlConclusionRequest *r)
{
  g_free (r->reasons);
  g_free (r->notes);
  if (r->correction)
    {
      rl_correction_request_clear (r->correction);
      g_free (r->correction);
    }
  memset (r, 0, sizeof *r);
}

void
rl_verification_request_clear (RlVerificationRequest *r)
{
  g_free (r->reasons);
  memset (r, 0, sizeof *r);
}

void
rl_disposition_request_clear (RlDispositionRequest *r)
{
  g_free (r->reason);
  memset (r, 0, sizeof *r);
}

void
rl_correction_request_clear (RlCorrectionRequest *r)
{
  g_free (r->reason);
  memset (r, 0, sizeof *r);
}

void
rl_analysis_request_clear (RlAnalysisRequest *r)
{
  g_free (r->notes);
  g_free (r->markup);
  memset (r, 0, sizeof *r);
}
