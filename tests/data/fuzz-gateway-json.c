/* libFuzzer target for the gateway's JSON submission reader.
 *
 * Whatever a partner sends, reading must end in a submission or a GError
 * that names what was wrong, never a crash, an out-of-bounds read or an
 * unbounded allocation; a submission read must hold what the limits allow. */
#include <glib.h>
#include <string.h>

#include "rl-gateway.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  GError *error = NULL;
  RlGatewaySubmission *s = rl_gateway_parse_json (data, size, &error);

  if (s == NULL)
    {
      /* Every refusal says something, in one of our two error codes. */
      if (error == NULL || error->domain != RL_GATEWAY_ERROR || error->message[0] == '\0'
          || (error->code != RL_GATEWAY_ERROR_MALFORMED && error->code != RL_GATEWAY_ERROR_TOO_LARGE))
        __builtin_trap ();
      g_error_free (error);
      return 0;
    }
  if (error != NULL || s->n_fingers == 0 || s->n_fingers > RL_GATEWAY_MAX_FINGERS || s->reference == NULL)
    __builtin_trap ();
  /* A purpose read is an id's shape: 1..RL_GATEWAY_MAX_PURPOSE of [a-z-]. */
  if (s->purpose != NULL
      && (s->purpose[0] == '\0' || strlen (s->purpose) > RL_GATEWAY_MAX_PURPOSE
          || strspn (s->purpose, "abcdefghijklmnopqrstuvwxyz-") != strlen (s->purpose)))
    __builtin_trap ();
  for (guint i = 0; i < s->n_fingers; i++)
    {
      const RlGatewayFinger *f = &s->fingers[i];
      if (f->position < 0 || f->position > 10 || f->ppi < 100 || f->ppi > 2000 || f->image == NULL
          || g_bytes_get_size (f->image) == 0 || g_bytes_get_size (f->image) > RL_GATEWAY_MAX_IMAGE_BYTES
          || !(g_str_equal (f->format, "png") || g_str_equal (f->format, "wsq") || g_str_equal (f->format, "jpeg")))
        __builtin_trap ();
    }
  rl_gateway_submission_free (s);
  return 0;
}
