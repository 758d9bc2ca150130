/* own-display.h — an X server (Xvfb) of a test's own, for tests that type
 * with xdotool: key presses go to whatever window has the focus on a
 * display, and on the display the other GUI tests share (they run in
 * parallel) they could land in another test's window. */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The server dies with the test, whatever happens to the test. */
static inline void
own_display_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts Xvfb on a free display number and sets DISPLAY to it (call before
 * gtk_init). NULL, DISPLAY unchanged, when Xvfb or xdotool is missing or the
 * server does not answer. */
static inline GSubprocess *
own_display_start (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *xvfb = g_find_program_in_path ("Xvfb");
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *old_display = g_strdup (g_getenv ("DISPLAY"));
  GSubprocess *server;
  char number[16] = "";
  gsize len = 0;
  int fds[2];

  if (xvfb == NULL || xdotool == NULL || pipe (fds) != 0)
    return NULL;
  /* Xvfb picks a free display number and writes it to fd 3. */
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, own_display_die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, xvfb, "-displayfd", "3", "-screen", "0", "1400x1000x24",
                                        "-nolisten", "tcp", NULL);
  if (server == NULL)
    {
      close (fds[0]);
      return NULL;
    }
  while (len < sizeof number - 1)
    {
      ssize_t n = read (fds[0], number + len, 1);
      if (n <= 0 || number[len] == '\n')
        break;
      len++;
    }
  number[len] = '\0';
  close (fds[0]);
  if (len > 0)
    {
      g_autofree char *display = g_strdup_printf (":%s", number);
      g_setenv ("DISPLAY", display, TRUE);
      /* Answering before anything starts on it. */
      for (int tries = 0; tries < 100; tries++)
        {
          const char *argv[] = { "xdotool", "getmouselocation", NULL };
          int status = -1;

          if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                            G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) &&
              g_spawn_check_wait_status (status, NULL))
            return server;
          g_usleep (100 * 1000);
        }
    }
  if (old_display)
    g_setenv ("DISPLAY", old_display, TRUE);
  g_subprocess_force_exit (server);
  g_object_unref (server);
  return NULL;
}

/* Runs xdotool with these arguments on the current DISPLAY; FALSE if it
 * could not run or failed. */
static inline gboolean
own_display_xdotool (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list ap;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (ap, first);
  for (const char *arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                       G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

/* Runs xdotool with these arguments (NULL-terminated array) on the current
 * DISPLAY and returns what it printed, stripped ("" when nothing); aborts
 * the test when xdotool cannot run at all. */
static inline char *
own_display_xdotool_output (const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (const char *const *arg = args; *arg; arg++)
    g_ptr_array_add (argv, (gpointer) *arg);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    g_error ("cannot run xdotool: %s", error->message);
  return g_strstrip (g_steal_pointer (&out));
}
