/* libFuzzer target: every template reader on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "rl-template-io.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  RlTemplate *tpl;

  tpl = rl_template_deserialize (data, size, &error);
  rl_template_free (tpl);
  g_clear_error (&error);
  tpl = rl_template_from_iso19794_2 (data, size, &error);
  rl_template_free (tpl);
  g_clear_error (&error);
  tpl = rl_template_from_ansi378 (data, size, &error);
  if (tpl != NULL)
    {
      /* What we read, we can write back and read again. */
      GBytes *again = rl_template_serialize (tpl);
      RlTemplate *back = rl_template_deserialize (g_bytes_get_data (again, NULL), g_bytes_get_size (again), NULL);
      if (back == NULL || back->n_minutiae != tpl->n_minutiae)
        __builtin_trap ();
      rl_template_free (back);
      g_bytes_unref (again);
    }
  rl_template_free (tpl);
  g_clear_error (&error);
  return 0;
}
