/* ANSI/NIST-ITL transactions: NIST's own test files are read, written back
 * byte for byte, and bad input gives errors that name the byte and field.
 *
 * `test-an2k --write-corpus DIR` writes the fuzzer's seed corpus (made with
 * our own writer). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-an2k.h"

static char *
shared_an2k_dir (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *dir = NULL;

  if (shared == NULL)
    return NULL;
  dir = g_build_filename (shared, "interchange", "an2k", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_steal_pointer (&dir);
}

/* What ../shared/interchange/README.md lists for each file: version (1.002)
 * and the record types that must be present. */
static const struct {
  const char *file;
  const char *version;
  guint types[8];
} expected[] = {
  { "valid1.1.an2", "0201", { 1, 2, 4 } },
  { "valid1.2.an2", "0201", { 1, 2, 4 } },
  { "valid1.9.an2", "0201", { 1, 2, 4 } },
  { "valid1.11.an2", "0201", { 1, 2, 4 } },
  { "valid1.14.an2", "0201", { 1, 2, 4 } },
  { "valid1.16.an2", "0201", { 1, 2, 4 } },
  { "valid1.3.an2", "0201", { 1, 2, 10 } },
  { "valid1.4.an2", "0201", { 1, 2, 13 } },
  { "valid1.5.an2", "0201", { 1, 2, 13 } },
  { "valid1.6.an2", "0201", { 1, 2, 13 } },
  { "valid1.7.an2", "0201", { 1, 2, 14 } },
  { "valid1.8.an2", "0201", { 1, 2, 14 } },
  { "valid1.10.an2", "0201", { 1, 2, 17 } },
  { "valid1.13.an2", "0200", { 1, 2, 99 } },
  { "valid1.15.an2", "0201", { 1, 2, 9 } },
  { "type_3_wvu.an2", "0201", { 1, 2, 3 } },
  { "type_5_wvu.an2", "0201", { 1, 2, 5 } },
  { "type_6_wvu.an2", "0201", { 1, 2, 6 } },
  { "sign_raw.an2", "0400", { 1, 8 } },
  { "sign_vec.an2", "0400", { 1, 8 } },
  { "face_jpb_DOM_GMT_DCS.an2", NULL, { 1, 10 } },
};

static gboolean
has_type (RlAn2kTransaction *t, guint type)
{
  return rl_an2k_transaction_find_record (t, type) != NULL;
}

