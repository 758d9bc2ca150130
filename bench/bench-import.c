/* bench-import — import throughput in transactions per minute.
 *
 *   bench-import [N_TRANSACTIONS] [PRINTS_PER_TRANSACTION] [--templates]
 *
 * Writes N ten-print transactions (Type-1, Type-2, Type-4 WSQ) with our own
 * writer into a temporary folder, then imports them into a fresh workspace
 * file by file, as `ridgeline-cli import` does (each file one store
 * transaction, resumability check included). The WSQ images are the four in
 * ../shared/interchange/wsq (made different per print so that the store
 * does not deduplicate them); without them, random bytes of the same size.
 * With --templates every print is decoded and its template extracted, as
 * `ridgeline-cli import` does by default.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-an2k.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-import.h"
#include "rl-store.h"

static GPtrArray *
load_wsq (void)
{
  GPtrArray *images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *dir = g_build_filename (shared ? shared : "../shared", "interchange", "wsq", NULL);
  const char *names[] = { "FVC2002_DB1_B-101_1.wsq", "FVC2002_DB1_B-105_3.wsq", "FVC2002_DB3_B-102_1.wsq",
                          "FVC2002_DB3_B-108_5.wsq" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      char *data;
      gsize len;

      if (g_file_get_contents (path, &data, &len, NULL))
        g_ptr_array_add (images, g_bytes_new_take (data, len));
    }
  if (images->len == 0)
    {
      /* No shared data: stand-ins of a typical WSQ size. */
      for (guint i = 0; i < 4; i++)
        {
          guint8 *data = g_malloc (25000);
          for (gsize k = 0; k < 25000; k++)
            data[k] = (guint8) g_random_int ();
          memcpy (data, "\xff\xa0\xff\xa2\x00\x11\x00\xff\x01\xe0\x01\x80", 12);
          g_ptr_array_add (images, g_bytes_new_take (data, 25000));
        }
      fprintf (stderr, "(no ../shared/interchange/wsq: using random stand-in images)\n");
    }
  return images;
}

static RlTemplate *
make_template (GBytes *encoded, const char *format, int ppi, gpointer user_data, GError **error)
{
  g_autoptr(RlImage) image = rl_image_load_from_data (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                                                      ppi, error);

  return image ? rl_extract_template (image, error) : NULL;
}

int
main (int argc, char **argv)
{
  gboolean templates = argc > 1 && strcmp (argv[argc - 1], "--templates") == 0;
  RlImportOptions options = { .make_template = templates ? make_template : NULL, .no_search = TRUE };
  guint n = argc > 1 + templates ? (guint) atoi (argv[1]) : 200;
  guint prints = argc > 2 + templates ? (guint) atoi (argv[2]) : 10;
  guint n_templates = 0;
  g_autofree char *dir = g_dir_make_tmp ("bench-import-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autoptr(GPtrArray) images = load_wsq ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0, t1;
  guint64 bytes = 0;
  guint imported = 0, samples = 0;

  if (n == 0 || prints == 0 || prints > 10)
    {
      fprintf (stderr, "usage: bench-import [N_TRANSACTIONS] [PRINTS_PER_TRANSACTION (1-10)]\n");
      return 2;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RlAn2kTransaction) t = rl_an2k_transaction_new ("0500");
      RlAn2kRecord *type1 = rl_an2k_transaction_get_record (t, 0), *type2;
      g_autofree char *tcn = g_strdup_printf ("BENCH-%06u", i);
      g_autofree char *family = g_strdup_printf ("PERSON%u", i);
      g_autofree char *path = g_strdup_printf ("%s/t%06u.an2", dir, i);
      const char *name[] = { family, "TEST" };

      rl_an2k_record_set_text (type1, 4, "CAR");
      rl_an2k_record_set_text (type1, 5, "20260101");
      rl_an2k_record_set_text (type1, 7, "BENCH");
      rl_an2k_record_set_text (type1, 8, "BENCH");
      rl_an2k_record_set_text (type1, 9, tcn);
      rl_an2k_record_set_text (type1, 11, "19.69");
      rl_an2k_record_set_text (type1, 12, "19.69");
      type2 = rl_an2k_transaction_add_record (t, 2, 0);
      rl_an2k_field_add_subfield (rl_an2k_record_set_field (type2, 18), name, 2);
      rl_an2k_record_set_text (type2, 22, "19800101");
      for (guint f = 0; f < prints; f++)
        {
          GBytes *wsq = images->pdata[(i + f) % images->len];
          GByteArray *copy = g_byte_array_new ();
          guint32 tag = GUINT32_TO_BE (i * 10 + f);
          RlAn2kImage image = { .width = 388, .height = 374, .ppi = 500, .finger = f + 1,
                                .compression = RL_AN2K_COMPRESSION_WSQ };

          g_byte_array_append (copy, g_bytes_get_data (wsq, NULL), (guint) g_bytes_get_size (wsq));
          g_byte_array_append (copy, (const guint8 *) &tag, 4);
          image.data = g_byte_array_free_to_bytes (copy);
          if (!rl_an2k_transaction_add_fingerprint (t, 4, &image, &error))
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          g_bytes_unref (image.data);
        }
      if (!rl_an2k_write_file (t, path, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (files, g_steal_pointer (&path));
    }

  store = rl_store_create (db, &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  options.imported = rl_import_load_history (store, &error);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < files->len; i++)
    {
      RlImportResult result = { 0 };
      GStatBuf st;

      if (g_stat (files->pdata[i], &st) == 0)
        bytes += (guint64) st.st_size;
      if (!rl_import_file (store, files->pdata[i], &options, &result, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      imported++;
      samples += result.n_samples;
      n_templates += result.n_templates;
      if (i == 0 && result.notes)
        for (guint k = 0; k < result.notes->len && k < 2; k++)
          fprintf (stderr, "note: %s\n", (const char *) result.notes->pdata[k]);
      rl_import_result_clear (&result);
    }
  t1 = g_get_monotonic_time ();
  {
    double seconds = (double) (t1 - t0) / G_USEC_PER_SEC;
    printf ("imported %u transactions (%u prints, %u templates extracted, %.1f MB) in %.2f s\n", imported, samples,
            n_templates, bytes / 1e6, seconds);
    printf ("throughput: %.0f transactions per minute, %.0f prints per second\n", imported / seconds * 60.0,
            samples / seconds);
  }

  /* Second run over the same files: all skipped (the resumability check). */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < files->len; i++)
    {
      RlImportResult result = { 0 };
      if (!rl_import_file (store, files->pdata[i], &options, &result, &error) || !result.skipped)
        {
          fprintf (stderr, "second run did not skip %s\n", (const char *) files->pdata[i]);
          return 1;
        }
      rl_import_result_clear (&result);
    }
  t1 = g_get_monotonic_time ();
  printf ("re-run (all skipped): %.0f files per minute\n", files->len / ((double) (t1 - t0) / G_USEC_PER_SEC) * 60.0);

  g_clear_pointer (&options.imported, g_hash_table_unref);
  g_clear_pointer (&store, rl_store_close);
  for (guint i = 0; i < files->len; i++)
    g_unlink (files->pdata[i]);
  g_unlink (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL), *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  return 0;
}
