/* cli-interchange.c — ridgeline-cli convert: print images between the
 * formats Ridgeline reads and writes (WSQ, PNG, PGM, TIFF, JPEG, BMP). */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-image-io.h"
#include "rl-wsq.h"

/* The output format from a file name's extension; NULL if we cannot write it. */
static const char *
output_format (const char *path)
{
  static const struct { const char *ext, *format; } known[] = {
    { "wsq", "wsq" }, { "png", "png" }, { "pgm", "pgm" }, { "tif", "tiff" }, { "tiff", "tiff" },
    { "jpg", "jpeg" }, { "jpeg", "jpeg" }, { "bmp", "bmp" },
  };
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  if (dot == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_ascii_strcasecmp (dot + 1, known[i].ext) == 0)
      return known[i].format;
  return NULL;
}

int
rl_cli_convert (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (RlImage) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *in_data = NULL;
  gsize in_len = 0;
  const char *format;
  double bitrate = -1.0;
  int ppi = 0;
  const GOptionEntry entries[] = {
    { "bitrate", 'b', 0, G_OPTION_ARG_DOUBLE, &bitrate,
      N_("WSQ output: the bitrate setting in bits per pixel (default 0.75, the FBI's for 500 ppi "
         "prints); background costs little, so files usually come out smaller"), N_("B") },
    { "ppi", 0, 0, G_OPTION_ARG_INT, &ppi,
      N_("Resolution of the input, overriding what it records (default: its own, else 500)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("IN OUT"));
  g_option_context_set_summary (context,
    _("Convert a print image. The formats come from the file names' extensions:\n"
      ".wsq, .png, .pgm, .tif/.tiff, .jpg/.jpeg, .bmp (the input's is also recognised\n"
      "by its content). WSQ is the FBI's wavelet compression for fingerprints;\n"
      "--bitrate sets its size/quality trade-off."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (argc != 3)
    return rl_cli_fail (_("give an input and an output file: convert IN OUT")), 2;
  if (ppi != 0 && (ppi < 100 || ppi > 4000))
    return rl_cli_fail (_("--ppi %d is outside 100–4000"), ppi), 2;

  format = output_format (argv[2]);
  if (format == NULL)
    return rl_cli_fail (_("%s: cannot tell the output format from the extension; "
                          "use .wsq, .png, .pgm, .tif, .jpg or .bmp"), argv[2]), 2;
  if (bitrate != -1.0 && strcmp (format, "wsq") != 0)
    return rl_cli_fail (_("--bitrate applies to WSQ output only (%s is %s)"), argv[2], format), 2;
  if (bitrate == -1.0)
    bitrate = RL_WSQ_DEFAULT_BITRATE;
  if (!(bitrate > 0.0 && bitrate <= 8.0))
    return rl_cli_fail (_("--bitrate %g is outside (0, 8] bits per pixel"), bitrate), 2;

  if (!g_file_get_contents (argv[1], &in_data, &in_len, &error))
    return rl_cli_fail_error (error);
  image = rl_image_load_from_data ((const guint8 *) in_data, in_len, ppi, &error);
  if (image == NULL)
    return rl_cli_fail ("%s: %s", argv[1], error->message);

  if (strcmp (format, "wsq") == 0)
    bytes = rl_wsq_encode (image, (float) bitrate, &error);
  else
    bytes = rl_image_encode (image, format, &error);
  if (bytes == NULL)
    return rl_cli_fail ("%s: %s", argv[2], error->message);
  /* Written to a temporary file and renamed: never a half-written output. */
  if (!g_file_set_contents (argv[2], g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    return rl_cli_fail_error (error);

  printf (_("%s: %d × %d pixels, %d ppi, %" G_GSIZE_FORMAT " bytes\n"),
          argv[1], image->width, image->height, image->ppi, in_len);
  printf (_("%s: %s, %" G_GSIZE_FORMAT " bytes (%.1f:1 against 8-bit raw"),
          argv[2], format, g_bytes_get_size (bytes),
          (double) image->width * image->height / MAX (g_bytes_get_size (bytes), 1));
  if (strcmp (format, "wsq") == 0)
    printf (_(", %.2f bits per pixel at --bitrate %.2f"),
            8.0 * g_bytes_get_size (bytes) / ((double) image->width * image->height), bitrate);
  printf (")\n");
  return 0;
}
