/* rl-an2k.c — ANSI/NIST-ITL 1-2011 traditional encoding: model, reader, writer.
 *
 * The reader follows the Type-1 CNT field (1.003): it says which record type
 * comes next and, for binary records, that decides how the record is framed.
 * Every length read from the file is checked against the bytes that are
 * really there before anything is sliced or allocated, so a lying header
 * gives an error that names the byte offset and the field, never a crash.
 */
#define G_LOG_DOMAIN "rl-an2k"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rl-an2k.h"
#include "rl-an2k-private.h"

G_DEFINE_QUARK (rl-an2k-error-quark, rl_an2k_error)

#define FS 0x1C   /* ends a record */
#define GS 0x1D   /* separates fields */
#define RS 0x1E   /* separates subfields */
#define US 0x1F   /* separates items */

#define FIELD_LEN 1
#define FIELD_IDC 2
#define FIELD_DATA 999

struct _RlAn2kField {
  guint      number;
  char      *tag;         /* as written; NULL: "T.NNN" */
  GPtrArray *subfields;   /* of GPtrArray of char* (items) */
  guint      record_type;
};

struct _RlAn2kRecord {
  guint      type;
  gsize      offset;
  GPtrArray *fields;      /* of RlAn2kField*, in file order, LEN first */
  GBytes    *data;        /* field 999 / bytes after a binary header */
  char      *data_tag;    /* tag of field 999 as written */
};

struct _RlAn2kTransaction {
  GPtrArray *records;     /* of RlAn2kRecord*, Type-1 first */
  GPtrArray *warnings;    /* of char*: what was read but not kept */
};

/* ---- record types -------------------------------------------------------- */

gboolean
rl_an2k_record_type_is_binary (guint type)
{
  return type >= 3 && type <= 8;
}

gboolean
rl_an2k_record_type_is_used (guint type)
{
  return type == 1 || type == 2 || type == 4 || type == 9 || type == 13 || type == 14;
}

gboolean
rl_an2k_record_type_is_known (guint type)
{
  return (type >= 1 && type <= 22) || type == 98 || type == 99;
}

const char *
rl_an2k_record_type_describe (guint type)
{
  switch (type)
    {
    case 1: return _("Type-1 transaction information");
    case 2: return _("Type-2 descriptive text");
    case 3: return _("Type-3 low-resolution grayscale fingerprint (legacy)");
    case 4: return _("Type-4 high-resolution grayscale fingerprint");
    case 5: return _("Type-5 low-resolution binary fingerprint (legacy)");
    case 6: return _("Type-6 high-resolution binary fingerprint (legacy)");
    case 7: return _("Type-7 user-defined image");
    case 8: return _("Type-8 signature image");
    case 9: return _("Type-9 minutiae");
    case 10: return _("Type-10 face, scar, mark or tattoo image");
    case 11: return _("Type-11 voice");
    case 12: return _("Type-12 dental and oral data");
    case 13: return _("Type-13 latent friction-ridge image");
    case 14: return _("Type-14 variable-resolution fingerprint");
    case 15: return _("Type-15 palm print");
    case 16: return _("Type-16 user-defined testing image");
    case 17: return _("Type-17 iris image");
    case 18: return _("Type-18 DNA data");
    case 19: return _("Type-19 plantar image");
    case 20: return _("Type-20 source representation");
    case 21: return _("Type-21 associated context");
    case 22: return _("Type-22 non-photographic imagery");
    case 98: return _("Type-98 information assurance");
    case 99: return _("Type-99 CBEFF biometric data");
    default: return _("unknown record type");
    }
}

/* Binary record headers: field number, width in bytes; FGP has 6 one-byte
 * subfields. */
typedef struct {
  guint number;
  guint width;
  guint n_subfields;
  const char *name;
} BinaryField;

static const BinaryField binary_image_header[] = {
  { 1, 4, 1, "LEN" }, { 2, 1, 1, "IDC" }, { 3, 1, 1, "IMP" }, { 4, 1, 6, "FGP" },
  { 5, 1, 1, "ISR" }, { 6, 2, 1, "HLL" }, { 7, 2, 1, "VLL" }, { 8, 1, 1, "GCA" },
};
static const BinaryField binary_user_header[] = {
  { 1, 4, 1, "LEN" }, { 2, 1, 1, "IDC" },
};
static const BinaryField binary_signature_header[] = {
  { 1, 4, 1, "LEN" }, { 2, 1, 1, "IDC" }, { 3, 1, 1, "SIG" }, { 4, 1, 1, "SRT" },
  { 5, 1, 1, "ISR" }, { 6, 2, 1, "HLL" }, { 7, 2, 1, "VLL" },
};

static const BinaryField *
binary_layout (guint type, guint *n_fields, gsize *header_size)
{
  const BinaryField *layout;
  guint n;

  if (type == 7)
    layout = binary_user_header, n = G_N_ELEMENTS (binary_user_header);
  else if (type == 8)
    layout = binary_signature_header, n = G_N_ELEMENTS (binary_signature_header);
  else
    layout = binary_image_header, n = G_N_ELEMENTS (binary_image_header);
  *n_fields = n;
  *header_size = 0;
  for (guint i = 0; i < n; i++)
    *header_size += (gsize) layout[i].width * layout[i].n_subfields;
  return layout;
}

/* ---- fields -------------------------------------------------------------- */

static RlAn2kField *
field_new (guint record_type, guint number, const char *tag)
{
  RlAn2kField *field = g_new0 (RlAn2kField, 1);

  field->record_type = record_type;
  field->number = number;
  field->tag = g_strdup (tag);
  field->subfields = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return field;
}

static void
field_free (RlAn2kField *field)
{
  g_ptr_array_unref (field->subfields);
  g_free (field->tag);
  g_free (field);
}

static void
field_clear_values (RlAn2kField *field)
{
  g_ptr_array_set_size (field->subfields, 0);
}

guint
rl_an2k_field_get_number (RlAn2kField *field)
{
  g_return_val_if_fail (field != NULL, 0);
  return field->number;
}

const char *
rl_an2k_field_get_tag (RlAn2kField *field)
{
  g_return_val_if_fail (field != NULL, NULL);
  if (field->tag == NULL)
    field->tag = g_strdup_printf ("%u.%03u", field->record_type, field->number);
  return field->tag;
}

guint
rl_an2k_field_get_n_subfields (RlAn2kField *field)
{
  g_return_val_if_fail (field != NULL, 0);
  return field->subfields->len;
}

guint
rl_an2k_field_get_n_items (RlAn2kField *field, guint subfield)
{
  g_return_val_if_fail (field != NULL, 0);
  if (subfield >= field->subfields->len)
    return 0;
  return ((GPtrArray *) g_ptr_array_index (field->subfields, subfield))->len;
}

const char *
rl_an2k_field_get_item (RlAn2kField *field, guint subfield, guint item)
{
  GPtrArray *items;

  g_return_val_if_fail (field != NULL, NULL);
  if (subfield >= field->subfields->len)
    return NULL;
  items = g_ptr_array_index (field->subfields, subfield);
  if (item >= items->len)
    return NULL;
  return g_ptr_array_index (items, item);
}

void
rl_an2k_field_add_subfield (RlAn2kField *field, const char * const *items, int n_items)
{
  GPtrArray *sub;

  g_return_if_fail (field != NULL);
  g_return_if_fail (items != NULL || n_items == 0);
  if (n_items < 0)
    n_items = (int) g_strv_length ((char **) items);
  sub = g_ptr_array_new_full (n_items, g_free);
  for (int i = 0; i < n_items; i++)
    g_ptr_array_add (sub, g_strdup (items[i] ? items[i] : ""));
  g_ptr_array_add (field->subfields, sub);
}

static void
field_set_single (RlAn2kField *field, const char *value)
{
  const char *items[] = { value };

  field_clear_values (field);
  rl_an2k_field_add_subfield (field, items, 1);
}

/* ---- records ------------------------------------------------------------- */

static RlAn2kRecord *
record_new (guint type)
{
  RlAn2kRecord *record = g_new0 (RlAn2kRecord, 1);

  record->type = type;
  record->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  return record;
}

