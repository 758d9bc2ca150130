/* Template formats: Ridgeline binary, ISO/IEC 19794-2:2005, ANSI INCITS 378-2004.
 * Records are built here byte by byte from the standards' field layout, so a
 * reader that drifts from the standard fails even if it agrees with our writer. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "rl-template-io.h"

#define DEG(d) ((float) ((d) * G_PI / 180.0))

static void
be16 (GByteArray *a, guint v)
{
  guint8 b[2] = { v >> 8, v & 0xFF };
  g_byte_array_append (a, b, 2);
}

static void
be32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF };
  g_byte_array_append (a, b, 4);
}

static void
u8 (GByteArray *a, guint v)
{
  guint8 b = v;
  g_byte_array_append (a, &b, 1);
}

/* One finger view with three minutiae: an ending, a bifurcation, an "other". */
static void
append_view (GByteArray *a, guint angle_a, guint angle_b)
{
  u8 (a, 7);          /* left index */
  u8 (a, 0x01);       /* view 0, rolled */
  u8 (a, 80);         /* finger quality */
  u8 (a, 3);
  be16 (a, 1u << 14 | 100); be16 (a, 200); u8 (a, angle_a); u8 (a, 60);
  be16 (a, 2u << 14 | 150); be16 (a, 50);  u8 (a, angle_b); u8 (a, 90);
  be16 (a, 0u << 14 | 20);  be16 (a, 30);  u8 (a, 0);       u8 (a, 0);
}

static GByteArray *
build_iso (guint xres_ppcm)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, (const guint8 *) "FMR\0 20\0", 8);
  be32 (a, 0);               /* length, patched below */
  be16 (a, 0);               /* equipment */
  be16 (a, 400); be16 (a, 500);
  be16 (a, xres_ppcm); be16 (a, xres_ppcm);
  u8 (a, 1); u8 (a, 0);
  append_view (a, 64, 128);  /* 90° and 180° in 360/256 units */
  be16 (a, 0);               /* no extended data */
  a->data[8] = a->len >> 24; a->data[9] = a->len >> 16; a->data[10] = a->len >> 8; a->data[11] = a->len;
  return a;
}

static GByteArray *
build_ansi (void)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, (const guint8 *) "FMR\0 20\0", 8);
  be16 (a, 0);               /* length, patched below */
  be32 (a, 0x00330001);      /* CBEFF product id */
  be16 (a, 0);
  be16 (a, 400); be16 (a, 500);
  be16 (a, 197); be16 (a, 197);
  u8 (a, 1); u8 (a, 0);
  append_view (a, 45, 90);   /* 90° and 180° in 2° units */
  /* extended data: a core/delta block, cores with angle, one delta without */
  be16 (a, 4 + 1 + 5 + 1 + 7);
  be16 (a, 0x0002); be16 (a, 4 + 1 + 5 + 1 + 7);
  u8 (a, 1u << 6 | 1); be16 (a, 1u << 14 | 210); be16 (a, 220); u8 (a, 30);
  u8 (a, 1u << 6 | 1); be16 (a, 1u << 14 | 120); be16 (a, 330); u8 (a, 0); u8 (a, 0); u8 (a, 0);
  a->data[8] = a->len >> 8; a->data[9] = a->len & 0xFF;
  return a;
}

static void
check_three_minutiae (const RlTemplate *tpl, double scale)
{
  g_assert_cmpuint (tpl->n_minutiae, ==, 3);
  g_assert_cmpuint (tpl->finger, ==, 7);
  g_assert_cmpuint (tpl->impression, ==, 1);
  g_assert_cmpuint (tpl->quality, ==, 80);

  g_assert_cmpuint (tpl->minutiae[0].kind, ==, RL_MINUTIA_ENDING);
  g_assert_cmpfloat_with_epsilon (tpl->minutiae[0].x, 100 * scale, 0.01);
  g_assert_cmpfloat_with_epsilon (tpl->minutiae[0].y, 200 * scale, 0.01);
  g_assert_cmpfloat_with_epsilon (tpl->minutiae[0].angle, DEG (90), 1e-4);
  g_assert_cmpuint (tpl->minutiae[0].reliability, ==, 60);

  g_assert_cmpuint (tpl->minutiae[1].kind, ==, RL_MINUTIA_BIFURCATION);
  g_assert_cmpfloat_with_epsilon (tpl->minutiae[1].angle, DEG (180), 1e-4);
  g_assert_cmpuint (tpl->minutiae[2].kind, ==, RL_MINUTIA_OTHER);
}