static void
check_images (RlAn2kTransaction *t, const char *file)
{
  for (guint i = 0; i < rl_an2k_transaction_get_n_records (t); i++)
    {
      RlAn2kRecord *record = rl_an2k_transaction_get_record (t, i);
      guint type = rl_an2k_record_get_type (record);
      g_autoptr(GError) error = NULL;
      RlAn2kImage image;
      const guint8 *data;
      gsize len;

      if (type != 4 && type != 13 && type != 14)
        continue;
      g_assert_true (rl_an2k_record_get_image (t, record, &image, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (image.width, >, 0);
      g_assert_cmpuint (image.height, >, 0);
      data = g_bytes_get_data (image.data, &len);
      g_assert_cmpuint (len, >, 2);
      if (type == 4)
        {
          /* WSQ starts with its SOI marker FF A0. (Some Type-14 test
           * records in valid1.11/1.16 say WSQ but hold placeholder text.) */
          g_assert_true (data[0] == 0xFF && data[1] == 0xA0);
          /* The README: Type-4 records there are WSQ (4.008 = 1), 500 ppi. */
          guint gca = 99;
          g_assert_true (rl_an2k_record_get_uint (record, 8, &gca));
          g_assert_cmpuint (gca, ==, 1);
          g_assert_cmpuint (image.ppi, ==, 500);
          g_assert_cmpuint (image.finger, >=, 1);
          g_assert_cmpuint (image.finger, <=, 10);
        }
      g_test_message ("%s: Type-%u IDC %u, %u × %u at %u ppi, finger %u", file, type, image.idc,
                      image.width, image.height, image.ppi, image.finger);
      rl_an2k_image_clear (&image);
    }
}

static void
test_shared_files (void)
{
  g_autofree char *dir = shared_an2k_dir ();

  if (dir == NULL)
    {
      g_test_skip ("../shared/interchange/an2k is absent");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *path = g_build_filename (dir, expected[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RlAn2kTransaction) t = rl_an2k_read_file (path, &error);
      RlAn2kRecord *type1;
      guint count = 0;

      g_test_message ("reading %s", expected[i].file);
      g_assert_no_error (error);
      g_assert_nonnull (t);
      if (expected[i].version)
        g_assert_cmpstr (rl_an2k_transaction_get_version (t), ==, expected[i].version);
      for (guint k = 0; k < G_N_ELEMENTS (expected[i].types) && expected[i].types[k]; k++)
        g_assert_true (has_type (t, expected[i].types[k]));

      /* The record count is what CNT (1.003) announces. */
      type1 = rl_an2k_transaction_get_record (t, 0);
      g_assert_cmpuint (rl_an2k_record_get_type (type1), ==, 1);
      g_assert_true (rl_an2k_field_get_item (rl_an2k_record_get_field (type1, 3), 0, 1) != NULL);
      count = (guint) g_ascii_strtoull (rl_an2k_field_get_item (rl_an2k_record_get_field (type1, 3), 0, 1), NULL, 10);
      g_assert_cmpuint (rl_an2k_transaction_get_n_records (t), ==, count + 1);
      check_images (t, expected[i].file);
    }
}

/* Every .an2 file there: read, write, compare byte for byte. */
static void
test_round_trip (void)
{
  g_autofree char *dir = shared_an2k_dir ();
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint n = 0;

  if (dir == NULL)
    {
      g_test_skip ("../shared/interchange/an2k is absent");
      return;
    }
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *original = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(RlAn2kTransaction) t = NULL;
      g_autoptr(GBytes) written = NULL;
      gsize len;

      if (!g_str_has_suffix (name, ".an2"))
        continue;
      g_assert_true (g_file_get_contents (path, &original, &len, NULL));
      t = rl_an2k_read_file (path, &error);
      g_assert_no_error (error);
      written = rl_an2k_write (t, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (written, NULL), g_bytes_get_size (written), original, len);
      n++;
    }
  g_assert_cmpuint (n, >=, 20);
}

static void
test_minutiae (void)
{
  g_autofree char *dir = shared_an2k_dir ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAn2kTransaction) t = NULL;
  g_autoptr(RlTemplate) tpl = NULL;
  RlAn2kRecord *type9;

  if (dir == NULL)
    {
      g_test_skip ("../shared/interchange/an2k is absent");
      return;
    }
  path = g_build_filename (dir, "valid1.15.an2", NULL);
  t = rl_an2k_read_file (path, &error);
  g_assert_no_error (error);
  type9 = rl_an2k_transaction_find_record (t, 9);
  g_assert_nonnull (type9);
  g_assert_cmpstr (rl_an2k_record_get_text (type9, 4), ==, "S");
  tpl = rl_an2k_record_get_minutiae (type9, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tpl->n_minutiae, ==, 1);    /* 9.010 MIN = 1 */
  g_assert_cmpuint (tpl->minutiae[0].kind, ==, RL_MINUTIA_BIFURCATION);
}

/* ---- made here ------------------------------------------------------------- */

static GBytes *
fake_wsq (gsize len, guint8 seed)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (i * 31 + seed);
  data[0] = 0xFF;
  data[1] = 0xA0;
  return g_bytes_new_take (data, len);
}