static void
record_free (RlAn2kRecord *record)
{
  g_ptr_array_unref (record->fields);
  g_clear_pointer (&record->data, g_bytes_unref);
  g_free (record->data_tag);
  g_free (record);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlAn2kRecord, record_free)

guint
rl_an2k_record_get_type (RlAn2kRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->type;
}

gsize
rl_an2k_record_get_offset (RlAn2kRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->offset;
}

guint
rl_an2k_record_get_n_fields (RlAn2kRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->fields->len;
}

RlAn2kField *
rl_an2k_record_get_field_at (RlAn2kRecord *record, guint index)
{
  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (index < record->fields->len, NULL);
  return g_ptr_array_index (record->fields, index);
}

RlAn2kField *
rl_an2k_record_get_field (RlAn2kRecord *record, guint number)
{
  g_return_val_if_fail (record != NULL, NULL);
  for (guint i = 0; i < record->fields->len; i++)
    {
      RlAn2kField *field = g_ptr_array_index (record->fields, i);
      if (field->number == number)
        return field;
    }
  return NULL;
}

const char *
rl_an2k_record_get_text (RlAn2kRecord *record, guint number)
{
  RlAn2kField *field = rl_an2k_record_get_field (record, number);

  return field ? rl_an2k_field_get_item (field, 0, 0) : NULL;
}

/* A decimal number of 1..9 digits (so it fits a guint without overflow). */
static gboolean
parse_decimal (const char *text, guint *out_value)
{
  guint value = 0;
  gsize n = 0;

  if (text == NULL)
    return FALSE;
  for (; text[n] != '\0'; n++)
    {
      if (text[n] < '0' || text[n] > '9' || n >= 9)
        return FALSE;
      value = value * 10 + (guint) (text[n] - '0');
    }
  if (n == 0)
    return FALSE;
  *out_value = value;
  return TRUE;
}

gboolean
rl_an2k_record_get_uint (RlAn2kRecord *record, guint number, guint *out_value)
{
  guint value;

  g_return_val_if_fail (record != NULL, FALSE);
  if (!parse_decimal (rl_an2k_record_get_text (record, number), &value))
    return FALSE;
  if (out_value)
    *out_value = value;
  return TRUE;
}

guint
rl_an2k_record_get_idc (RlAn2kRecord *record)
{
  guint idc = 0;

  g_return_val_if_fail (record != NULL, 0);
  if (record->type == 1)
    return 0;
  rl_an2k_record_get_uint (record, FIELD_IDC, &idc);
  return idc;
}

RlAn2kField *
rl_an2k_record_set_field (RlAn2kRecord *record, guint number)
{
  RlAn2kField *field;
  guint at;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (number >= 1 && number < FIELD_DATA, NULL);

  field = rl_an2k_record_get_field (record, number);
  if (field)
    {
      field_clear_values (field);
      return field;
    }
  /* Keep fields in number order, the order the standard asks for. */
  for (at = 0; at < record->fields->len; at++)
    if (((RlAn2kField *) g_ptr_array_index (record->fields, at))->number > number)
      break;
  field = field_new (record->type, number, NULL);
  g_ptr_array_insert (record->fields, at, field);
  return field;
}

RlAn2kField *
rl_an2k_record_set_text (RlAn2kRecord *record, guint number, const char *value)
{
  RlAn2kField *field;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  field = rl_an2k_record_set_field (record, number);
  if (field)
    field_set_single (field, value);
  return field;
}

void
rl_an2k_record_set_uint (RlAn2kRecord *record, guint number, guint value)
{
  char text[16];

  g_snprintf (text, sizeof text, "%u", value);
  rl_an2k_record_set_text (record, number, text);
}

gboolean
rl_an2k_record_remove_field (RlAn2kRecord *record, guint number)
{
  g_return_val_if_fail (record != NULL, FALSE);
  for (guint i = 0; i < record->fields->len; i++)
    if (((RlAn2kField *) g_ptr_array_index (record->fields, i))->number == number)
      {
        g_ptr_array_remove_index (record->fields, i);
        return TRUE;
      }
  return FALSE;
}

GBytes *
rl_an2k_record_get_data (RlAn2kRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  return record->data;
}

void
rl_an2k_record_set_data (RlAn2kRecord *record, GBytes *data)
{
  g_return_if_fail (record != NULL);
  if (data)
    g_bytes_ref (data);
  g_clear_pointer (&record->data, g_bytes_unref);
  record->data = data;
}

/* ---- transactions -------------------------------------------------------- */

static RlAn2kTransaction *
transaction_new_empty (void)
{
  RlAn2kTransaction *transaction = g_new0 (RlAn2kTransaction, 1);

  transaction->records = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
  transaction->warnings = g_ptr_array_new_with_free_func (g_free);
  return transaction;
}

RlAn2kTransaction *
rl_an2k_transaction_new (const char *version)
{
  RlAn2kTransaction *transaction = transaction_new_empty ();
  RlAn2kRecord *type1 = record_new (1);
  const char *cnt[] = { "1", "0" };

  rl_an2k_record_set_text (type1, FIELD_LEN, "0");
  rl_an2k_record_set_text (type1, 2, version ? version : "0500");
  rl_an2k_field_add_subfield (rl_an2k_record_set_field (type1, 3), cnt, 2);
  g_ptr_array_add (transaction->records, type1);
  return transaction;
}

void
rl_an2k_transaction_free (RlAn2kTransaction *transaction)
{
  if (transaction == NULL)
    return;
  g_ptr_array_unref (transaction->records);
  g_ptr_array_unref (transaction->warnings);
  g_free (transaction);
}

void
rl_an2k_transaction_add_warning (RlAn2kTransaction *transaction, char *message)
{
  g_ptr_array_add (transaction->warnings, message);
}

GPtrArray *
rl_an2k_transaction_get_warnings (RlAn2kTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  return transaction->warnings;
}

void
rl_an2k_record_complete_header (RlAn2kRecord *record)
{
  guint n_fields;
  gsize header_size;
  const BinaryField *layout;

  if (!rl_an2k_record_type_is_binary (record->type))
    return;
  layout = binary_layout (record->type, &n_fields, &header_size);
  for (guint i = 0; i < n_fields; i++)
    if (rl_an2k_record_get_field (record, layout[i].number) == NULL)
      {
        RlAn2kField *field = rl_an2k_record_set_field (record, layout[i].number);
        for (guint s = 0; s < layout[i].n_subfields; s++)
          {
            const char *value[] = { s == 0 ? "0" : "255" };
            rl_an2k_field_add_subfield (field, value, 1);
          }
      }
}

const char *
rl_an2k_transaction_get_version (RlAn2kTransaction *transaction)
{
  const char *version;

  g_return_val_if_fail (transaction != NULL, NULL);
  if (transaction->records->len == 0)
    return "";
  version = rl_an2k_record_get_text (g_ptr_array_index (transaction->records, 0), 2);
  return version ? version : "";
}

guint
rl_an2k_transaction_get_n_records (RlAn2kTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, 0);
  return transaction->records->len;
}

RlAn2kRecord *
rl_an2k_transaction_get_record (RlAn2kTransaction *transaction, guint index)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  g_return_val_if_fail (index < transaction->records->len, NULL);
  return g_ptr_array_index (transaction->records, index);
}

RlAn2kRecord *
rl_an2k_transaction_find_record (RlAn2kTransaction *transaction, guint type)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  for (guint i = 0; i < transaction->records->len; i++)
    {
      RlAn2kRecord *record = g_ptr_array_index (transaction->records, i);
      if (record->type == type)
        return record;
    }
  return NULL;
}