static void
test_iso_hand_built (void)
{
  g_autoptr(GByteArray) rec = build_iso (197);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlTemplate) tpl = NULL;

  g_assert_cmpint (rl_template_detect_format (rec->data, rec->len), ==, RL_TEMPLATE_FORMAT_ISO19794_2);
  tpl = rl_template_from_iso19794_2 (rec->data, rec->len, &error);
  g_assert_no_error (error);
  check_three_minutiae (tpl, 1.0);
  g_assert_cmpuint (tpl->width, ==, 400);
  g_assert_cmpuint (tpl->height, ==, 500);
}

static void
test_iso_resolution_scaled (void)
{
  /* 1000 ppi = 394 pixels/cm: positions come back at 500 ppi, halved. */
  g_autoptr(GByteArray) rec = build_iso (394);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlTemplate) tpl = rl_template_from_iso19794_2 (rec->data, rec->len, &error);

  g_assert_no_error (error);
  check_three_minutiae (tpl, 0.5);
  g_assert_cmpuint (tpl->width, ==, 200);
}

static void
test_ansi_hand_built (void)
{
  g_autoptr(GByteArray) rec = build_ansi ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RlTemplate) tpl = NULL;

  g_assert_cmpint (rl_template_detect_format (rec->data, rec->len), ==, RL_TEMPLATE_FORMAT_ANSI378);
  tpl = rl_template_from_data (rec->data, rec->len, &error);
  g_assert_no_error (error);
  check_three_minutiae (tpl, 1.0);
  g_assert_cmpuint (tpl->n_singularities, ==, 2);
  g_assert_cmpuint (tpl->singularities[0].kind, ==, RL_SINGULARITY_CORE);
  g_assert_cmpfloat_with_epsilon (tpl->singularities[0].x, 210, 0.01);
  g_assert_cmpfloat_with_epsilon (tpl->singularities[0].angle, DEG (60), 1e-4);
  g_assert_cmpuint (tpl->singularities[1].kind, ==, RL_SINGULARITY_DELTA);
  g_assert_cmpfloat_with_epsilon (tpl->singularities[1].y, 330, 0.01);
}

static RlTemplate *
make_template (void)
{
  RlTemplate *tpl = rl_template_new (40, 2);

  tpl->width = 388; tpl->height = 374;
  tpl->finger = 2; tpl->impression = 0; tpl->quality = 71;
  for (guint i = 0; i < tpl->n_minutiae; i++)
    {
      tpl->minutiae[i].x = 10.125f + i * 9.5f;
      tpl->minutiae[i].y = 300.5f - i * 7.25f;
      tpl->minutiae[i].angle = fmodf (i * 0.37f, (float) (2 * G_PI));
      tpl->minutiae[i].kind = 1 + i % 2;
      tpl->minutiae[i].reliability = 20 + i;
    }
  tpl->singularities[0] = (RlSingularity) { 190, 180, 1.0f, RL_SINGULARITY_CORE, 80 };
  tpl->singularities[1] = (RlSingularity) { 90, 300, 2.0f, RL_SINGULARITY_DELTA, 70 };
  return tpl;
}

