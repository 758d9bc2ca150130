/* libFuzzer target: what a workstation sends to POST /api/v1/imports, and
 * what the server answers it, through the code that reads them:
 *
 *   the query (rl_parse_import_query), the body (rl_parse_import_body:
 *   multipart/form-data or the bytes as they are), the import itself
 *   (rl_import_data: the AN2K/XML readers, the WSQ header walk, image
 *   decoding, the sidecar's JSON and its ranges) into a scratch workspace,
 *   and the client's reader of the reply (rl_import_result_from_json).
 *
 * Input: the query string, "\n", then "M" for a multipart body (boundary
 * "RLFUZZ") or any other byte for bytes as they are, then the body. None may
 * crash, hang, leak or overflow (run with UBSAN_OPTIONS=halt_on_error=1). */
#include <glib/gstdio.h>
#include <string.h>

#include "rl-import.h"
#include "rl-server-parse-import.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static RlStore *
scratch_store (void)
{
  static RlStore *store;

  if (store == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("rl-fuzz-import-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "ws.db", NULL);
      GError *error = NULL;

      store = rl_store_create (path, &error);
      g_assert_no_error (error);
    }
  return store;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const guint8 *newline = memchr (data, '\n', size);
  g_autofree char *query_text = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_auto(RlImportRequest) in = { 0 };
  g_autoptr(GBytes) body = NULL, file = NULL, sidecar = NULL;
  const char *content_type;
  gsize rest;

  if (newline == NULL || (gsize) (newline - data) + 2 > size)
    return 0;
  query_text = g_strndup ((const char *) data, (gsize) (newline - data));
  content_type = newline[1] == 'M' ? "multipart/form-data; boundary=RLFUZZ" : "application/octet-stream";
  rest = size - (gsize) (newline - data) - 2;
  body = g_bytes_new (newline + 2, rest);

  /* The client's reader, on whatever JSON the body holds. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    RlImportResult result = { 0 };

    if (rest < 4096 && json_parser_load_from_data (parser, (const char *) newline + 2, (gssize) rest, NULL) &&
        json_parser_get_root (parser) != NULL)
      {
        (void) rl_import_result_from_json (json_parser_get_root (parser), &result, NULL);
        rl_import_result_clear (&result);
      }
  }

  query = g_uri_parse_params (query_text, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (!rl_parse_import_query (query, &in, NULL))
    return 0;
  if (!rl_parse_import_body (content_type, body, &file, &sidecar, NULL) || g_bytes_get_size (file) == 0)
    return 0;
  {
    RlImportOptions options = { .agency_code = in.agency, .no_search = TRUE };
    RlImportResult result = { 0 };

    /* No templates: extraction has its own fuzzing (fuzz-image) and would
     * make every input take seconds. */
    (void) rl_import_data (scratch_store (), file, in.name, in.folder, sidecar, &options, &result, NULL);
    rl_import_result_clear (&result);
  }
  return 0;
}