RlAn2kRecord *
rl_an2k_transaction_add_record (RlAn2kTransaction *transaction, guint type, guint idc)
{
  RlAn2kRecord *record;
  char text[16];

  g_return_val_if_fail (transaction != NULL, NULL);
  g_return_val_if_fail (type >= 2 && rl_an2k_record_type_is_known (type), NULL);

  record = record_new (type);
  if (rl_an2k_record_type_is_binary (type))
    {
      guint n_fields;
      gsize header_size;
      const BinaryField *layout = binary_layout (type, &n_fields, &header_size);

      for (guint i = 0; i < n_fields; i++)
        {
          RlAn2kField *field = rl_an2k_record_set_field (record, layout[i].number);
          for (guint s = 0; s < layout[i].n_subfields; s++)
            {
              const char *zero[] = { s == 0 ? "0" : "255" };
              rl_an2k_field_add_subfield (field, zero, 1);
            }
        }
      rl_an2k_record_set_uint (record, FIELD_IDC, idc);
    }
  else
    {
      rl_an2k_record_set_text (record, FIELD_LEN, "0");
      g_snprintf (text, sizeof text, "%02u", idc);
      rl_an2k_record_set_text (record, FIELD_IDC, text);
    }
  g_ptr_array_add (transaction->records, record);
  return record;
}

/* ---- reader -------------------------------------------------------------- */

typedef struct {
  GBytes       *bytes;
  const guint8 *data;
  gsize         len;
  guint        *n_items;   /* items read so far (bounded: see RL_AN2K_MAX_ITEMS) */
} Reader;

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError **error, RlAn2kError code, gsize offset, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, RL_AN2K_ERROR, code, _("byte %" G_GSIZE_FORMAT ": %s"), offset, message);
  return FALSE;
}

/* Parses "T.NNN:" at pos (not past end). */
static gboolean
parse_tag (const Reader *r, gsize pos, gsize end, guint *out_type, guint *out_number,
           gsize *out_value_start, GError **error)
{
  guint type = 0, number = 0, n = 0;
  gsize p = pos;

  while (p < end && r->data[p] >= '0' && r->data[p] <= '9' && n < 3)
    type = type * 10 + (guint) (r->data[p++] - '0'), n++;
  if (p >= end)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, pos, _("the data ends inside a field tag"));
  if (n == 0 || r->data[p] != '.')
    return fail (error, RL_AN2K_ERROR_SYNTAX, p,
                 _("expected a field tag such as “2.018:”, found byte 0x%02x"), r->data[p]);
  p++;
  n = 0;
  while (p < end && r->data[p] >= '0' && r->data[p] <= '9' && n < 3)
    number = number * 10 + (guint) (r->data[p++] - '0'), n++;
  if (p >= end)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, pos, _("the data ends inside a field tag"));
  if (n == 0 || r->data[p] != ':')
    return fail (error, RL_AN2K_ERROR_SYNTAX, p,
                 _("expected a field tag such as “2.018:”, found byte 0x%02x"), r->data[p]);
  if (number == 0)
    return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, pos, _("field number 0 in tag %u.%u"), type, number);
  *out_type = type;
  *out_number = number;
  *out_value_start = p + 1;
  return TRUE;
}

/* Splits a text value [start, stop) into subfields and items. */
static gboolean
parse_text_value (const Reader *r, RlAn2kField *field, gsize start, gsize stop, GError **error)
{
  GPtrArray *sub = g_ptr_array_new_with_free_func (g_free);
  gsize item_start = start;

  for (gsize p = start; p <= stop; p++)
    {
      guint8 c = p < stop ? r->data[p] : RS;

      if (c == 0)
        {
          g_ptr_array_unref (sub);
          return fail (error, RL_AN2K_ERROR_SYNTAX, p, _("field %u.%03u: NUL byte in a text field"),
                       field->record_type, field->number);
        }
      if (c != US && c != RS)
        continue;
      /* Each item costs far more memory than its separator byte: cap them
       * so that a file of separators cannot make us allocate gigabytes. */
      if (++*r->n_items > RL_AN2K_MAX_ITEMS)
        {
          g_ptr_array_unref (sub);
          return fail (error, RL_AN2K_ERROR_TOO_LARGE, p, _("field %u.%03u: more than %u items in the transaction"),
                       field->record_type, field->number, RL_AN2K_MAX_ITEMS);
        }
      g_ptr_array_add (sub, g_strndup ((const char *) r->data + item_start, p - item_start));
      item_start = p + 1;
      if (c == RS)
        {
          g_ptr_array_add (field->subfields, sub);
          if (p < stop)
            sub = g_ptr_array_new_with_free_func (g_free);
        }
    }
  return TRUE;
}

static gboolean
check_idc (RlAn2kRecord *record, guint cnt_idc, gsize offset, GError **error)
{
  guint idc;

  if (record->type == 1)
    return TRUE;
  if (!rl_an2k_record_get_uint (record, FIELD_IDC, &idc))
    return fail (error, RL_AN2K_ERROR_SYNTAX, offset,
                 _("field %u.002 (IDC) is missing or not a number"), record->type);
  if (idc != cnt_idc)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, offset,
                 _("field %u.002 (IDC) is %u but the CNT field (1.003) lists this record with IDC %u"),
                 record->type, idc, cnt_idc);
  return TRUE;
}

/* A tagged record at pos: LEN first, fields separated by GS, FS at the end,
 * field 999 (binary) running up to the final FS. */
static RlAn2kRecord *
parse_tagged_record (const Reader *r, gsize pos, guint expected_type, gsize *out_len, GError **error)
{
  g_autoptr(RlAn2kRecord) record = record_new (expected_type);
  guint type, number, record_len = 0, n_digits = 0;
  guint8 seen[1000 / 8 + 1] = { 0 };
  gsize p, end;

  record->offset = pos;
  if (!parse_tag (r, pos, r->len, &type, &number, &p, error))
    return NULL;
  if (type != expected_type)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, pos,
                 _("the CNT field (1.003) announces a Type-%u record here but its first tag is %u.%03u"),
                 expected_type, type, number), NULL;
  if (number != FIELD_LEN)
    return fail (error, RL_AN2K_ERROR_SYNTAX, pos,
                 _("a record must begin with its length field %u.001 (LEN), found %u.%03u"),
                 type, type, number), NULL;
  for (; p < r->len && r->data[p] >= '0' && r->data[p] <= '9'; p++, n_digits++)
    {
      if (n_digits >= 10 || record_len > RL_AN2K_MAX_FILE_SIZE / 10)
        return fail (error, RL_AN2K_ERROR_TOO_LARGE, pos,
                     _("field %u.001 (LEN) declares more than %u bytes"), type, RL_AN2K_MAX_FILE_SIZE), NULL;
      record_len = record_len * 10 + (guint) (r->data[p] - '0');
    }
  if (p >= r->len)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, p, _("the data ends inside field %u.001 (LEN)"), type), NULL;
  if (n_digits == 0 || (r->data[p] != GS && r->data[p] != FS))
    return fail (error, RL_AN2K_ERROR_SYNTAX, p, _("field %u.001 (LEN) is not a number"), type), NULL;
  if (record_len > r->len - pos)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, pos,
                 _("field %u.001 (LEN) declares %u bytes but only %" G_GSIZE_FORMAT " remain"),
                 type, record_len, r->len - pos), NULL;
  if (record_len < p - pos + 1)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, pos,
                 _("field %u.001 (LEN) declares %u bytes, fewer than the LEN field itself"),
                 type, record_len), NULL;
  end = pos + record_len;
  if (r->data[end - 1] != FS)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, end - 1,
                 _("field %u.001 (LEN) says the record ends here, but there is no FS separator (found 0x%02x)"),
                 type, r->data[end - 1]), NULL;

  p = pos;
  while (p < end)
    {
      gsize value_start, stop;
      RlAn2kField *field;

      if (!parse_tag (r, p, end, &type, &number, &value_start, error))
        return NULL;
      if (type != expected_type)
        return fail (error, RL_AN2K_ERROR_SYNTAX, p,
                     _("tag %u.%03u inside a Type-%u record"), type, number, expected_type), NULL;
      if (seen[number / 8] & (1u << (number % 8)))
        return fail (error, RL_AN2K_ERROR_SYNTAX, p, _("field %u.%03u appears twice"), type, number), NULL;
      seen[number / 8] |= (guint8) (1u << (number % 8));

      if (number == FIELD_DATA)
        {
          /* Binary data runs to the record's final FS: LEN frames it. */
          record->data = g_bytes_new_from_bytes (r->bytes, value_start, end - 1 - value_start);
          record->data_tag = g_strndup ((const char *) r->data + p, value_start - 1 - p);
          break;
        }
      for (stop = value_start; stop < end && r->data[stop] != GS && r->data[stop] != FS; stop++)
        ;
      if (r->data[stop] == FS && stop != end - 1)
        return fail (error, RL_AN2K_ERROR_INCONSISTENT, stop,
                     _("field %u.%03u ends the record with FS before the length in %u.001 (LEN) is reached"),
                     type, number, type), NULL;
      if (r->data[stop] == GS && stop == end - 1)
        return fail (error, RL_AN2K_ERROR_SYNTAX, stop, _("field %u.%03u: GS where the record should end with FS"),
                     type, number), NULL;
      field = field_new (type, number, NULL);
      field->tag = g_strndup ((const char *) r->data + p, value_start - 1 - p);
      g_ptr_array_add (record->fields, field);
      if (!parse_text_value (r, field, value_start, stop, error))
        return NULL;
      p = stop + 1;
    }
  *out_len = record_len;
  return g_steal_pointer (&record);
}

