/* rl-remote-import.c — importing a file into a remote workspace: the file
 * (and its sidecar) go to the server in one request, POST /api/v1/imports
 * (docs/server-api.md), and the server imports them as rl_import_data does
 * on a file, in one transaction, acting as the signed-in user. */
#define G_LOG_DOMAIN "ridgeline-store"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "rl-remote-private.h"

/* Appends "&name=value" (value escaped) to path. */
static void
add_query (GString *path, const char *name, const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (path, "%c%s=%s", strchr (path->str, '?') ? '&' : '?', name, escaped);
}

gboolean
rl_remote_import (RlStore *store, GBytes *data, const char *name, const char *folder, GBytes *sidecar,
                  const RlImportOptions *options, RlImportResult *result, GError **error)
{
  g_autofree char *base = g_path_get_basename (name);
  g_autofree char *sha256 = NULL;
  g_autoptr(GString) path = g_string_new ("/imports");
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  GError *local = NULL;

  memset (result, 0, sizeof *result);
  result->notes = g_ptr_array_new_with_free_func (g_free);

  /* Imported earlier in this run (the server would say "skipped" too, but
   * the file need not travel again). */
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  if (options && options->imported && g_hash_table_contains (options->imported, sha256))
    {
      result->skipped = TRUE;
      return TRUE;
    }

  add_query (path, "name", base);
  if (folder && *folder)
    add_query (path, "folder", folder);
  if (options && options->agency_code)
    add_query (path, "agency", options->agency_code);
  /* The server extracts with its own matcher (rl_import_extract_template)
   * whatever function the caller gave: only whether to is sent. */
  if (options == NULL || options->make_template == NULL)
    add_query (path, "templates", "false");
  if (options && options->no_search)
    add_query (path, "search", "false");

  multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  soup_multipart_append_form_file (multipart, "file", base, "application/octet-stream", data);
  if (sidecar)
    {
      g_autofree char *dot = strrchr (base, '.') ? g_strndup (base, (gsize) (strrchr (base, '.') - base))
                                                 : g_strdup (base);
      g_autofree char *sidecar_name = g_strconcat (dot, ".json", NULL);

      soup_multipart_append_form_file (multipart, "sidecar", sidecar_name, "application/json", sidecar);
    }
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_multipart_to_message (multipart, headers, &body);

  reply = rl_remote_call_upload (store, "POST", path->str, soup_message_headers_get_one (headers, "Content-Type"),
                                 body, &local);
  if (reply == NULL)
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path->str);
      /* The server's message names the file and the record already. */
      g_propagate_error (error, local);
      return FALSE;
    }
  rl_import_result_clear (result);
  if (!rl_import_result_from_json (reply, result, error))
    return FALSE;
  if (!result->skipped && options && options->imported)
    g_hash_table_add (options->imported, g_steal_pointer (&sha256));
  return TRUE;
}