/* A transaction as Ridgeline's export writes it. */
static RlAn2kTransaction *
make_transaction (gboolean with_uncompressed)
{
  RlAn2kTransaction *t = rl_an2k_transaction_new ("0500");
  RlAn2kRecord *type1 = rl_an2k_transaction_get_record (t, 0);
  RlAn2kRecord *type2;
  RlAn2kImage image = { 0 };
  g_autoptr(GError) error = NULL;
  const char *name[] = { "DOE", "JANE" };

  rl_an2k_record_set_text (type1, 4, "CAR");
  rl_an2k_record_set_text (type1, 5, "20260101");
  rl_an2k_record_set_text (type1, 7, "RIDGELINE");
  rl_an2k_record_set_text (type1, 8, "RIDGELINE");
  rl_an2k_record_set_text (type1, 9, "TCN-0001");
  rl_an2k_record_set_text (type1, 11, "19.69");
  rl_an2k_record_set_text (type1, 12, "19.69");
  type2 = rl_an2k_transaction_add_record (t, 2, 0);
  rl_an2k_field_add_subfield (rl_an2k_record_set_field (type2, 18), name, 2);
  rl_an2k_record_set_text (type2, 22, "19800229");

  image.width = 16;
  image.height = 12;
  image.ppi = 500;
  image.finger = RL_FINGER_RIGHT_INDEX;
  image.impression = RL_IMPRESSION_ROLLED;
  image.compression = RL_AN2K_COMPRESSION_WSQ;
  image.data = fake_wsq (40, 1);
  g_assert_nonnull (rl_an2k_transaction_add_fingerprint (t, 4, &image, &error));
  g_assert_no_error (error);
  image.finger = RL_FINGER_LEFT_THUMB;
  image.ppi = 1000;
  g_assert_nonnull (rl_an2k_transaction_add_fingerprint (t, 14, &image, &error));
  g_assert_no_error (error);
  rl_an2k_image_clear (&image);
  if (with_uncompressed)
    {
      image.width = 8;
      image.height = 8;
      image.ppi = 500;
      image.finger = RL_FINGER_RIGHT_THUMB;
      image.compression = RL_AN2K_COMPRESSION_NONE;
      image.data = fake_wsq (64, 7);
      g_assert_nonnull (rl_an2k_transaction_add_fingerprint (t, 4, &image, &error));
      g_assert_no_error (error);
      rl_an2k_image_clear (&image);
    }
  return t;
}

static GBytes *
make_bytes (gboolean with_uncompressed)
{
  g_autoptr(RlAn2kTransaction) t = make_transaction (with_uncompressed);
  g_autoptr(GError) error = NULL;
  GBytes *bytes = rl_an2k_write (t, &error);

  g_assert_no_error (error);
  return bytes;
}

static void
test_write_and_read (void)
{
  g_autoptr(GBytes) bytes = make_bytes (TRUE);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAn2kTransaction) t = rl_an2k_read (bytes, &error);
  RlAn2kRecord *type2, *type14;
  RlAn2kImage image;

  g_assert_no_error (error);
  g_assert_cmpstr (rl_an2k_transaction_get_version (t), ==, "0500");
  g_assert_cmpuint (rl_an2k_transaction_get_n_records (t), ==, 5);
  g_assert_cmpstr (rl_an2k_field_get_item (rl_an2k_record_get_field (rl_an2k_transaction_get_record (t, 0), 3), 0, 1),
                   ==, "4");
  type2 = rl_an2k_transaction_find_record (t, 2);
  g_assert_cmpstr (rl_an2k_field_get_item (rl_an2k_record_get_field (type2, 18), 0, 1), ==, "JANE");
  g_assert_cmpstr (rl_an2k_record_get_text (type2, 22), ==, "19800229");
  g_assert_cmpstr (rl_an2k_field_get_tag (rl_an2k_record_get_field (type2, 22)), ==, "2.022");

  g_assert_true (rl_an2k_record_get_image (t, rl_an2k_transaction_find_record (t, 4), &image, &error));
  g_assert_cmpuint (image.width, ==, 16);
  g_assert_cmpuint (image.height, ==, 12);
  g_assert_cmpuint (image.finger, ==, RL_FINGER_RIGHT_INDEX);
  g_assert_cmpuint (image.impression, ==, RL_IMPRESSION_ROLLED);
  g_assert_cmpint (image.compression, ==, RL_AN2K_COMPRESSION_WSQ);
  g_assert_cmpuint (image.idc, ==, 1);
  rl_an2k_image_clear (&image);

  type14 = rl_an2k_transaction_find_record (t, 14);
  g_assert_true (rl_an2k_record_get_image (t, type14, &image, &error));
  g_assert_cmpuint (image.ppi, ==, 1000);
  g_assert_cmpuint (image.finger, ==, RL_FINGER_LEFT_THUMB);
  g_assert_cmpuint (image.idc, ==, 2);
  g_assert_cmpuint (g_bytes_get_size (image.data), ==, 40);
  rl_an2k_image_clear (&image);

  /* Written again: the same bytes. */
  again = rl_an2k_write (t, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes, again));
}

