/* rl-gateway-submission.c — reading a partner's JSON submission.
 *
 * Kept apart from the rest of the gateway (glib and json-glib only) so that
 * the libFuzzer target compiles it on its own. Everything a partner sends is
 * checked here before anything is decoded or stored: types, ranges, sizes,
 * strict base64 (json-glib and g_base64_decode would skip bad characters
 * silently), and that each image starts like the format it claims.
 */
#define G_LOG_DOMAIN "rl-gateway"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "rl-gateway.h"

G_DEFINE_QUARK (rl-gateway-error-quark, rl_gateway_error)

void
rl_gateway_submission_free (RlGatewaySubmission *submission)
{
  if (submission == NULL)
    return;
  g_free (submission->reference);
  g_free (submission->purpose);
  for (guint i = 0; i < submission->n_fingers; i++)
    {
      g_free (submission->fingers[i].format);
      g_clear_pointer (&submission->fingers[i].image, g_bytes_unref);
    }
  g_free (submission);
}

static gboolean
malformed (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_MALFORMED, message);
  return FALSE;
}

static int
base64_value (guchar c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Strict RFC 4648 base64 (padding optional, no white space): errors name the
 * character (1-based) that is wrong. */
static GBytes *
decode_base64 (const char *text, gsize len, const char *field, GError **error)
{
  gsize n = len, out_len, k = 0;
  guint32 acc = 0;
  int bits = 0;
  guint8 *out;

  while (n > 0 && text[n - 1] == '=')
    n--;
  if (len - n > 2)
    return malformed (error, _("%s: too much “=” padding at character %" G_GSIZE_FORMAT), field, n + 3), NULL;
  if (n % 4 == 1)
    return malformed (error, _("%s: %" G_GSIZE_FORMAT " base64 characters cannot be complete bytes (truncated?)"),
                      field, n), NULL;
  out_len = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
  if (out_len > RL_GATEWAY_MAX_IMAGE_BYTES)
    {
      g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_TOO_LARGE,
                   _("%s: the image is %" G_GSIZE_FORMAT " bytes; at most %u are taken"), field, out_len,
                   RL_GATEWAY_MAX_IMAGE_BYTES);
      return NULL;
    }
  out = g_malloc (out_len ? out_len : 1);
  for (gsize i = 0; i < n; i++)
    {
      int v = base64_value ((guchar) text[i]);

      if (v < 0)
        {
          g_free (out);
          if ((guchar) text[i] < 0x20 || (guchar) text[i] >= 0x7f)
            return malformed (error, _("%s: character %" G_GSIZE_FORMAT " (byte 0x%02x) is not base64"), field, i + 1,
                              (guchar) text[i]), NULL;
          return malformed (error, _("%s: character %" G_GSIZE_FORMAT " (“%c”) is not base64"), field, i + 1,
                            text[i]), NULL;
        }
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[k++] = (guint8) (acc >> bits);
          acc &= (1u << bits) - 1;
        }
    }
  g_assert (k == out_len);
  return g_bytes_new_take (out, out_len);
}

/* Whether the bytes start like the format's files. */
static gboolean
looks_like (GBytes *image, const char *format)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (image, &len);

  if (g_str_equal (format, "png"))
    return len >= 8 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0;
  if (g_str_equal (format, "jpeg"))
    return len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
  if (g_str_equal (format, "wsq"))
    return len >= 2 && d[0] == 0xff && d[1] == 0xa0;
  return FALSE;
}

/* json-glib's parser recurses once per nesting level: a body of a million
 * '[' would exhaust the stack. A submission needs three levels; refuse
 * anything deeper than a few before parsing. Returns the 1-based byte that
 * goes too deep, 0 when fine. */
#define MAX_DEPTH 8

static gsize
too_deep (const guint8 *data, gsize len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

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
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            return i + 1;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return 0;
}

static const char *
node_kind (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: return "a string";
    case G_TYPE_BOOLEAN: return "true/false";
    default: return "a number";
    }
}

/* An integer member: FALSE with an error when present and not a whole number
 * in [min, max]; *out untouched when absent. */
