/* rl-server-parse-import.c — the import route's query and body (see
 * rl-server-parse-import.h). */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>
#include <string.h>

#include "rl-server-parse-import.h"

static gboolean G_GNUC_PRINTF (2, 3)
bad (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (RL_SERVER_ERROR, RL_SERVER_ERROR_BAD_REQUEST, format, args);
  va_end (args);
  return FALSE;
}

/* A file or folder name as the import records it: one path component, in
 * UTF-8, without control characters. */
static gboolean
get_name (GHashTable *query, const char *field, gboolean required, char **out, GError **error)
{
  const char *value = query ? g_hash_table_lookup (query, field) : NULL;

  *out = NULL;
  if (value == NULL || *value == '\0')
    return required ? bad (error, _("Name the file: add ?%s=FILE-NAME"), field) : TRUE;
  if (strlen (value) > RL_IMPORT_NAME_MAX_LENGTH)
    return bad (error, _("The %s is longer than %d bytes"), field, RL_IMPORT_NAME_MAX_LENGTH);
  if (!g_utf8_validate (value, -1, NULL))
    return bad (error, _("The %s is not UTF-8"), field);
  for (const char *p = value; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
      return bad (error, _("The %s must be a name without a folder or control characters"), field);
  if (g_str_equal (value, ".") || g_str_equal (value, ".."))
    return bad (error, _("The %s “%s” is not a name"), field, value);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_flag (GHashTable *query, const char *field, gboolean *out, GError **error)
{
  const char *value = query ? g_hash_table_lookup (query, field) : NULL;

  *out = TRUE;
  if (value == NULL)
    return TRUE;
  if (g_str_equal (value, "true") || g_str_equal (value, "1"))
    return TRUE;
  if (g_str_equal (value, "false") || g_str_equal (value, "0"))
    {
      *out = FALSE;
      return TRUE;
    }
  return bad (error, _("%s must be true or false, not “%.32s”"), field, g_utf8_validate (value, -1, NULL) ? value : "?");
}

gboolean
rl_parse_import_query (GHashTable *query, RlImportRequest *out, GError **error)
{
  const char *agency = query ? g_hash_table_lookup (query, "agency") : NULL;

  memset (out, 0, sizeof *out);
  if (!get_name (query, "name", TRUE, &out->name, error) ||
      !get_name (query, "folder", FALSE, &out->folder, error) ||
      !get_flag (query, "templates", &out->templates, error) ||
      !get_flag (query, "search", &out->search, error))
    goto fail;
  if (agency != NULL)
    {
      gsize len = strlen (agency);

      /* Agency codes are short upper-case ASCII ("POLICE", "BORDER"). */
      if (len == 0 || len > 16)
        {
          bad (error, _("agency must be an agency code of 1 to 16 characters"));
          goto fail;
        }
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum (agency[i]) && agency[i] != '-' && agency[i] != '_')
          {
            bad (error, _("agency “%s” is not an agency code (letters, digits, - and _)"),
                 g_utf8_validate (agency, -1, NULL) ? agency : "?");
            goto fail;
          }
      out->agency = g_strdup (agency);
    }
  return TRUE;

fail:
  rl_import_request_clear (out);
  return FALSE;
}

void
rl_import_request_clear (RlImportRequest *request)
{
  g_clear_pointer (&request->name, g_free);
  g_clear_pointer (&request->folder, g_free);
  g_clear_pointer (&request->agency, g_free);
}

/* ---- multipart/form-data (RFC 7578), read here rather than with libsoup's
 * soup_multipart_new_from_message: fuzzing found that it reads past the end
 * of a body that does not end in a NUL byte (strstr on the part headers). */

#define MAX_PARTS        8
#define MAX_PART_HEADERS (8u * 1024)
#define MAX_BOUNDARY     70    /* RFC 2046 */

static const guint8 *
find (const guint8 *haystack, gsize len, const char *needle, gsize needle_len)
{
  if (needle_len == 0 || len < needle_len)
    return NULL;
  for (const guint8 *p = haystack; (p = memchr (p, needle[0], len - (gsize) (p - haystack) - needle_len + 1)); p++)
    if (memcmp (p, needle, needle_len) == 0)
      return p;
  return NULL;
}

/* The boundary parameter of a multipart Content-Type, or NULL. */
static char *
boundary_of (const char *content_type)
{
  const char *p = content_type;

  while ((p = strchr (p, ';')) != NULL)
    {
      const char *start, *end;

      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (g_ascii_strncasecmp (p, "boundary=", 9) != 0)
        continue;
      start = p + 9;
      if (*start == '"')
        {
          start++;
          if (!(end = strchr (start, '"')))
            return NULL;
        }
      else
        for (end = start; *end && *end != ';' && *end != ' ' && *end != '\t'; end++)
          ;
      if (end == start || end - start > MAX_BOUNDARY)
        return NULL;
      return g_strndup (start, (gsize) (end - start));
    }
  return NULL;
}

/* The name="…" of a part's Content-Disposition: form-data header (headers:
 * the part's header lines, len bytes, not NUL-terminated). */
static char *
form_field_name (const guint8 *headers, gsize len)
{
  g_autofree char *text = g_strndup ((const char *) headers, len);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", 0);

  for (guint i = 0; lines[i]; i++)
    {
      const char *v, *name;

      if (g_ascii_strncasecmp (lines[i], "Content-Disposition:", 20) != 0)
        continue;
      v = lines[i] + 20;
      while (*v == ' ' || *v == '\t')
        v++;
      if (g_ascii_strncasecmp (v, "form-data", 9) != 0)
        return NULL;
      /* name=, not the end of filename= */
      for (name = v; (name = strstr (name, "name=\"")); name++)
        if (name[-1] == ';' || name[-1] == ' ' || name[-1] == '\t')
          {
            const char *start = name + 6, *end = strchr (start, '"');
            return end ? g_strndup (start, (gsize) (end - start)) : NULL;
          }
      return NULL;
    }
  return NULL;
}

gboolean
rl_parse_import_body (const char *content_type, GBytes *body, GBytes **out_file, GBytes **out_sidecar,
                      GError **error)
{
  g_autoptr(GBytes) file = NULL, sidecar = NULL;
  g_autofree char *boundary = NULL, *delimiter = NULL;
  const guint8 *data, *p, *end;
  gsize len, delimiter_len;
  guint n_parts = 0;

  *out_file = *out_sidecar = NULL;
  if (content_type == NULL || g_ascii_strncasecmp (content_type, "multipart/", 10) != 0)
    {
      *out_file = g_bytes_ref (body);
      return TRUE;
    }
  if (g_ascii_strncasecmp (content_type, "multipart/form-data", 19) != 0)
    return bad (error, _("A multipart body must be multipart/form-data, not %.64s"),
                g_utf8_validate (content_type, -1, NULL) ? content_type : "?");
  if (!(boundary = boundary_of (content_type)))
    return bad (error, _("The multipart/form-data Content-Type has no boundary (of 1 to %d characters)"),
                MAX_BOUNDARY);
  /* Every delimiter but a first one at the very start follows a CRLF. */
  delimiter = g_strconcat ("\r\n--", boundary, NULL);
  delimiter_len = strlen (delimiter);
  data = g_bytes_get_data (body, &len);
  if (data == NULL || len == 0)
    return bad (error, _("The multipart/form-data body is empty"));
  end = data + len;
  if (len >= delimiter_len - 2 && memcmp (data, delimiter + 2, delimiter_len - 2) == 0)
    p = data + delimiter_len - 2;
  else if ((p = find (data, len, delimiter, delimiter_len)))
    p += delimiter_len;
  else
    return bad (error, _("The multipart/form-data body has no part (no “--%s” line)"), boundary);

  for (;;)
    {
      const guint8 *headers, *headers_end, *next;
      g_autofree char *name = NULL;
      GBytes *part;

      /* After a delimiter: "--" closes the body, else CRLF and a part. */
      if (end - p >= 2 && p[0] == '-' && p[1] == '-')
        break;
      while (p < end && (*p == ' ' || *p == '\t'))
        p++;
      if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
        return bad (error, _("Part %u of the body does not start on a new line after its boundary"), n_parts + 1);
      if (++n_parts > MAX_PARTS)
        return bad (error, _("The body has more than %d parts"), MAX_PARTS);
      headers = p + 2;
      /* A part without headers starts with its blank line at once. */
      if (end - headers >= 2 && headers[0] == '\r' && headers[1] == '\n')
        headers_end = headers;
      else if (!(headers_end = find (headers, MIN ((gsize) (end - headers), MAX_PART_HEADERS), "\r\n\r\n", 4)))
        return bad (error, _("Part %u of the body has no end to its headers (a blank line) in its first %u bytes"),
                    n_parts, MAX_PART_HEADERS);
      name = form_field_name (headers, (gsize) (headers_end - headers));
      p = headers_end + (headers_end == headers ? 2 : 4);
      if (!(next = find (p, (gsize) (end - p), delimiter, delimiter_len)))
        return bad (error, _("Part %u of the body is not closed by “--%s”"), n_parts, boundary);
      part = g_bytes_new_from_bytes (body, (gsize) (p - data), (gsize) (next - p));
      p = next + delimiter_len;
      if (name == NULL)
        {
          g_bytes_unref (part);
          return bad (error, _("Part %u of the body is not a form field (Content-Disposition: form-data; name=…)"),
                      n_parts);
        }
      if (g_str_equal (name, "file") && file == NULL)
        file = part;
      else if (g_str_equal (name, "sidecar") && sidecar == NULL)
        sidecar = part;
      else
        {
          g_bytes_unref (part);
          if (g_str_equal (name, "file") || g_str_equal (name, "sidecar"))
            return bad (error, _("The body has two “%s” parts: import one file per request"), name);
          return bad (error, _("The body has a part “%.64s”: only “file” and “sidecar” are taken"),
                      g_utf8_validate (name, -1, NULL) ? name : "?");
        }
    }
  if (file == NULL)
    return bad (error, _("The body has no “file” part"));
  *out_file = g_steal_pointer (&file);
  *out_sidecar = g_steal_pointer (&sidecar);
  return TRUE;
}