static guint32
read_be (const guint8 *p, guint width)
{
  guint32 value = 0;

  for (guint i = 0; i < width; i++)
    value = (value << 8) | p[i];
  return value;
}

static gboolean
check_binary_image_header (RlAn2kRecord *record, gsize pos, gsize data_len, GError **error)
{
  guint t = record->type, imp = 0, isr = 0, hll = 0, vll = 0, gca = 0;
  RlAn2kField *fgp = rl_an2k_record_get_field (record, 4);

  rl_an2k_record_get_uint (record, 3, &imp);
  rl_an2k_record_get_uint (record, 5, &isr);
  rl_an2k_record_get_uint (record, 6, &hll);
  rl_an2k_record_get_uint (record, 7, &vll);
  rl_an2k_record_get_uint (record, 8, &gca);

  if (t != 4)
    return TRUE;   /* legacy types: kept as they are */
  if (imp > 29)
    return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, pos + 5,
                 _("field 4.003 (IMP) impression type %u is out of range (0–29)"), imp);
  for (guint s = 0; s < 6; s++)
    {
      guint finger = 0;
      parse_decimal (rl_an2k_field_get_item (fgp, s, 0), &finger);
      if (finger > 20 && finger != 255)
        return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, pos + 6 + s,
                     _("field 4.004 (FGP) finger position %u is out of range (0–20 or 255)"), finger);
    }
  if (isr > 1)
    return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, pos + 12,
                 _("field 4.005 (ISR) is %u; it must be 0 or 1"), isr);
  if (hll == 0 || vll == 0)
    return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, pos + 13,
                 _("fields 4.006/4.007 (HLL × VLL) give an empty image (%u × %u)"), hll, vll);
  if (gca == 0 && data_len != (gsize) hll * vll)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, pos + 18,
                 _("field 4.008 (GCA) says uncompressed, so %u × %u pixels need %" G_GSIZE_FORMAT
                   " bytes, but the record holds %" G_GSIZE_FORMAT),
                 hll, vll, (gsize) hll * vll, data_len);
  return TRUE;
}

/* A binary record at pos: big-endian 4-byte LEN, then the fixed header. */
static RlAn2kRecord *
parse_binary_record (const Reader *r, gsize pos, guint type, gsize *out_len, GError **error)
{
  g_autoptr(RlAn2kRecord) record = record_new (type);
  guint n_fields;
  gsize header_size, q;
  const BinaryField *layout = binary_layout (type, &n_fields, &header_size);
  guint32 record_len;

  record->offset = pos;
  if (r->len - pos < 4)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, pos,
                 _("the data ends inside field %u.001 (LEN) of a Type-%u record"), type, type), NULL;
  record_len = read_be (r->data + pos, 4);
  if (record_len > r->len - pos)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, pos,
                 _("field %u.001 (LEN) declares %u bytes but only %" G_GSIZE_FORMAT " remain"),
                 type, record_len, r->len - pos), NULL;
  if (record_len < header_size)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, pos,
                 _("field %u.001 (LEN) declares %u bytes, fewer than the %" G_GSIZE_FORMAT "-byte header"),
                 type, record_len, header_size), NULL;

  q = pos;
  for (guint i = 0; i < n_fields; i++)
    {
      RlAn2kField *field = field_new (type, layout[i].number, NULL);

      g_ptr_array_add (record->fields, field);
      for (guint s = 0; s < layout[i].n_subfields; s++)
        {
          char text[16];
          const char *items[] = { text };

          g_snprintf (text, sizeof text, "%u", read_be (r->data + q, layout[i].width));
          rl_an2k_field_add_subfield (field, items, 1);
          q += layout[i].width;
        }
    }
  record->data = g_bytes_new_from_bytes (r->bytes, pos + header_size, record_len - header_size);
  if (!check_binary_image_header (record, pos, record_len - header_size, error))
    return NULL;
  *out_len = record_len;
  return g_steal_pointer (&record);
}

/* Version 1.002: four digits, 0200 to 0599 (ANSI/NIST-ITL 1-2000 to 1-2013). */
static gboolean
check_version (RlAn2kRecord *type1, GError **error)
{
  const char *version = rl_an2k_record_get_text (type1, 2);
  guint value;

  if (version == NULL)
    return fail (error, RL_AN2K_ERROR_SYNTAX, 0, _("field 1.002 (VER) is missing"));
  if (strlen (version) != 4 || !parse_decimal (version, &value))
    return fail (error, RL_AN2K_ERROR_SYNTAX, 0, _("field 1.002 (VER) “%s” is not a four-digit version"), version);
  if (value < 200 || value > 599)
    return fail (error, RL_AN2K_ERROR_UNSUPPORTED, 0,
                 _("field 1.002 (VER): version %s is not supported (0200 to 0500)"), version);
  return TRUE;
}

RlAn2kTransaction *
rl_an2k_read (GBytes *bytes, GError **error)
{
  g_autoptr(RlAn2kTransaction) transaction = NULL;
  RlAn2kRecord *type1;
  RlAn2kField *cnt;
  Reader r;
  gsize pos, record_len;
  guint count, n_items = 0;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  r.bytes = bytes;
  r.data = g_bytes_get_data (bytes, &r.len);
  r.n_items = &n_items;
  if (r.len == 0)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, 0, _("the file is empty")), NULL;
  if (r.len > RL_AN2K_MAX_FILE_SIZE)
    return fail (error, RL_AN2K_ERROR_TOO_LARGE, 0, _("%" G_GSIZE_FORMAT " bytes is over the %u-byte limit"),
                 r.len, RL_AN2K_MAX_FILE_SIZE), NULL;

  transaction = transaction_new_empty ();
  type1 = parse_tagged_record (&r, 0, 1, &record_len, error);
  if (type1 == NULL)
    return NULL;
  g_ptr_array_add (transaction->records, type1);
  if (!check_version (type1, error))
    return NULL;

  cnt = rl_an2k_record_get_field (type1, 3);
  if (cnt == NULL)
    return fail (error, RL_AN2K_ERROR_SYNTAX, 0, _("field 1.003 (CNT) is missing")), NULL;
  if (rl_an2k_field_get_n_items (cnt, 0) != 2 || !parse_decimal (rl_an2k_field_get_item (cnt, 0, 1), &count))
    return fail (error, RL_AN2K_ERROR_SYNTAX, 0,
                 _("field 1.003 (CNT): the first subfield must be “1” and the number of other records")), NULL;
  if (count > RL_AN2K_MAX_RECORDS)
    return fail (error, RL_AN2K_ERROR_TOO_LARGE, 0,
                 _("field 1.003 (CNT) announces %u records, over the limit of %u"), count, RL_AN2K_MAX_RECORDS), NULL;
  if (count != cnt->subfields->len - 1)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, 0,
                 _("field 1.003 (CNT) announces %u records but lists %u"), count, cnt->subfields->len - 1), NULL;

  pos = record_len;
  for (guint i = 1; i <= count; i++)
    {
      RlAn2kRecord *record;
      guint type, idc;

      if (rl_an2k_field_get_n_items (cnt, i) != 2
          || !parse_decimal (rl_an2k_field_get_item (cnt, i, 0), &type)
          || !parse_decimal (rl_an2k_field_get_item (cnt, i, 1), &idc))
        return fail (error, RL_AN2K_ERROR_SYNTAX, 0,
                     _("field 1.003 (CNT) subfield %u is not “record type, IDC”"), i + 1), NULL;
      if (!rl_an2k_record_type_is_known (type) || type == 1)
        return fail (error, RL_AN2K_ERROR_UNSUPPORTED, pos,
                     _("field 1.003 (CNT) subfield %u: unknown record type %u"), i + 1, type), NULL;
      if (pos >= r.len)
        return fail (error, RL_AN2K_ERROR_TRUNCATED, pos,
                     _("the file ends before record %u of %u (Type-%u) that field 1.003 (CNT) announces"),
                     i, count, type), NULL;
      if (rl_an2k_record_type_is_binary (type))
        record = parse_binary_record (&r, pos, type, &record_len, error);
      else
        record = parse_tagged_record (&r, pos, type, &record_len, error);
      if (record == NULL)
        return NULL;
      g_ptr_array_add (transaction->records, record);
      if (!check_idc (record, idc, pos, error))
        return NULL;
      pos += record_len;
    }
  if (pos != r.len)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, pos,
                 _("%" G_GSIZE_FORMAT " bytes follow the last record that field 1.003 (CNT) announces"),
                 r.len - pos), NULL;
  return g_steal_pointer (&transaction);
}