static gboolean
int_member (JsonObject *o, const char *member, const char *field, gint64 min, gint64 max, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (o, member);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) == G_TYPE_STRING
      || json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return malformed (error, _("%s: expected a whole number, got %s"), field, node_kind (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);
      /* Range first: casting a double outside gint64's range (2e55) is
       * undefined behaviour, and the fuzzer found it. */
      if (!(v >= (double) min && v <= (double) max) || v != (double) (gint64) v)
        return malformed (error, _("%s: %g is not a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT),
                          field, v, min, max);
      *out = (gint64) v;
      return TRUE;
    }
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return malformed (error, _("%s: %" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT),
                      field, *out, min, max);
  return TRUE;
}

static gboolean
parse_finger (JsonNode *node, guint index, RlGatewayFinger *finger, guint *seen_positions, GError **error)
{
  g_autofree char *where = g_strdup_printf ("fingers[%u]", index);
  g_autofree char *f_pos = g_strdup_printf ("%s.position", where);
  g_autofree char *f_ppi = g_strdup_printf ("%s.ppi", where);
  g_autofree char *f_format = g_strdup_printf ("%s.format", where);
  g_autofree char *f_image = g_strdup_printf ("%s.image", where);
  JsonObject *o;
  JsonNode *image, *format;
  gint64 position = 0, ppi = 500;
  const char *fmt, *text;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, _("%s: expected an object, got %s"), where, node_kind (node));
  o = json_node_get_object (node);
  members = json_object_get_members (o);
  for (GList *m = members; m; m = m->next)
    if (!g_str_equal (m->data, "position") && !g_str_equal (m->data, "image") && !g_str_equal (m->data, "format")
        && !g_str_equal (m->data, "ppi"))
      return malformed (error, _("%s: unknown member “%s” (known: position, image, format, ppi)"), where,
                        (const char *) m->data);

  if (!int_member (o, "position", f_pos, 0, 10, &position, error) || !int_member (o, "ppi", f_ppi, 100, 2000, &ppi, error))
    return FALSE;
  if (position != 0)
    {
      if (*seen_positions & (1u << position))
        return malformed (error, _("%s: finger %d is given twice"), f_pos, (int) position);
      *seen_positions |= 1u << position;
    }

  format = json_object_get_member (o, "format");
  if (format == NULL)
    return malformed (error, _("%s: missing (png, wsq or jpeg)"), f_format);
  if (!JSON_NODE_HOLDS_VALUE (format) || json_node_get_value_type (format) != G_TYPE_STRING)
    return malformed (error, _("%s: expected a string, got %s"), f_format, node_kind (format));
  fmt = json_node_get_string (format);
  if (g_ascii_strcasecmp (fmt, "jpg") == 0)
    fmt = "jpeg";
  if (g_ascii_strcasecmp (fmt, "png") != 0 && g_ascii_strcasecmp (fmt, "wsq") != 0 && g_ascii_strcasecmp (fmt, "jpeg") != 0)
    return malformed (error, _("%s: “%.32s” is not png, wsq or jpeg"), f_format, fmt);

  image = json_object_get_member (o, "image");
  if (image == NULL)
    return malformed (error, _("%s: missing (the encoded image, base64)"), f_image);
  if (!JSON_NODE_HOLDS_VALUE (image) || json_node_get_value_type (image) != G_TYPE_STRING)
    return malformed (error, _("%s: expected a base64 string, got %s"), f_image, node_kind (image));
  text = json_node_get_string (image);
  if (text[0] == '\0')
    return malformed (error, _("%s: empty"), f_image);

  finger->position = (int) position;
  finger->ppi = (int) ppi;
  finger->format = g_ascii_strdown (fmt, -1);
  if (!(finger->image = decode_base64 (text, strlen (text), f_image, error)))
    return FALSE;
  if (!looks_like (finger->image, finger->format))
    return malformed (error, _("%s: the data does not start like a %s image"), f_image, finger->format);
  return TRUE;
}