/* Changing a record re-computes LEN and CNT. */
static void
test_edit_updates_lengths (void)
{
  g_autoptr(GBytes) bytes = make_bytes (FALSE);
  g_autoptr(GBytes) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAn2kTransaction) t = rl_an2k_read (bytes, &error);
  g_autoptr(RlAn2kTransaction) back = NULL;
  RlAn2kRecord *type2 = rl_an2k_transaction_find_record (t, 2);

  rl_an2k_record_set_text (type2, 20, "A place with a much longer name than before");
  rl_an2k_record_set_data (rl_an2k_transaction_find_record (t, 4), g_bytes_new_static ("\xff\xa0zz", 4));
  rl_an2k_transaction_add_record (t, 10, 9);
  edited = rl_an2k_write (t, &error);
  g_assert_no_error (error);
  back = rl_an2k_read (edited, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rl_an2k_transaction_get_n_records (back), ==, 5);
  g_assert_cmpstr (rl_an2k_record_get_text (rl_an2k_transaction_find_record (back, 2), 20), ==,
                   "A place with a much longer name than before");
  g_assert_cmpuint (g_bytes_get_size (rl_an2k_record_get_data (rl_an2k_transaction_find_record (back, 4))), ==, 4);
  g_assert_cmpuint (rl_an2k_record_get_idc (rl_an2k_transaction_find_record (back, 10)), ==, 9);
}

/* ---- bad input --------------------------------------------------------------- */

static GBytes *
patched (GBytes *bytes, gsize offset, const char *replacement, gsize replacement_len, gsize removed)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, data, offset);
  g_byte_array_append (out, (const guint8 *) replacement, replacement_len);
  g_byte_array_append (out, data + offset + removed, len - offset - removed);
  return g_byte_array_free_to_bytes (out);
}

static gsize
find (GBytes *bytes, const char *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *at = g_strstr_len (data, (gssize) len, needle);

  g_assert_nonnull (at);
  return (gsize) (at - data);
}

static void
expect_error (GBytes *bytes, RlAn2kError code, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAn2kTransaction) t = rl_an2k_read (bytes, &error);

  g_assert_null (t);
  g_assert_error (error, RL_AN2K_ERROR, (gint) code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "byte "));
  if (fragment)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) bytes = make_bytes (TRUE);
  gsize len = g_bytes_get_size (bytes);

  /* Every prefix is an error, never a crash. */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (bytes, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(RlAn2kTransaction) t = rl_an2k_read (prefix, &error);

      g_assert_null (t);
      g_assert_nonnull (error);
    }
  {
    g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (bytes, 0, len - 10);
    expect_error (prefix, RL_AN2K_ERROR_TRUNCATED, "4.001 (LEN)");
  }
}

