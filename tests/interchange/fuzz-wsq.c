/* libFuzzer target for the WSQ decoder: any bytes must give an image or a
 * GError, never a crash, a sanitizer report or a huge allocation. Images
 * that decode are encoded again (small ones only, to keep the fuzzer
 * fast), which also exercises the encoder on strange content. */
#include <glib.h>
#include <stdint.h>

#include "rl-wsq.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) image = rl_wsq_decode (data, size, &error);

  g_assert ((image == NULL) != (error == NULL));
  if (image != NULL && (gsize) image->width * image->height <= 256 * 256)
    {
      g_autoptr (GBytes) again = rl_wsq_encode (image, 0.75f, &error);
      g_assert_no_error (error);
      g_assert_nonnull (again);
    }
  return 0;
}