RlGatewaySubmission *
rl_gateway_parse_json (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(RlGatewaySubmission) submission = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *root, *node;
  JsonObject *o;
  JsonArray *fingers;
  guint seen = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > RL_GATEWAY_MAX_BODY_BYTES)
    {
      g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_TOO_LARGE,
                   _("The submission is %" G_GSIZE_FORMAT " bytes; at most %u are taken"), len, RL_GATEWAY_MAX_BODY_BYTES);
      return NULL;
    }
  if (len == 0)
    return malformed (error, _("The submission is empty")), NULL;
  /* json-glib reads up to a NUL: one inside the data would hide the rest. */
  {
    const guint8 *nul = memchr (data, '\0', len);
    if (nul != NULL)
      return malformed (error, _("Byte %" G_GSIZE_FORMAT " of the submission is a NUL byte: not JSON text"),
                        (gsize) (nul - data) + 1), NULL;
  }
  if (!g_utf8_validate ((const char *) data, (gssize) len, NULL))
    {
      const char *end = NULL;
      g_utf8_validate ((const char *) data, (gssize) len, &end);
      return malformed (error, _("Byte %" G_GSIZE_FORMAT " of the submission is not UTF-8"),
                        (gsize) ((const guint8 *) end - data) + 1), NULL;
    }

  {
    gsize deep = too_deep (data, len);
    if (deep != 0)
      return malformed (error, _("Byte %" G_GSIZE_FORMAT " of the submission nests more than %d levels deep"),
                        deep, MAX_DEPTH), NULL;
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) len, &local))
    /* json-glib's message says where: "<data>:LINE:COLUMN: Parse error: …". */
    return malformed (error, _("The submission is not valid JSON: %s"), local->message), NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, _("The submission must be a JSON object, not %s"), node_kind (root)), NULL;
  o = json_node_get_object (root);
  members = json_object_get_members (o);
  for (GList *m = members; m; m = m->next)
    if (!g_str_equal (m->data, "reference") && !g_str_equal (m->data, "fingers") && !g_str_equal (m->data, "purpose"))
      return malformed (error, _("Unknown member “%.64s” (known: reference, purpose, fingers)"),
                        (const char *) m->data), NULL;

  submission = g_new0 (RlGatewaySubmission, 1);
  node = json_object_get_member (o, "reference");
  if (node != NULL)
    {
      const char *ref;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return malformed (error, _("reference: expected a string, got %s"), node_kind (node)), NULL;
      ref = json_node_get_string (node);
      if (g_utf8_strlen (ref, -1) > RL_GATEWAY_MAX_REFERENCE)
        return malformed (error, _("reference: longer than %d characters"), RL_GATEWAY_MAX_REFERENCE), NULL;
      for (const char *p = ref; *p; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          return malformed (error, _("reference: character %d is a control character"), (int) (p - ref) + 1), NULL;
      submission->reference = g_strdup (ref);
    }
  else
    submission->reference = g_strdup ("");

  /* The purpose's id ("border-crossing"); whether the agreement covers it
   * is the gateway's business, here only its shape. */
  node = json_object_get_member (o, "purpose");
  if (node != NULL)
    {
      const char *purpose;
      gsize len;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return malformed (error, _("purpose: expected a string, got %s"), node_kind (node)), NULL;
      purpose = json_node_get_string (node);
      len = strlen (purpose);
      if (len == 0 || len > RL_GATEWAY_MAX_PURPOSE || strspn (purpose, "abcdefghijklmnopqrstuvwxyz-") != len)
        return malformed (error, _("purpose: expected a purpose id such as “border-crossing” (lower-case letters "
                                   "and “-”, at most %d)"), RL_GATEWAY_MAX_PURPOSE), NULL;
      submission->purpose = g_strdup (purpose);
    }

  node = json_object_get_member (o, "fingers");
  if (node == NULL)
    return malformed (error, _("fingers: missing (a list of {position, image, format, ppi})")), NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return malformed (error, _("fingers: expected an array, got %s"), node_kind (node)), NULL;
  fingers = json_node_get_array (node);
  if (json_array_get_length (fingers) == 0)
    return malformed (error, _("fingers: empty; send at least one print")), NULL;
  if (json_array_get_length (fingers) > RL_GATEWAY_MAX_FINGERS)
    return malformed (error, _("fingers: %u prints; at most %d are taken"), json_array_get_length (fingers),
                      RL_GATEWAY_MAX_FINGERS), NULL;
  for (guint i = 0; i < json_array_get_length (fingers); i++)
    {
      /* Counted first so that a failure half-way frees what was filled. */
      submission->n_fingers = i + 1;
      if (!parse_finger (json_array_get_element (fingers, i), i, &submission->fingers[i], &seen, error))
        return NULL;
    }
  return g_steal_pointer (&submission);
}
