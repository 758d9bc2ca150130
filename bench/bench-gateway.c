/* bench-gateway — how long a partner waits for an answer (data/rl-gateway.h,
 * without HTTP): JSON submission parsed, image decoded, minutiae extracted,
 * encounter enrolled, 1:N search with the active release, answer built under
 * the agreement, all audited.
 *
 *   bench-gateway WORKSPACE [--partner NAME] [-n N]
 *
 * WORKSPACE is a demo workspace (ridgeline-cli demo), with the partners'
 * keys file the demo wrote next to it; it is copied first, the original is
 * not touched. Probes are enrolled prints of
 * identities with derogatory records (their own stored images, so each is a
 * certain match); the first submission also loads the gallery and is
 * reported apart. */
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rl-demo.h"
#include "rl-gateway.h"
#include "rl-store.h"

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* CPU time of the whole process (all threads), ms: on a shared machine the
 * wall time mostly measures the other tenants. */
static double
cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *
submission_for (RlStore *store, const RlSample *sample)
{
  g_autofree char *format = NULL;
  g_autoptr(GBytes) image = rl_store_get_image (store, sample->image_sha256, &format, NULL);
  g_autofree char *b64 = NULL;

  if (image == NULL || (g_strcmp0 (format, "png") != 0 && g_strcmp0 (format, "wsq") != 0
                        && g_strcmp0 (format, "jpeg") != 0))
    return NULL;
  b64 = g_base64_encode (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  return g_strdup_printf ("{\"reference\": \"BENCH-%" G_GINT64_FORMAT "\", \"fingers\": [{\"position\": %d, "
                          "\"image\": \"%s\", \"format\": \"%s\", \"ppi\": %d}]}",
                          sample->id, sample->finger, b64, format, sample->ppi);
}

int
main (int argc, char **argv)
{
  int n = 20;
  g_autofree char *partner_name = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("WORKSPACE");
  const GOptionEntry entries[] = {
    { "partner", 0, 0, G_OPTION_ARG_STRING, &partner_name, "Demo partner (default aldova-police)", "NAME" },
    { "n", 'n', 0, G_OPTION_ARG_INT, &n, "Submissions to time (default 20)", "N" },
    { NULL }
  };
  g_autofree char *dir = NULL, *copy = NULL, *key = NULL, *header = NULL;
  g_autoptr(GFile) from = NULL, to = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlPartner) partner = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  guint counts[4] = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "usage: bench-gateway WORKSPACE [--partner NAME] [-n N]\n");
      return 2;
    }
  if (partner_name == NULL)
    partner_name = g_strdup ("aldova-police");

  dir = g_dir_make_tmp ("bench-gateway-XXXXXX", &error);
  copy = g_build_filename (dir, "workspace.db", NULL);
  from = g_file_new_for_path (argv[1]);
  to = g_file_new_for_path (copy);
  if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error) || !(store = rl_store_open (copy, &error)))
    {
      fprintf (stderr, "bench-gateway: %s\n", error->message);
      return 1;
    }
  /* The demo's keys are in the file next to the workspace it was built as. */
  if (!(key = rl_demo_read_partner_key (argv[1], partner_name, &error)))
    {
      fprintf (stderr, "bench-gateway: %s\n", error->message);
      return 1;
    }
  header = g_strdup_printf ("Bearer %s", key);
  if (!(partner = rl_gateway_authenticate (store, header, &error)))
    {
      fprintf (stderr, "bench-gateway: %s\n", error->message);
      return 1;
    }

  /* Probes: one good print per identity with derogatory records, then others. */
  identities = rl_store_list_identities (store, NULL, 0, 0, &error);
  for (int pass = 0; pass < 2 && identities && bodies->len < (guint) n + 1; pass++)
    for (guint i = 0; i < identities->len && bodies->len < (guint) n + 1; i++)
      {
        RlIdentity *identity = identities->pdata[i];
        g_autoptr(GPtrArray) samples = NULL;

        if ((pass == 0) != (identity->n_derogatory > 0))
          continue;
        samples = rl_store_list_identity_samples (store, identity->id, NULL);
        for (guint k = 0; samples && k < samples->len; k++)
          {
            RlSample *s = samples->pdata[k];
            char *body;

            if (s->image_sha256 == NULL || !s->has_template || s->quality < 60 || s->finger == 0)
              continue;
            if ((body = submission_for (store, s)))
              {
                g_ptr_array_add (bodies, body);
                break;
              }
          }
      }
  if (bodies->len < 2)
    {
      fprintf (stderr, "bench-gateway: the workspace has too few prints with images\n");
      return 1;
    }

  for (guint i = 0; i < bodies->len; i++)
    {
      const char *body = bodies->pdata[i];
      RlGatewayStatus status = 0;
      g_autofree char *answer = NULL;
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_ms (), ms, cpu_used;

      answer = rl_gateway_submit (store, partner, "json", (const guint8 *) body, strlen (body), NULL, &status, &error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      cpu_used = cpu_ms () - cpu_start;
      if (answer == NULL)
        {
          fprintf (stderr, "bench-gateway: %s\n", error->message);
          return 1;
        }
      counts[status]++;
      if (i == 0)
        printf ("first submission (loads the gallery): %.0f ms wall, %.0f ms CPU\n", ms, cpu_used);
      else
        {
          g_array_append_val (times, ms);
          g_array_append_val (cpu, cpu_used);
        }
    }
  qsort (times->data, times->len, sizeof (double), compare_double);
  qsort (cpu->data, cpu->len, sizeof (double), compare_double);
  printf ("%u submissions as %s: wall median %.0f ms, p90 %.0f ms, max %.0f ms (match %u, no match %u, queued %u)\n",
          times->len, partner->name, g_array_index (times, double, times->len / 2),
          g_array_index (times, double, (times->len * 9) / 10 < times->len ? (times->len * 9) / 10 : times->len - 1),
          g_array_index (times, double, times->len - 1), counts[RL_GATEWAY_MATCH], counts[RL_GATEWAY_NO_MATCH],
          counts[RL_GATEWAY_QUEUED]);
  printf ("CPU per submission: median %.0f ms, max %.0f ms\n", g_array_index (cpu, double, cpu->len / 2),
          g_array_index (cpu, double, cpu->len - 1));
  printf ("gallery: %u identities in the workspace\n", identities->len);

  g_clear_pointer (&store, rl_store_close);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (copy, suffixes[i], NULL);
        g_unlink (file);
      }
    g_rmdir (dir);
  }
  return 0;
}