static void
test_round_trips (void)
{
  g_autoptr(RlTemplate) tpl = make_template ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) own = rl_template_serialize (tpl);
  g_autoptr(GBytes) iso = rl_template_to_iso19794_2 (tpl, &error);
  g_autoptr(GBytes) ansi = rl_template_to_ansi378 (tpl, &error);
  struct { GBytes *bytes; float pos_tol, angle_tol; } cases[] = {
    { own, 0.07f, 1e-4f },
    { iso, 0.51f, (float) (G_PI / 256) + 1e-4f },
    { ansi, 0.51f, (float) (G_PI / 180) + 1e-4f },
  };

  g_assert_no_error (error);
  /* 8 bytes per minutia and singularity, 14 of header, 4 of checksum. */
  g_assert_cmpuint (g_bytes_get_size (own), ==, 14 + 8 * 42 + 4);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (cases[c].bytes, &len);
      g_autoptr(RlTemplate) back = rl_template_from_data (data, len, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (back->n_minutiae, ==, tpl->n_minutiae);
      g_assert_cmpuint (back->n_singularities, ==, 2);
      g_assert_cmpuint (back->finger, ==, 2);
      g_assert_cmpuint (back->quality, ==, 71);
      g_assert_cmpuint (back->width, ==, 388);
      for (guint i = 0; i < tpl->n_minutiae; i++)
        {
          float da = fabsf (back->minutiae[i].angle - tpl->minutiae[i].angle);
          da = MIN (da, (float) (2 * G_PI) - da);
          g_assert_cmpfloat (fabsf (back->minutiae[i].x - tpl->minutiae[i].x), <=, cases[c].pos_tol);
          g_assert_cmpfloat (fabsf (back->minutiae[i].y - tpl->minutiae[i].y), <=, cases[c].pos_tol);
          g_assert_cmpfloat (da, <=, cases[c].angle_tol);
          g_assert_cmpuint (back->minutiae[i].kind, ==, tpl->minutiae[i].kind);
        }
      g_assert_cmpuint (back->singularities[0].kind, ==, RL_SINGULARITY_CORE);
      g_assert_cmpuint (back->singularities[1].kind, ==, RL_SINGULARITY_DELTA);
    }
}

static void
expect_error (const guint8 *data, gsize len, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlTemplate) tpl = rl_template_from_data (data, len, &error);

  g_assert_null (tpl);
  g_assert_nonnull (error);
  g_assert_true (error->domain == RL_MATCHER_ERROR);
  if (fragment && !strstr (error->message, fragment))
    g_error ("“%s” does not mention “%s”", error->message, fragment);
}

static void
test_malformed (void)
{
  g_autoptr(GByteArray) iso = build_iso (197);
  g_autoptr(GByteArray) ansi = build_ansi ();
  g_autoptr(RlTemplate) tpl = make_template ();
  g_autoptr(GBytes) own = rl_template_serialize (tpl);
  gsize own_len;
  const guint8 *own_data = g_bytes_get_data (own, &own_len);
  g_autofree guint8 *copy = NULL;

  expect_error (NULL, 0, "empty");
  expect_error ((const guint8 *) "GIF89a and more bytes", 21, "Not a fingerprint template");

  /* Every truncation of every format fails cleanly. */
  for (gsize n = 1; n < iso->len; n++)
    expect_error (iso->data, n, NULL);
  for (gsize n = 1; n < ansi->len; n++)
    expect_error (ansi->data, n, NULL);
  for (gsize n = 1; n < own_len; n++)
    expect_error (own_data, n, NULL);

  /* A lying length. */
  copy = g_memdup2 (iso->data, iso->len);
  copy[11] += 6;
  expect_error (copy, iso->len, "record length");
  g_free (copy);

  /* More minutiae declared than present (record length kept consistent). */
  copy = g_memdup2 (iso->data, iso->len);
  copy[27] = 200;
  expect_error (copy, iso->len, "minutiae");
  g_free (copy);

  /* The reserved minutia type 3. */
  copy = g_memdup2 (iso->data, iso->len);
  copy[28] |= 0xC0;
  expect_error (copy, iso->len, "byte offset 28");
  g_free (copy);

  /* Zero resolution. */
  copy = g_memdup2 (iso->data, iso->len);
  copy[18] = copy[19] = 0;
  expect_error (copy, iso->len, "resolution");
  g_free (copy);

  /* Finger position 11 does not exist. */
  copy = g_memdup2 (iso->data, iso->len);
  copy[24] = 11;
  expect_error (copy, iso->len, "finger position");
  g_free (copy);

  /* Extended data longer than the record. */
  copy = g_memdup2 (ansi->data, ansi->len);
  copy[26 + 4 + 18] = 0x7F;
  expect_error (copy, ansi->len, "extended data");
  g_free (copy);

  /* A flipped bit in a stored template is caught by its checksum. */
  copy = g_memdup2 (own_data, own_len);
  copy[20] ^= 0x10;
  expect_error (copy, own_len, "damaged");
  g_free (copy);

  /* A template from a future format version. */
  copy = g_memdup2 (own_data, own_len);
  copy[3] = 9;
  expect_error (copy, own_len, "version 9");
}