RlAn2kTransaction *
rl_an2k_read_data (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  bytes = g_bytes_new (data, len);
  return rl_an2k_read (bytes, error);
}

static GBytes *
read_whole_file (const char *path, GError **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  GError *local = NULL;

  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_IO, _("Cannot read “%s”: %s"), path, local->message);
      g_error_free (local);
      return NULL;
    }
  if (g_mapped_file_get_length (mapped) > RL_AN2K_MAX_FILE_SIZE)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("“%s” is over the %u-byte limit"),
                   path, RL_AN2K_MAX_FILE_SIZE);
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

RlAn2kTransaction *
rl_an2k_read_file (const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  RlAn2kTransaction *transaction;
  GError *local = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  bytes = read_whole_file (path, error);
  if (bytes == NULL)
    return NULL;
  transaction = rl_an2k_read (bytes, &local);
  if (transaction == NULL)
    {
      g_set_error (error, local->domain, local->code, "%s: %s", path, local->message);
      g_error_free (local);
    }
  return transaction;
}

gboolean
rl_an2k_sniff (const guint8 *data, gsize len)
{
  return len >= 4 && data[0] == '1' && data[1] == '.' && data[2] == '0';
}

RlAn2kTransaction *
rl_an2k_load (const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize len, i = 0;

  g_return_val_if_fail (path != NULL, NULL);
  bytes = read_whole_file (path, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (i < len && data[i] == '<')
    return rl_an2k_read_xml_file (path, error);
  return rl_an2k_read_file (path, error);
}

/* ---- writer -------------------------------------------------------------- */

static guint
count_digits (gsize value)
{
  guint n = 1;

  while (value >= 10)
    value /= 10, n++;
  return n;
}

/* The CNT field must list every other record, in order. Keep it as written
 * when it already does (so unmodified files round-trip byte for byte). */
static void
sync_cnt (RlAn2kTransaction *transaction)
{
  RlAn2kRecord *type1 = g_ptr_array_index (transaction->records, 0);
  RlAn2kField *cnt = rl_an2k_record_get_field (type1, 3);
  guint n = transaction->records->len - 1, value;
  gboolean agrees = cnt != NULL && cnt->subfields->len == n + 1
                    && rl_an2k_field_get_n_items (cnt, 0) == 2
                    && parse_decimal (rl_an2k_field_get_item (cnt, 0, 0), &value) && value == 1
                    && parse_decimal (rl_an2k_field_get_item (cnt, 0, 1), &value) && value == n;
  char count_text[16];
  const char *first[] = { "1", count_text };

  for (guint i = 1; agrees && i <= n; i++)
    {
      RlAn2kRecord *record = g_ptr_array_index (transaction->records, i);
      agrees = rl_an2k_field_get_n_items (cnt, i) == 2
               && parse_decimal (rl_an2k_field_get_item (cnt, i, 0), &value) && value == record->type
               && parse_decimal (rl_an2k_field_get_item (cnt, i, 1), &value)
               && value == rl_an2k_record_get_idc (record);
    }
  if (agrees)
    return;

  cnt = rl_an2k_record_set_field (type1, 3);
  g_snprintf (count_text, sizeof count_text, "%u", n);
  rl_an2k_field_add_subfield (cnt, first, 2);
  for (guint i = 1; i <= n; i++)
    {
      RlAn2kRecord *record = g_ptr_array_index (transaction->records, i);
      char type_text[16], idc_text[16];
      const char *items[] = { type_text, idc_text };

      g_snprintf (type_text, sizeof type_text, "%u", record->type);
      g_snprintf (idc_text, sizeof idc_text, "%02u", rl_an2k_record_get_idc (record));
      rl_an2k_field_add_subfield (cnt, items, 2);
    }
}

static void
append_field_value (GByteArray *out, RlAn2kField *field)
{
  for (guint s = 0; s < field->subfields->len; s++)
    {
      GPtrArray *items = g_ptr_array_index (field->subfields, s);

      if (s > 0)
        g_byte_array_append (out, (const guint8 *) "\x1e", 1);
      for (guint i = 0; i < items->len; i++)
        {
          const char *item = g_ptr_array_index (items, i);
          if (i > 0)
            g_byte_array_append (out, (const guint8 *) "\x1f", 1);
          g_byte_array_append (out, (const guint8 *) item, strlen (item));
        }
    }
}

static gboolean
write_tagged_record (GByteArray *out, RlAn2kRecord *record, GError **error)
{
  g_autoptr(GByteArray) rest = g_byte_array_new ();
  RlAn2kField *len_field = rl_an2k_record_get_field (record, FIELD_LEN);
  const char *len_tag, *old_text;
  gsize base, total = 0;
  guint old_value;
  char text[24];

  if (len_field == NULL)
    len_field = rl_an2k_record_set_text (record, FIELD_LEN, "0");
  len_tag = rl_an2k_field_get_tag (len_field);

  for (guint i = 0; i < record->fields->len; i++)
    {
      RlAn2kField *field = g_ptr_array_index (record->fields, i);
      const char *tag;

      if (field == len_field)
        continue;
      tag = rl_an2k_field_get_tag (field);
      g_byte_array_append (rest, (const guint8 *) tag, strlen (tag));
      g_byte_array_append (rest, (const guint8 *) ":", 1);
      append_field_value (rest, field);
      g_byte_array_append (rest, (const guint8 *) "\x1d", 1);
    }
  if (record->data)
    {
      g_autofree char *canonical = g_strdup_printf ("%u.999", record->type);
      const char *tag = record->data_tag ? record->data_tag : canonical;
      gsize data_len;
      const guint8 *data = g_bytes_get_data (record->data, &data_len);

      g_byte_array_append (rest, (const guint8 *) tag, strlen (tag));
      g_byte_array_append (rest, (const guint8 *) ":", 1);
      if (data_len)
        g_byte_array_append (rest, data, data_len);
      g_byte_array_append (rest, (const guint8 *) "\x1c", 1);
    }
  else if (rest->len > 0)
    rest->data[rest->len - 1] = FS;

  /* LEN counts its own digits: find the length that agrees with itself,
   * keeping the value as written (leading zeros and all) when it is right. */
  base = strlen (len_tag) + 1 + 1 + rest->len;
  old_text = rl_an2k_field_get_item (len_field, 0, 0);
  if (!(parse_decimal (old_text, &old_value) && old_value == base + strlen (old_text)))
    {
      for (guint n = 1; n <= 10 && total == 0; n++)
        if (count_digits (base + n) == n)
          total = base + n;
      if (total == 0 || total > RL_AN2K_MAX_FILE_SIZE)
        {
          g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE,
                       _("Type-%u record of %" G_GSIZE_FORMAT " bytes is over the limit"), record->type, base);
          return FALSE;
        }
      g_snprintf (text, sizeof text, "%" G_GSIZE_FORMAT, total);
      field_set_single (len_field, text);
      old_text = rl_an2k_field_get_item (len_field, 0, 0);
    }
  g_byte_array_append (out, (const guint8 *) len_tag, strlen (len_tag));
  g_byte_array_append (out, (const guint8 *) ":", 1);
  g_byte_array_append (out, (const guint8 *) old_text, strlen (old_text));
  g_byte_array_append (out, rest->len ? (const guint8 *) "\x1d" : (const guint8 *) "\x1c", 1);
  g_byte_array_append (out, rest->data, rest->len);
  return TRUE;
}