static void
test_lying_headers (void)
{
  g_autoptr(GBytes) bytes = make_bytes (TRUE);
  gsize len = g_bytes_get_size (bytes);
  g_autoptr(RlAn2kTransaction) t = rl_an2k_read (bytes, NULL);
  gsize type4 = rl_an2k_record_get_offset (rl_an2k_transaction_find_record (t, 4));
  g_autoptr(GBytes) b = NULL;

  /* CNT announces more records than it lists. */
  b = patched (bytes, find (bytes, "1.003:1\x1f") + 8, "5", 1, 1);
  expect_error (b, RL_AN2K_ERROR_INCONSISTENT, "1.003 (CNT)");
  g_clear_pointer (&b, g_bytes_unref);

  /* An unknown record type in CNT. */
  b = patched (bytes, find (bytes, "\x1e" "14\x1f"), "\x1e" "42\x1f", 4, 4);
  expect_error (b, RL_AN2K_ERROR_UNSUPPORTED, "unknown record type 42");
  g_clear_pointer (&b, g_bytes_unref);

  /* Type-2 LEN one byte short: the record does not end with FS there. */
  {
    gsize at = find (bytes, "2.001:") + 6;
    g_autofree char *digits = g_strndup ((const char *) g_bytes_get_data (bytes, NULL) + at, 2);
    g_autofree char *shorter = g_strdup_printf ("%02u", (guint) g_ascii_strtoull (digits, NULL, 10) - 1);
    b = patched (bytes, at, shorter, 2, 2);
    expect_error (b, RL_AN2K_ERROR_INCONSISTENT, "2.001 (LEN)");
    g_clear_pointer (&b, g_bytes_unref);
  }

  /* A huge declared size in a tagged LEN. */
  {
    gsize at = find (bytes, "2.001:") + 6;
    b = patched (bytes, at, "99999999999", 11, 2);
    expect_error (b, RL_AN2K_ERROR_TOO_LARGE, "2.001 (LEN)");
    g_clear_pointer (&b, g_bytes_unref);
  }

  /* A huge declared size in a binary Type-4 LEN. */
  b = patched (bytes, type4, "\xff\xff\xff\xf0", 4, 4);
  expect_error (b, RL_AN2K_ERROR_TRUNCATED, "4.001 (LEN)");
  g_clear_pointer (&b, g_bytes_unref);

  /* A binary LEN shorter than its header. */
  b = patched (bytes, type4, "\x00\x00\x00\x05", 4, 4);
  expect_error (b, RL_AN2K_ERROR_INCONSISTENT, "4.001 (LEN)");
  g_clear_pointer (&b, g_bytes_unref);

  /* Impression type out of range. */
  b = patched (bytes, type4 + 5, "\x63", 1, 1);
  expect_error (b, RL_AN2K_ERROR_OUT_OF_RANGE, "4.003 (IMP)");
  g_clear_pointer (&b, g_bytes_unref);

  /* Finger position out of range. */
  b = patched (bytes, type4 + 6, "\x63", 1, 1);
  expect_error (b, RL_AN2K_ERROR_OUT_OF_RANGE, "4.004 (FGP)");
  g_clear_pointer (&b, g_bytes_unref);

  /* IDC disagrees with CNT. */
  b = patched (bytes, type4 + 4, "\x07", 1, 1);
  expect_error (b, RL_AN2K_ERROR_INCONSISTENT, "4.002 (IDC)");
  g_clear_pointer (&b, g_bytes_unref);

  /* Uncompressed image whose HLL × VLL disagrees with the data (the last
   * Type-4 is 8 × 8 uncompressed). */
  b = patched (bytes, len - 64 - 5, "\x00\x09", 2, 2);
  expect_error (b, RL_AN2K_ERROR_INCONSISTENT, "4.008 (GCA)");
  g_clear_pointer (&b, g_bytes_unref);

  /* Bytes after the last record. */
  b = patched (bytes, len, "junk", 4, 0);
  expect_error (b, RL_AN2K_ERROR_INCONSISTENT, "follow the last record");
  g_clear_pointer (&b, g_bytes_unref);

  /* Unsupported version. */
  b = patched (bytes, find (bytes, "1.002:") + 6, "0900", 4, 4);
  expect_error (b, RL_AN2K_ERROR_UNSUPPORTED, "1.002 (VER)");
  g_clear_pointer (&b, g_bytes_unref);

  /* A field twice. */
  b = patched (bytes, find (bytes, "2.022:"), "2.018", 5, 5);
  expect_error (b, RL_AN2K_ERROR_SYNTAX, "2.018 appears twice");
  g_clear_pointer (&b, g_bytes_unref);

  /* A NUL byte in a text field. */
  b = patched (bytes, find (bytes, "2.022:") + 7, "\0", 1, 1);
  expect_error (b, RL_AN2K_ERROR_SYNTAX, "2.022");
  g_clear_pointer (&b, g_bytes_unref);

  /* A field of nothing but separators: refused before it costs gigabytes
   * (made with our writer so that the lengths agree). */
  {
    g_autoptr(RlAn2kTransaction) big = make_transaction (FALSE);
    g_autofree const char **empty = g_new0 (const char *, RL_AN2K_MAX_ITEMS + 2);
    g_autoptr(GBytes) written = NULL;

    for (guint i = 0; i <= RL_AN2K_MAX_ITEMS; i++)
      empty[i] = "";
    rl_an2k_field_add_subfield (rl_an2k_record_set_field (rl_an2k_transaction_find_record (big, 2), 30), empty,
                                RL_AN2K_MAX_ITEMS + 1);
    written = rl_an2k_write (big, NULL);
    expect_error (written, RL_AN2K_ERROR_TOO_LARGE, "2.030");
  }

  /* Not a transaction at all. */
  b = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);
  expect_error (b, RL_AN2K_ERROR_SYNTAX, NULL);
  g_clear_pointer (&b, g_bytes_unref);
  b = g_bytes_new_static ("", 0);
  expect_error (b, RL_AN2K_ERROR_TRUNCATED, "empty");
}

static void
test_writer_refuses (void)
{
  g_autoptr(RlAn2kTransaction) t = make_transaction (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  RlAn2kImage image = { .width = 8, .height = 8, .ppi = 1000, .compression = RL_AN2K_COMPRESSION_WSQ };

  image.data = fake_wsq (10, 0);
  /* Type-4 is 500 ppi only. */
  g_assert_null (rl_an2k_transaction_add_fingerprint (t, 4, &image, &error));
  g_assert_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INVALID);
  g_clear_error (&error);
  rl_an2k_image_clear (&image);

  /* A binary header value that does not fit its byte. */
  rl_an2k_record_set_uint (rl_an2k_transaction_find_record (t, 4), 3, 300);
  bytes = rl_an2k_write (t, &error);
  g_assert_null (bytes);
  g_assert_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_OUT_OF_RANGE);
}

