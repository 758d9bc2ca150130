#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-format.h"

char *
rl_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_time == 0 || !(time = g_date_time_new_from_unix_local (unix_time)))
    return g_strdup ("");
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

char *
rl_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_time == 0 || !(time = g_date_time_new_from_unix_local (unix_time)))
    return g_strdup ("");
  return g_date_time_format (time, "%Y-%m-%d");
}

char *
rl_format_name (const char *given_names, const char *family_name)
{
  const char *given = given_names ? given_names : "";
  const char *family = family_name ? family_name : "";

  if (*given && *family)
    return g_strdup_printf ("%s %s", given, family);
  return g_strdup (*given ? given : family);
}

char *
rl_format_person (const char *reference, const char *given_names, const char *family_name)
{
  g_autofree char *name = rl_format_name (given_names, family_name);

  if (*name == '\0')
    return g_strdup (reference);
  return g_strdup_printf ("%s (%s)", reference, name);
}

const char *
rl_format_finger (RlFingerPosition finger)
{
  static const char *names[] = {
    N_("Unknown finger"),
    N_("Right thumb"), N_("Right index"), N_("Right middle"), N_("Right ring"), N_("Right little"),
    N_("Left thumb"), N_("Left index"), N_("Left middle"), N_("Left ring"), N_("Left little"),
  };

  if ((guint) finger >= G_N_ELEMENTS (names))
    finger = RL_FINGER_UNKNOWN;
  return _(names[finger]);
}

char *
rl_format_score (float score)
{
  return score > 0 ? g_strdup_printf ("%.3f", score) : g_strdup ("");
}