static gboolean
write_binary_record (GByteArray *out, RlAn2kRecord *record, GError **error)
{
  guint n_fields;
  gsize header_size, data_len = record->data ? g_bytes_get_size (record->data) : 0;
  const BinaryField *layout = binary_layout (record->type, &n_fields, &header_size);
  gsize total = header_size + data_len;
  char text[16];

  if (total > RL_AN2K_MAX_FILE_SIZE)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE,
                   _("Type-%u record of %" G_GSIZE_FORMAT " bytes is over the limit"), record->type, total);
      return FALSE;
    }
  g_snprintf (text, sizeof text, "%" G_GSIZE_FORMAT, total);
  rl_an2k_record_set_text (record, FIELD_LEN, text);

  for (guint i = 0; i < n_fields; i++)
    {
      RlAn2kField *field = rl_an2k_record_get_field (record, layout[i].number);

      for (guint s = 0; s < layout[i].n_subfields; s++)
        {
          const char *item = field ? rl_an2k_field_get_item (field, s, 0) : NULL;
          guint value = s > 0 ? 255 : 0;
          guint64 max = layout[i].width == 4 ? G_MAXUINT32 : ((guint64) 1 << (8 * layout[i].width)) - 1;
          guint8 bytes[4];

          if (item != NULL && !parse_decimal (item, &value))
            {
              g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INVALID,
                           _("field %u.%03u (%s) “%s” is not a number"), record->type, layout[i].number,
                           layout[i].name, item);
              return FALSE;
            }
          if (value > max)
            {
              g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_OUT_OF_RANGE,
                           _("field %u.%03u (%s) value %u does not fit in %u byte(s)"), record->type,
                           layout[i].number, layout[i].name, value, layout[i].width);
              return FALSE;
            }
          for (guint b = 0; b < layout[i].width; b++)
            bytes[b] = (guint8) (value >> (8 * (layout[i].width - 1 - b)));
          g_byte_array_append (out, bytes, layout[i].width);
        }
    }
  if (data_len)
    g_byte_array_append (out, g_bytes_get_data (record->data, NULL), data_len);
  return TRUE;
}

GBytes *
rl_an2k_write (RlAn2kTransaction *transaction, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_return_val_if_fail (transaction != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (transaction->records->len == 0
      || ((RlAn2kRecord *) g_ptr_array_index (transaction->records, 0))->type != 1)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INVALID, _("a transaction must begin with a Type-1 record"));
      return NULL;
    }
  if (transaction->records->len - 1 > RL_AN2K_MAX_RECORDS)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("%u records is over the limit of %u"),
                   transaction->records->len - 1, RL_AN2K_MAX_RECORDS);
      return NULL;
    }
  sync_cnt (transaction);
  for (guint i = 0; i < transaction->records->len; i++)
    {
      RlAn2kRecord *record = g_ptr_array_index (transaction->records, i);
      gboolean ok;

      if (i > 0 && record->type == 1)
        {
          g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INVALID, _("a transaction has only one Type-1 record"));
          return NULL;
        }
      if (rl_an2k_record_type_is_binary (record->type))
        ok = write_binary_record (out, record, error);
      else
        ok = write_tagged_record (out, record, error);
      if (!ok)
        return NULL;
      if (out->len > RL_AN2K_MAX_FILE_SIZE)
        {
          g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("the transaction is over the %u-byte limit"),
                       RL_AN2K_MAX_FILE_SIZE);
          return NULL;
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
rl_an2k_write_file (RlAn2kTransaction *transaction, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  GError *local = NULL;

  g_return_val_if_fail (transaction != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  bytes = rl_an2k_write (transaction, error);
  if (bytes == NULL)
    return FALSE;
  /* g_file_set_contents writes a temporary file and renames it: nothing
   * half-written is left under path. */
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &local))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_IO, _("Cannot write “%s”: %s"), path, local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

/* ---- images -------------------------------------------------------------- */

void
rl_an2k_image_clear (RlAn2kImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->data, g_bytes_unref);
  memset (image, 0, sizeof *image);
}

static RlAn2kCompression
compression_from_code (guint code)
{
  switch (code)
    {
    case 0: return RL_AN2K_COMPRESSION_NONE;
    case 1: return RL_AN2K_COMPRESSION_WSQ;
    case 2: case 3: return RL_AN2K_COMPRESSION_JPEG;
    case 4: case 5: return RL_AN2K_COMPRESSION_JPEG2000;
    case 6: return RL_AN2K_COMPRESSION_PNG;
    default: return RL_AN2K_COMPRESSION_OTHER;
    }
}

static RlAn2kCompression
compression_from_text (const char *text)
{
  guint code;

  if (text == NULL)
    return RL_AN2K_COMPRESSION_NONE;
  if (parse_decimal (text, &code))
    return compression_from_code (code);
  if (g_ascii_strncasecmp (text, "WSQ", 3) == 0)
    return RL_AN2K_COMPRESSION_WSQ;
  if (g_ascii_strncasecmp (text, "JPEG", 4) == 0)
    return RL_AN2K_COMPRESSION_JPEG;
  if (g_ascii_strncasecmp (text, "JP2", 3) == 0)
    return RL_AN2K_COMPRESSION_JPEG2000;
  if (g_ascii_strcasecmp (text, "PNG") == 0)
    return RL_AN2K_COMPRESSION_PNG;
  if (g_ascii_strcasecmp (text, "NONE") == 0)
    return RL_AN2K_COMPRESSION_NONE;
  return RL_AN2K_COMPRESSION_OTHER;
}

static gboolean
require_uint (RlAn2kRecord *record, guint number, const char *name, guint min, guint max,
              guint *out_value, GError **error)
{
  const char *text = rl_an2k_record_get_text (record, number);

  if (text == NULL)
    return fail (error, RL_AN2K_ERROR_SYNTAX, record->offset, _("field %u.%03u (%s) is missing"),
                 record->type, number, name);
  if (!parse_decimal (text, out_value) || *out_value < min || *out_value > max)
    return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, record->offset,
                 _("field %u.%03u (%s) “%s” is out of range (%u–%u)"), record->type, number, name, text, min, max);
  return TRUE;
}

/* Whether bytes start like a compressed image we know (WSQ, JPEG, JPEG 2000, PNG). */
static gboolean
looks_like_image (const guint8 *d, gsize n)
{
  return (n >= 2 && d[0] == 0xFF && (d[1] == 0xA0 || d[1] == 0xD8))
      || (n >= 4 && d[0] == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G')
      || (n >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0x0C);
}

/* Some writers (NIST's own valid1.11 and valid1.16 among them) repeat the
 * image field: "14.999:0110…<GS>14.999:4732<GS>…<GS>14.999:<WSQ>". The
 * data then runs from the first tag, and the image proper follows the last
 * one. When the data does not start like an image but a later ".999:" tag
 * is followed by one, that is the image. */
static GBytes *
image_bytes_past_repeated_tags (RlAn2kRecord *record)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (record->data, &n);
  g_autofree char *tag = g_strdup_printf ("%u.999:", record->type);
  gsize tag_len = strlen (tag);
  gsize window = MIN (n, 4096);
  gssize found = -1;

  if (looks_like_image (d, n))
    return g_bytes_ref (record->data);
  for (gsize i = 0; i + tag_len <= window; i++)
    if (memcmp (d + i, tag, tag_len) == 0 && looks_like_image (d + i + tag_len, n - i - tag_len))
      found = (gssize) (i + tag_len);
  if (found < 0)
    return g_bytes_ref (record->data);
  return g_bytes_new_from_bytes (record->data, (gsize) found, n - (gsize) found);
}

