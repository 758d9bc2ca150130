/* libFuzzer target for the ANSI/NIST-ITL readers (traditional and XML).
 *
 * Whatever the input, reading must end in a transaction or a GError, never
 * a crash, a leak of bounds or an unbounded allocation. What was read must
 * write, and what was written must read back and write to the same bytes. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-an2k.h"

static void
exercise (RlAn2kTransaction *t)
{
  for (guint i = 0; i < rl_an2k_transaction_get_n_records (t); i++)
    {
      RlAn2kRecord *record = rl_an2k_transaction_get_record (t, i);
      guint type = rl_an2k_record_get_type (record);
      GError *error = NULL;

      if (type == 4 || type == 13 || type == 14)
        {
          RlAn2kImage image;
          if (rl_an2k_record_get_image (t, record, &image, &error))
            rl_an2k_image_clear (&image);
          g_clear_error (&error);
        }
      else if (type == 9)
        {
          RlTemplate *tpl = rl_an2k_record_get_minutiae (record, 0, &error);
          g_clear_pointer (&tpl, rl_template_free);
          g_clear_error (&error);
        }
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAn2kTransaction) t = NULL;
  g_autoptr(RlAn2kTransaction) again = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  if (size > 0 && data[0] == '<')
    t = rl_an2k_read_xml ((const char *) data, size, &error);
  else
    t = rl_an2k_read_data (data, size, &error);
  if (t == NULL)
    {
      if (error == NULL)
        abort ();   /* failure without a reason */
      return 0;
    }
  exercise (t);

  first = rl_an2k_write (t, &error);
  if (first == NULL)
    return 0;      /* e.g. an XML value that does not fit a binary header */
  again = rl_an2k_read (first, &error);
  if (again == NULL)
    {
      fprintf (stderr, "written transaction does not read back: %s\n", error->message);
      abort ();
    }
  second = rl_an2k_write (again, &error);
  if (second == NULL || !g_bytes_equal (first, second))
    abort ();
  return 0;
}
