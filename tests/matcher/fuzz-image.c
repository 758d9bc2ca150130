/* libFuzzer target: the image reader (format sniffing, header size checks,
 * the PGM parser, then OpenCV's decoders) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "rl-image-io.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  RlImage *img = rl_image_load_from_data (data, size, 0, &error);

  if (img != NULL)
    {
      /* Whatever loads is within the limits and can be written again. */
      GBytes *pgm;
      if (img->width < RL_IMAGE_MIN_SIDE || img->height < RL_IMAGE_MIN_SIDE ||
          img->width > RL_IMAGE_MAX_SIDE || img->height > RL_IMAGE_MAX_SIDE)
        __builtin_trap ();
      pgm = rl_image_encode (img, "pgm", NULL);
      if (pgm == NULL)
        __builtin_trap ();
      g_bytes_unref (pgm);
    }
  else if (error == NULL || error->domain != RL_MATCHER_ERROR)
    __builtin_trap ();
  rl_image_free (img);
  g_clear_error (&error);
  return 0;
}