gboolean
rl_an2k_record_get_image (RlAn2kTransaction *transaction, RlAn2kRecord *record,
                          RlAn2kImage *image, GError **error)
{
  guint value;

  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (image != NULL, FALSE);

  memset (image, 0, sizeof *image);
  image->record_type = record->type;
  image->idc = rl_an2k_record_get_idc (record);
  image->bits_per_pixel = 8;

  if (record->type == 4)
    {
      guint isr = 0, gca = 0;

      rl_an2k_record_get_uint (record, 3, &image->impression);
      parse_decimal (rl_an2k_field_get_item (rl_an2k_record_get_field (record, 4), 0, 0), &image->finger);
      rl_an2k_record_get_uint (record, 5, &isr);
      rl_an2k_record_get_uint (record, 6, &image->width);
      rl_an2k_record_get_uint (record, 7, &image->height);
      rl_an2k_record_get_uint (record, 8, &gca);
      image->compression = compression_from_code (gca);
      image->ppi = 500;
      /* ISR 1: the image is at the native scanning resolution of 1.011 (ppmm). */
      if (isr == 1 && transaction && transaction->records->len > 0)
        {
          const char *nsr = rl_an2k_record_get_text (g_ptr_array_index (transaction->records, 0), 11);
          double ppmm = nsr ? g_ascii_strtod (nsr, NULL) : 0;
          if (ppmm >= 1 && ppmm <= 200)
            image->ppi = (guint) lround (ppmm * 25.4);
        }
    }
  else if (record->type == 13 || record->type == 14 || record->type == 15)
    {
      guint slc = 1, hps = 500, fgp_field = 13;
      RlAn2kField *fgp = rl_an2k_record_get_field (record, fgp_field);

      rl_an2k_record_get_uint (record, 3, &image->impression);
      if (!require_uint (record, 6, "HLL", 1, 99999, &image->width, error)
          || !require_uint (record, 7, "VLL", 1, 99999, &image->height, error))
        return FALSE;
      rl_an2k_record_get_uint (record, 8, &slc);
      if (rl_an2k_record_get_uint (record, 9, &value))
        hps = value;
      /* SLC 0 gives only the aspect ratio; HPS 0 is "not stated": ppi 0. */
      image->ppi = slc == 2 ? (guint) lround (hps * 2.54) : slc == 1 ? hps : 0;
      image->compression = compression_from_text (rl_an2k_record_get_text (record, 11));
      if (rl_an2k_record_get_uint (record, 12, &value))
        image->bits_per_pixel = value;
      if (fgp)
        parse_decimal (rl_an2k_field_get_item (fgp, 0, 0), &image->finger);
    }
  else
    return fail (error, RL_AN2K_ERROR_UNSUPPORTED, record->offset,
                 _("a %s record holds no fingerprint image"), rl_an2k_record_type_describe (record->type));

  if (image->ppi > 100000)
    return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, record->offset,
                 _("Type-%u record: resolution of %u ppi is out of range"), record->type, image->ppi);
  if (record->data == NULL || g_bytes_get_size (record->data) == 0)
    return fail (error, RL_AN2K_ERROR_TRUNCATED, record->offset,
                 _("Type-%u record (IDC %u) holds no image data"), record->type, image->idc);
  if (image->compression == RL_AN2K_COMPRESSION_NONE && image->bits_per_pixel == 8
      && g_bytes_get_size (record->data) != (gsize) image->width * image->height)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, record->offset,
                 _("Type-%u record: uncompressed %u × %u image needs %" G_GSIZE_FORMAT " bytes, found %" G_GSIZE_FORMAT),
                 record->type, image->width, image->height, (gsize) image->width * image->height,
                 g_bytes_get_size (record->data));
  image->data = image_bytes_past_repeated_tags (record);
  return TRUE;
}

static const char *
compression_to_text (RlAn2kCompression compression)
{
  switch (compression)
    {
    case RL_AN2K_COMPRESSION_NONE: return "NONE";
    case RL_AN2K_COMPRESSION_WSQ: return "WSQ20";
    case RL_AN2K_COMPRESSION_JPEG: return "JPEGB";
    case RL_AN2K_COMPRESSION_JPEG2000: return "JP2";
    case RL_AN2K_COMPRESSION_PNG: return "PNG";
    case RL_AN2K_COMPRESSION_OTHER:
    default: return NULL;
    }
}

RlAn2kRecord *
rl_an2k_transaction_add_fingerprint (RlAn2kTransaction *transaction, guint record_type,
                                     const RlAn2kImage *image, GError **error)
{
  RlAn2kRecord *record;
  guint idc = 1;

  g_return_val_if_fail (transaction != NULL, NULL);
  g_return_val_if_fail (image != NULL && image->data != NULL, NULL);

  if (record_type != 4 && record_type != 14)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INVALID,
                   _("fingerprints are written as Type-4 or Type-14 records, not Type-%u"), record_type);
      return NULL;
    }
  if (image->width == 0 || image->height == 0 || image->width > 65535 || image->height > 65535
      || (record_type == 14 && (image->width > 99999 || image->height > 99999)))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_OUT_OF_RANGE, _("image size %u × %u is out of range"),
                   image->width, image->height);
      return NULL;
    }
  if (image->compression == RL_AN2K_COMPRESSION_OTHER)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INVALID, _("unknown image compression"));
      return NULL;
    }
  if (record_type == 4 && (image->ppi < 490 || image->ppi > 510))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INVALID,
                   _("a Type-4 record holds 500 ppi images; this one is %u ppi (use Type-14)"), image->ppi);
      return NULL;
    }
  if (image->finger > 255 || image->impression > 255 || (record_type == 4 && image->impression > 29))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_OUT_OF_RANGE, _("finger position or impression out of range"));
      return NULL;
    }
  /* The next free IDC for image records (Type-2 uses 00). */
  for (guint i = 1; i < transaction->records->len; i++)
    {
      RlAn2kRecord *other = g_ptr_array_index (transaction->records, i);
      if (other->type != 2 && rl_an2k_record_get_idc (other) >= idc)
        idc = rl_an2k_record_get_idc (other) + 1;
    }
  if (idc > 99)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("a transaction holds at most 99 images"));
      return NULL;
    }

  record = rl_an2k_transaction_add_record (transaction, record_type, idc);
  rl_an2k_record_set_uint (record, 3, image->impression);
  if (record_type == 4)
    {
      RlAn2kField *fgp = rl_an2k_record_set_field (record, 4);
      char finger[16];
      const char *first[] = { finger }, *unused[] = { "255" };
      guint gca = image->compression == RL_AN2K_COMPRESSION_NONE ? 0
                  : image->compression == RL_AN2K_COMPRESSION_WSQ ? 1
                  : image->compression == RL_AN2K_COMPRESSION_JPEG ? 2
                  : image->compression == RL_AN2K_COMPRESSION_JPEG2000 ? 4 : 6;

      g_snprintf (finger, sizeof finger, "%u", image->finger);
      rl_an2k_field_add_subfield (fgp, first, 1);
      for (guint s = 1; s < 6; s++)
        rl_an2k_field_add_subfield (fgp, unused, 1);
      rl_an2k_record_set_uint (record, 5, 0);
      rl_an2k_record_set_uint (record, 6, image->width);
      rl_an2k_record_set_uint (record, 7, image->height);
      rl_an2k_record_set_uint (record, 8, gca);
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *date = g_date_time_format (now, "%Y%m%d");

      rl_an2k_record_set_text (record, 4, "RIDGELINE");
      rl_an2k_record_set_text (record, 5, date);
      rl_an2k_record_set_uint (record, 6, image->width);
      rl_an2k_record_set_uint (record, 7, image->height);
      rl_an2k_record_set_uint (record, 8, 1);
      rl_an2k_record_set_uint (record, 9, image->ppi);
      rl_an2k_record_set_uint (record, 10, image->ppi);
      rl_an2k_record_set_text (record, 11, compression_to_text (image->compression));
      rl_an2k_record_set_uint (record, 12, image->bits_per_pixel ? image->bits_per_pixel : 8);
      rl_an2k_record_set_uint (record, 13, image->finger);
    }
  rl_an2k_record_set_data (record, image->data);
  return record;
}