/* ---- XML ------------------------------------------------------------------- */

static void
test_xml (void)
{
  g_autofree char *dir = shared_an2k_dir ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAn2kTransaction) t = NULL;
  g_autoptr(RlAn2kTransaction) back = NULL;
  g_autoptr(GBytes) written = NULL;
  RlAn2kRecord *type1, *type4, *type9, *type14;
  RlAn2kImage image;
  guint n_types[100] = { 0 };

  if (dir == NULL)
    {
      g_test_skip ("../shared/interchange/an2k is absent");
      return;
    }
  path = g_build_filename (dir, "All-Supported-Records-test-comp.xml", NULL);
  t = rl_an2k_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_assert_cmpstr (rl_an2k_transaction_get_version (t), ==, "0400");

  /* The XML's content summary lists 22 records besides Type-1. */
  g_assert_cmpuint (rl_an2k_transaction_get_n_records (t), ==, 23);
  for (guint i = 0; i < rl_an2k_transaction_get_n_records (t); i++)
    n_types[rl_an2k_record_get_type (rl_an2k_transaction_get_record (t, i)) % 100]++;
  g_assert_cmpuint (n_types[1], ==, 1);
  g_assert_cmpuint (n_types[4], ==, 1);
  g_assert_cmpuint (n_types[9], ==, 2);
  g_assert_cmpuint (n_types[13], ==, 3);
  g_assert_cmpuint (n_types[14], ==, 3);

  type1 = rl_an2k_transaction_get_record (t, 0);
  g_assert_cmpstr (rl_an2k_record_get_text (type1, 4), ==, "CAR");
  g_assert_cmpstr (rl_an2k_record_get_text (type1, 5), ==, "20070706");
  g_assert_cmpstr (rl_an2k_record_get_text (type1, 9), ==, "56839");

  type4 = rl_an2k_transaction_find_record (t, 4);
  g_assert_true (rl_an2k_record_get_image (t, type4, &image, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (image.width, ==, 80);
  g_assert_cmpuint (image.height, ==, 65);
  g_assert_cmpuint (image.finger, ==, 2);
  g_assert_cmpuint (image.impression, ==, 3);
  g_assert_cmpint (image.compression, ==, RL_AN2K_COMPRESSION_WSQ);
  g_assert_cmpuint (g_bytes_get_size (image.data), >, 0);
  rl_an2k_image_clear (&image);

  type14 = rl_an2k_transaction_find_record (t, 14);
  g_assert_nonnull (rl_an2k_record_get_data (type14));

  type9 = rl_an2k_transaction_find_record (t, 9);
  g_assert_cmpuint (rl_an2k_record_get_idc (type9), ==, 7);
  g_assert_cmpstr (rl_an2k_record_get_text (type9, 3), ==, "4");

  /* Written in the traditional encoding and read back: same records. */
  written = rl_an2k_write (t, &error);
  g_assert_no_error (error);
  back = rl_an2k_read (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rl_an2k_transaction_get_n_records (back), ==, rl_an2k_transaction_get_n_records (t));
  for (guint i = 0; i < rl_an2k_transaction_get_n_records (t); i++)
    {
      RlAn2kRecord *a = rl_an2k_transaction_get_record (t, i), *b = rl_an2k_transaction_get_record (back, i);
      g_assert_cmpuint (rl_an2k_record_get_type (a), ==, rl_an2k_record_get_type (b));
      g_assert_cmpuint (rl_an2k_record_get_n_fields (a), ==, rl_an2k_record_get_n_fields (b));
    }
}

static void
test_xml_bad (void)
{
  static const char *bad[] = {
    "",
    "<not-a-transaction/>",
    "<itl:NISTBiometricInformationExchangePackage xmlns:itl=\"x\"><itl:PackageInformationRecord>",
    "<itl:NISTBiometricInformationExchangePackage xmlns:itl=\"x\" xmlns:ansi-nist=\"y\" xmlns:nc=\"z\">"
    "<itl:PackageHighResolutionGrayscaleImageRecord><ansi-nist:RecordCategoryCode>04</ansi-nist:RecordCategoryCode>"
    "<ansi-nist:FingerprintImage><nc:BinaryBase64Object>!!!not base64!!!</nc:BinaryBase64Object></ansi-nist:FingerprintImage>"
    "</itl:PackageHighResolutionGrayscaleImageRecord></itl:NISTBiometricInformationExchangePackage>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RlAn2kTransaction) t = rl_an2k_read_xml (bad[i], strlen (bad[i]), &error);

      g_assert_null (t);
      g_assert_error (error, RL_AN2K_ERROR, error->code);
      g_test_message ("%s", error->message);
    }
}

/* ---- seed corpus -------------------------------------------------------------- */

static int
write_corpus (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) full = make_bytes (TRUE);
  g_autoptr(GBytes) small = make_bytes (FALSE);
  g_autoptr(GBytes) minimal = NULL;
  g_autoptr(GBytes) legacy = NULL;
  g_autoptr(RlAn2kTransaction) m = rl_an2k_transaction_new ("0201");
  g_autoptr(RlAn2kTransaction) l = rl_an2k_transaction_new ("0400");
  RlAn2kRecord *r;
  const char *mrc1[] = { "1", "01230456090", "2", "A" }, *mrc2[] = { "2", "02000300180", "40", "B" };

  minimal = rl_an2k_write (m, &error);
  g_assert_no_error (error);
  r = rl_an2k_transaction_add_record (l, 9, 1);
  rl_an2k_record_set_text (r, 3, "0");
  rl_an2k_record_set_text (r, 4, "S");
  rl_an2k_record_set_text (r, 10, "2");
  rl_an2k_field_add_subfield (rl_an2k_record_set_field (r, 12), mrc1, 4);
  rl_an2k_field_add_subfield (rl_an2k_record_set_field (r, 12), mrc2, 4);
  r = rl_an2k_transaction_add_record (l, 8, 2);
  rl_an2k_record_set_data (r, g_bytes_new_static ("\x01\x02\x03\x04", 4));
  r = rl_an2k_transaction_add_record (l, 7, 3);
  r = rl_an2k_transaction_add_record (l, 13, 4);
  rl_an2k_record_set_text (r, 6, "4");
  rl_an2k_record_set_text (r, 7, "2");
  rl_an2k_record_set_text (r, 11, "NONE");
  rl_an2k_record_set_data (r, g_bytes_new_static ("abcdefgh", 8));
  legacy = rl_an2k_write (l, &error);
  g_assert_no_error (error);

  g_mkdir_with_parents (dir, 0755);
  {
    struct { const char *name; GBytes *bytes; } files[] = {
      { "full.an2", full }, { "small.an2", small }, { "minimal.an2", minimal }, { "other-types.an2", legacy },
    };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (dir, files[i].name, NULL);
        if (!g_file_set_contents (path, g_bytes_get_data (files[i].bytes, NULL),
                                  (gssize) g_bytes_get_size (files[i].bytes), &error))
          {
            g_printerr ("%s\n", error->message);
            return 1;
          }
      }
  }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--write-corpus") == 0)
    return write_corpus (argv[2]);

  /* "--shared": the tests on NIST's files, skipped (77) without them. */
  if (argc >= 2 && strcmp (argv[1], "--shared") == 0)
    {
      g_autofree char *dir = shared_an2k_dir ();

      if (dir == NULL)
        {
          g_print ("../shared/interchange/an2k is absent: skipping\n");
          return 77;
        }
      argv[1] = argv[0];
      argc--, argv++;
      g_test_init (&argc, &argv, NULL);
      g_test_add_func ("/an2k/shared-files", test_shared_files);
      g_test_add_func ("/an2k/round-trip", test_round_trip);
      g_test_add_func ("/an2k/minutiae", test_minutiae);
      g_test_add_func ("/an2k/xml", test_xml);
      return g_test_run ();
    }

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/an2k/write-and-read", test_write_and_read);
  g_test_add_func ("/an2k/edit-updates-lengths", test_edit_updates_lengths);
  g_test_add_func ("/an2k/truncated", test_truncated);
  g_test_add_func ("/an2k/lying-headers", test_lying_headers);
  g_test_add_func ("/an2k/writer-refuses", test_writer_refuses);
  g_test_add_func ("/an2k/xml-bad", test_xml_bad);
  return g_test_run ();
}