static void
test_too_many_minutiae_for_iso (void)
{
  g_autoptr(RlTemplate) tpl = rl_template_new (300, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) iso = rl_template_to_iso19794_2 (tpl, &error);

  g_assert_null (iso);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
}

/* The commercial extractor's records in ../shared: every one reads, and reads
 * back identically after our writer. */
static void
test_real_iso_records (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *root = NULL;
  const char *sets[] = { "FVC2002_DB1_B", "FVC2002_DB3_B", "FVC2004_DB1_B", "FVC2004_DB3_B" };
  guint files = 0, minutiae = 0;

  root = g_build_filename (shared ? shared : "../shared", "interchange", "iso19794-2", NULL);
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("shared interchange data not present");
      return;
    }
  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_autofree char *dir = g_build_filename (root, sets[s], NULL);
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      g_assert_nonnull (d);
      while ((name = g_dir_read_name (d)))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autoptr(GError) error = NULL;
          g_autoptr(RlTemplate) tpl = rl_template_load (path, &error);
          g_autoptr(GBytes) again = NULL;
          g_autoptr(RlTemplate) back = NULL;

          g_assert_no_error (error);
          g_assert_cmpuint (tpl->n_minutiae, >, 5);
          g_assert_cmpuint (tpl->n_minutiae, <, 150);
          for (guint i = 0; i < tpl->n_minutiae; i++)
            {
              g_assert_cmpfloat (tpl->minutiae[i].x, <, tpl->width + 1);
              g_assert_cmpfloat (tpl->minutiae[i].y, <, tpl->height + 1);
            }
          again = rl_template_to_iso19794_2 (tpl, &error);
          g_assert_no_error (error);
          back = rl_template_from_iso19794_2 (g_bytes_get_data (again, NULL), g_bytes_get_size (again), &error);
          g_assert_no_error (error);
          g_assert_cmpuint (back->n_minutiae, ==, tpl->n_minutiae);
          for (guint i = 0; i < tpl->n_minutiae; i++)
            {
              g_assert_cmpfloat (back->minutiae[i].x, ==, tpl->minutiae[i].x);
              g_assert_cmpfloat (back->minutiae[i].y, ==, tpl->minutiae[i].y);
              g_assert_cmpfloat_with_epsilon (back->minutiae[i].angle, tpl->minutiae[i].angle, 1e-5);
              g_assert_cmpuint (back->minutiae[i].kind, ==, tpl->minutiae[i].kind);
            }
          files++;
          minutiae += tpl->n_minutiae;
        }
    }
  g_assert_cmpuint (files, ==, 320);
  g_test_message ("%u records, %.1f minutiae on average", files, (double) minutiae / files);
}

static void
test_save_and_load (void)
{
  g_autoptr(RlTemplate) tpl = make_template ();
  g_autofree char *dir = g_dir_make_tmp ("rl-tpl-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.ansi", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlTemplate) back = NULL;

  g_assert_true (rl_template_save (tpl, path, RL_TEMPLATE_FORMAT_ANSI378, &error));
  back = rl_template_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_minutiae, ==, 40);
  g_clear_pointer (&back, rl_template_free);

  back = rl_template_load ("/nonexistent/t.iso", &error);
  g_assert_null (back);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/template/iso/hand-built", test_iso_hand_built);
  g_test_add_func ("/template/iso/resolution", test_iso_resolution_scaled);
  g_test_add_func ("/template/ansi/hand-built", test_ansi_hand_built);
  g_test_add_func ("/template/round-trips", test_round_trips);
  g_test_add_func ("/template/malformed", test_malformed);
  g_test_add_func ("/template/iso/too-many-minutiae", test_too_many_minutiae_for_iso);
  g_test_add_func ("/template/iso/real-records", test_real_iso_records);
  g_test_add_func ("/template/save-and-load", test_save_and_load);
  return g_test_run ();
}