/* ---- Type-9 minutiae ------------------------------------------------------- */

RlTemplate *
rl_an2k_record_get_minutiae (RlAn2kRecord *record, guint image_height, GError **error)
{
  g_autoptr(RlTemplate) tpl = NULL;
  RlAn2kField *mrc;
  const char *fmt;
  guint count = 0, max_y = 0;
  /* Type-9 standard-format positions are in 0.01 mm: 500 ppi pixels. */
  const double to_pixels = 0.01 * 500.0 / 25.4;

  g_return_val_if_fail (record != NULL, NULL);
  if (record->type != 9)
    return fail (error, RL_AN2K_ERROR_UNSUPPORTED, record->offset,
                 _("a %s record holds no minutiae"), rl_an2k_record_type_describe (record->type)), NULL;
  fmt = rl_an2k_record_get_text (record, 4);
  if (fmt == NULL || g_ascii_strcasecmp (fmt, "S") != 0)
    return fail (error, RL_AN2K_ERROR_UNSUPPORTED, record->offset,
                 _("field 9.004 (FMT) “%s”: only the standard minutiae format (S) is read"),
                 fmt ? fmt : ""), NULL;
  if (!require_uint (record, 10, "MIN", 0, 9999, &count, error))
    return NULL;
  mrc = rl_an2k_record_get_field (record, 12);
  if ((mrc ? mrc->subfields->len : 0) != count)
    return fail (error, RL_AN2K_ERROR_INCONSISTENT, record->offset,
                 _("field 9.010 (MIN) announces %u minutiae but field 9.012 (MRC) lists %u"),
                 count, mrc ? mrc->subfields->len : 0), NULL;

  tpl = rl_template_new (count, 0);
  for (guint i = 0; i < count; i++)
    {
      const char *pos = rl_an2k_field_get_item (mrc, i, 1);
      const char *quality = rl_an2k_field_get_item (mrc, i, 2);
      const char *kind = rl_an2k_field_get_item (mrc, i, 3);
      char part[6] = { 0 };
      guint x, y, theta, q = 0;
      RlMinutia *m = &tpl->minutiae[i];

      gsize w;

      /* XXXXYYYYTTT; some writers use five digits for X and Y. */
      if (pos == NULL || (strlen (pos) != 11 && strlen (pos) != 13))
        return fail (error, RL_AN2K_ERROR_SYNTAX, record->offset,
                     _("field 9.012 (MRC) minutia %u: position “%s” is not XXXXYYYYTTT"), i + 1,
                     pos ? pos : ""), NULL;
      w = strlen (pos) == 11 ? 4 : 5;
      memcpy (part, pos, w);
      if (!parse_decimal (part, &x))
        goto bad;
      memcpy (part, pos + w, w);
      if (!parse_decimal (part, &y))
        goto bad;
      memset (part, 0, sizeof part);
      memcpy (part, pos + 2 * w, 3);
      if (!parse_decimal (part, &theta) || theta >= 360)
        goto bad;
      parse_decimal (quality, &q);
      m->x = (float) (x * to_pixels);
      m->y = (float) (y * to_pixels);    /* flipped below: the file's origin is bottom-left */
      m->angle = (float) (theta * G_PI / 180.0);
      m->kind = kind && kind[0] == 'A' ? RL_MINUTIA_ENDING
                : kind && kind[0] == 'B' ? RL_MINUTIA_BIFURCATION : RL_MINUTIA_OTHER;
      /* 0: set by a person; 1: no reliability given; 2..63: machine reliability. */
      m->reliability = q == 0 ? 100 : q == 1 ? 50 : (guint8) MIN (100u, (MIN (q, 63u) - 2) * 100 / 61);
      max_y = MAX (max_y, (guint) ceilf (m->y));
      continue;
    bad:
      return fail (error, RL_AN2K_ERROR_OUT_OF_RANGE, record->offset,
                   _("field 9.012 (MRC) minutia %u: position “%s” is out of range"), i + 1, pos), NULL;
    }
  if (image_height == 0)
    image_height = max_y + 1;
  for (guint i = 0; i < count; i++)
    tpl->minutiae[i].y = MAX (0.f, (float) image_height - tpl->minutiae[i].y);
  tpl->height = (uint16_t) MIN (image_height, 65535u);
  tpl->impression = RL_IMPRESSION_PLAIN;
  {
    guint finger = 0;
    if (rl_an2k_record_get_uint (record, 6, &finger) && finger <= 10)
      tpl->finger = (uint8_t) finger;
  }
  return g_steal_pointer (&tpl);
}

RlAn2kRecord *
rl_an2k_transaction_add_minutiae (RlAn2kTransaction *transaction, const RlTemplate *tpl, GError **error)
{
  RlAn2kRecord *record;
  RlAn2kField *mrc;
  guint idc = 1;
  /* 500 ppi pixels to 0.01 mm, origin bottom-left (see get_minutiae). */
  const double to_units = 25.4 / 500.0 * 100.0;
  guint height;

  g_return_val_if_fail (transaction != NULL && tpl != NULL, NULL);
  if (tpl->n_minutiae > 9999)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("%u minutiae is over the 9999 a Type-9 record holds"),
                   tpl->n_minutiae);
      return NULL;
    }
  height = tpl->height;
  for (guint i = 0; i < tpl->n_minutiae; i++)
    height = MAX (height, (guint) ceilf (tpl->minutiae[i].y) + 1);
  for (guint i = 1; i < transaction->records->len; i++)
    {
      RlAn2kRecord *other = g_ptr_array_index (transaction->records, i);
      if (other->type != 2 && rl_an2k_record_get_idc (other) >= idc)
        idc = rl_an2k_record_get_idc (other) + 1;
    }
  if (idc > 99)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("a transaction holds at most 99 images"));
      return NULL;
    }
  record = rl_an2k_transaction_add_record (transaction, 9, idc);
  rl_an2k_record_set_uint (record, 3, tpl->impression <= 29 ? tpl->impression : 0);
  rl_an2k_record_set_text (record, 4, "S");
  rl_an2k_record_set_uint (record, 6, tpl->finger <= 10 ? tpl->finger : 0);
  rl_an2k_record_set_uint (record, 10, tpl->n_minutiae);
  rl_an2k_record_set_uint (record, 11, 0);
  if (tpl->n_minutiae == 0)
    return record;
  mrc = rl_an2k_record_set_field (record, 12);
  for (guint i = 0; i < tpl->n_minutiae; i++)
    {
      const RlMinutia *m = &tpl->minutiae[i];
      guint x = (guint) CLAMP (lround (m->x * to_units), 0, 9999);
      guint y = (guint) CLAMP (lround ((height - m->y) * to_units), 0, 9999);
      guint theta = (guint) lround (m->angle * 180.0 / G_PI) % 360;
      char index[16], position[16], quality[16];
      const char *items[] = { index, position, quality,
                              m->kind == RL_MINUTIA_ENDING ? "A" : m->kind == RL_MINUTIA_BIFURCATION ? "B" : "D" };

      g_snprintf (index, sizeof index, "%u", i + 1);
      g_snprintf (position, sizeof position, "%04u%04u%03u", x, y, theta);
      g_snprintf (quality, sizeof quality, "%u", 2 + MIN (m->reliability, 100) * 61u / 100);
      rl_an2k_field_add_subfield (mrc, items, 4);
    }
  return record;
}
