/* rl-an2k-xml.c — the NIEM-based XML encoding of ANSI/NIST-ITL transactions.
 *
 * Read into the same model as the traditional encoding, so that an XML
 * transaction can be imported or written out as a traditional one. Each
 * Package...Record element becomes one record; the leaf elements that carry
 * the fields Ridgeline uses (Type-1, 2, 4, 9, 13, 14 and the framing of the
 * others) are mapped to their field numbers by the table below. Elements we
 * do not map are not lost silently: they are listed in the transaction's
 * warnings (rl_an2k_transaction_get_warnings).
 */
#define G_LOG_DOMAIN "rl-an2k"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-an2k.h"
#include "rl-an2k-private.h"

#define MAX_DEPTH 64

/* Record elements and their types. */
static const struct {
  const char *element;
  guint type;
} record_elements[] = {
  { "PackageInformationRecord", 1 },
  { "PackageDescriptiveTextRecord", 2 },
  { "PackageLowResolutionGrayscaleImageRecord", 3 },
  { "PackageHighResolutionGrayscaleImageRecord", 4 },
  { "PackageLowResolutionBinaryImageRecord", 5 },
  { "PackageHighResolutionBinaryImageRecord", 6 },
  { "PackageUserDefinedImageRecord", 7 },
  { "PackageSignatureImageRecord", 8 },
  { "PackageMinutiaeRecord", 9 },
  { "PackageFacialAndSMTImageRecord", 10 },
  { "PackageVoiceRecord", 11 },
  { "PackageDentalRecord", 12 },
  { "PackageLatentImageRecord", 13 },
  { "PackageFingerprintImageRecord", 14 },
  { "PackagePalmprintImageRecord", 15 },
  { "PackageUserDefinedTestingImageRecord", 16 },
  { "PackageIrisImageRecord", 17 },
  { "PackageDNARecord", 18 },
  { "PackagePlantarImageRecord", 19 },
  { "PackageSourceRepresentationRecord", 20 },
  { "PackageAssociatedContextRecord", 21 },
  { "PackageNonPhotographicImageryRecord", 22 },
  { "PackageInformationAssuranceRecord", 98 },
  { "PackageCBEFFBiometricDataRecord", 99 },
};

typedef enum {
  VALUE_TEXT,
  VALUE_DATE,        /* 2007-07-06 -> 20070706 */
  VALUE_GMT,         /* 2005-11-05T05:25:00Z -> 20051105052500Z */
  VALUE_STANDARD,    /* true -> S, false -> U (9.004) */
  VALUE_YES_ONE,     /* true -> 1, false -> 0 */
} ValueKind;

/* Which record types a rule applies to. */
#define T_ANY       0
#define T_TYPE1     (1u << 1)
#define T_BINARY    ((1u << 3) | (1u << 4) | (1u << 5) | (1u << 6))
#define T_SIG       (1u << 8)
#define T_MIN       (1u << 9)
#define T_FACE      (1u << 10)
#define T_VAR       ((1u << 13) | (1u << 14) | (1u << 15) | (1u << 16) | (1u << 17))
#define T_NOT1      (~T_TYPE1)

/* A leaf element (local name, optionally inside an ancestor element) gives
 * item `item` of field `field`. In a group, items fill one subfield that is
 * added when the group element ends; outside a group, each leaf adds a
 * subfield (repeating fields such as FGP). field 0: known, nothing to keep. */
typedef struct {
  guint32     types;
  const char *ancestor;
  const char *leaf;
  guint       field;
  guint       item;
  ValueKind   kind;
} Rule;

typedef struct {
  guint32     types;
  const char *element;
  guint       field;
} Group;

static const Group groups[] = {
  { T_TYPE1, "TransactionDomain", 13 },
  { T_TYPE1, "TransactionCharacterSetDirectory", 15 },
  { T_MIN, "MinutiaeReadingSystem", 5 },
  { T_MIN, "MinutiaDetail", 12 },
  { T_VAR, "FingerprintImageQuality", 24 },
  { T_VAR, "PalmprintImageQuality", 24 },
  { T_VAR, "FingerprintImageMajorCasePrint", 0 },
  { T_VAR, "FingerprintImageSegmentPositionSquare", 0 },
  { T_VAR, "FingerprintImageSegmentPositionPolygon", 0 },
  { T_VAR, "FingerprintImageFingerMissing", 0 },
  { T_VAR, "FingerprintImageNISTQuality", 0 },
  { T_FACE, "ImageQuality", 0 },
};

static const Rule rules[] = {
  /* Type-1 */
  { T_TYPE1, "ContentRecordSummary", NULL, 0, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionContentSummary", "ContentFirstRecordCategoryCode", 0, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionContentSummary", "ContentRecordCount", 0, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionMajorVersionValue", NULL, 0, 0, VALUE_TEXT },   /* handled apart */
  { T_TYPE1, "TransactionMinorVersionValue", NULL, 0, 0, VALUE_TEXT },
  { T_TYPE1, NULL, "TransactionCategoryCode", 4, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionDate", "Date", 5, 0, VALUE_DATE },
  { T_TYPE1, NULL, "TransactionPriorityValue", 6, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionDestinationOrganization", "IdentificationID", 7, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionOriginatingOrganization", "IdentificationID", 8, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionControlIdentification", "IdentificationID", 9, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionControlReferenceIdentification", "IdentificationID", 10, 0, VALUE_TEXT },
  { T_TYPE1, NULL, "NativeScanningResolutionValue", 11, 0, VALUE_TEXT },
  { T_TYPE1, NULL, "NominalTransmittingResolutionValue", 12, 0, VALUE_TEXT },
  { T_TYPE1, "TransactionDomain", "OrganizationName", 13, 0, VALUE_TEXT },
  { T_TYPE1, "DomainVersionNumberIdentification", "IdentificationID", 13, 1, VALUE_TEXT },
  { T_TYPE1, "TransactionUTCDate", "DateTime", 14, 0, VALUE_GMT },
  { T_TYPE1, NULL, "CharacterSetIndexCode", 15, 0, VALUE_TEXT },
  { T_TYPE1, NULL, "CharacterSetCommonNameCode", 15, 1, VALUE_TEXT },
  { T_TYPE1, "CharacterSetVersionIdentification", "IdentificationID", 15, 2, VALUE_TEXT },
  /* Every record but Type-1: IDC, category (checked apart), image data. */
  { T_NOT1, "ImageReferenceIdentification", "IdentificationID", 2, 0, VALUE_TEXT },
  { T_ANY, NULL, "RecordCategoryCode", 0, 0, VALUE_TEXT },
  { T_ANY, NULL, "BinaryBase64Object", 0, 0, VALUE_TEXT },          /* handled apart */
  /* Type-3 to 6: fixed binary header. */
  { T_BINARY, NULL, "FingerprintImageImpressionCaptureCategoryCode", 3, 0, VALUE_TEXT },
  { T_BINARY, "FingerprintImagePosition", "FingerPositionCode", 4, 0, VALUE_TEXT },
  { T_BINARY, NULL, "CaptureResolutionCode", 5, 0, VALUE_TEXT },
  { T_BINARY, NULL, "ImageHorizontalLineLengthPixelQuantity", 6, 0, VALUE_TEXT },
  { T_BINARY, NULL, "ImageVerticalLineLengthPixelQuantity", 7, 0, VALUE_TEXT },
  { T_BINARY, NULL, "ImageCompressionAlgorithmCode", 8, 0, VALUE_TEXT },
  /* Type-8 signature */
  { T_SIG, NULL, "SignatureCategoryCode", 3, 0, VALUE_TEXT },
  { T_SIG, NULL, "SignatureRepresentationCode", 4, 0, VALUE_TEXT },
  { T_SIG, NULL, "CaptureResolutionCode", 5, 0, VALUE_TEXT },
  { T_SIG, NULL, "ImageHorizontalLineLengthPixelQuantity", 6, 0, VALUE_TEXT },
  { T_SIG, NULL, "ImageVerticalLineLengthPixelQuantity", 7, 0, VALUE_TEXT },
  { T_SIG, "SignatureImageVector", NULL, 0, 0, VALUE_TEXT },         /* handled apart */
  /* Type-9 minutiae, standard format */
  { T_MIN, NULL, "MinutiaeImpressionCaptureCategoryCode", 3, 0, VALUE_TEXT },
  { T_MIN, NULL, "MinutiaeFormatNISTStandardIndicator", 4, 0, VALUE_STANDARD },
  { T_MIN, "MinutiaeReadingSystem", "ReadingSystemName", 5, 0, VALUE_TEXT },
  { T_MIN, "MinutiaeReadingSystem", "ReadingSystemCodingMethodCode", 5, 1, VALUE_TEXT },
  { T_MIN, "ReadingSystemSubsystemIdentification", "IdentificationID", 5, 2, VALUE_TEXT },
  { T_MIN, "MinutiaeNISTStandard", "MinutiaeQuantity", 10, 0, VALUE_TEXT },
  { T_MIN, "MinutiaeNISTStandard", "MinutiaeRidgeCountIndicator", 11, 0, VALUE_YES_ONE },
  { T_MIN, "MinutiaDetail", NULL, 0, 0, VALUE_TEXT },                 /* handled apart */
  /* Type-10 face / SMT (framing only: we do not use them) */
  { T_FACE, NULL, "ImageCategoryCode", 3, 0, VALUE_TEXT },
  { T_FACE, "CaptureOrganization", "IdentificationID", 4, 0, VALUE_TEXT },
  { T_FACE, "CaptureDate", "Date", 5, 0, VALUE_DATE },
  { T_FACE, NULL, "ImageHorizontalLineLengthPixelQuantity", 6, 0, VALUE_TEXT },
  { T_FACE, NULL, "ImageVerticalLineLengthPixelQuantity", 7, 0, VALUE_TEXT },
  { T_FACE, NULL, "ImageScaleUnitsCode", 8, 0, VALUE_TEXT },
  { T_FACE, NULL, "ImageHorizontalPixelDensityValue", 9, 0, VALUE_TEXT },
  { T_FACE, NULL, "ImageVerticalPixelDensityValue", 10, 0, VALUE_TEXT },
  { T_FACE, NULL, "ImageCompressionAlgorithmText", 11, 0, VALUE_TEXT },
  { T_FACE, NULL, "ImageColorSpaceCode", 12, 0, VALUE_TEXT },
  { T_FACE, NULL, "FaceImageSubjectPoseCode", 20, 0, VALUE_TEXT },
  /* Type-13 to 17: variable-resolution images */
  { T_VAR, NULL, "FingerprintImageImpressionCaptureCategoryCode", 3, 0, VALUE_TEXT },
  { T_VAR, "CaptureOrganization", "IdentificationID", 4, 0, VALUE_TEXT },
  { T_VAR, "CaptureDate", "Date", 5, 0, VALUE_DATE },
  { T_VAR, NULL, "ImageHorizontalLineLengthPixelQuantity", 6, 0, VALUE_TEXT },
  { T_VAR, NULL, "ImageVerticalLineLengthPixelQuantity", 7, 0, VALUE_TEXT },
  { T_VAR, NULL, "ImageScaleUnitsCode", 8, 0, VALUE_TEXT },
  { T_VAR, NULL, "ImageHorizontalPixelDensityValue", 9, 0, VALUE_TEXT },
  { T_VAR, NULL, "ImageVerticalPixelDensityValue", 10, 0, VALUE_TEXT },
  { T_VAR, NULL, "ImageCompressionAlgorithmText", 11, 0, VALUE_TEXT },
  { T_VAR, NULL, "ImageBitsPerPixelQuantity", 12, 0, VALUE_TEXT },
  { T_VAR, "FingerprintImageQuality", "FingerPositionCode", 24, 0, VALUE_TEXT },
  { T_VAR, "PalmprintImageQuality", "PalmPositionCode", 24, 0, VALUE_TEXT },
  { T_VAR, NULL, "QualityValue", 24, 1, VALUE_TEXT },
  { T_VAR, "QualityAlgorithmVendorIdentification", "IdentificationID", 24, 2, VALUE_TEXT },
  { T_VAR, "QualityAlgorithmProductIdentification", "IdentificationID", 24, 3, VALUE_TEXT },
  { T_VAR, "FingerprintImageMajorCasePrint", NULL, 0, 0, VALUE_TEXT },
  { T_VAR, "FingerprintImageSegmentPositionSquare", NULL, 0, 0, VALUE_TEXT },
  { T_VAR, "FingerprintImageSegmentPositionPolygon", NULL, 0, 0, VALUE_TEXT },
  { T_VAR, "FingerprintImageFingerMissing", NULL, 0, 0, VALUE_TEXT },
  { T_VAR, "FingerprintImageNISTQuality", NULL, 0, 0, VALUE_TEXT },
  { T_VAR, NULL, "FingerPositionCode", 13, 0, VALUE_TEXT },
  { T_VAR, NULL, "PalmPositionCode", 13, 0, VALUE_TEXT },
  { T_VAR, NULL, "ImageCommentText", 20, 0, VALUE_TEXT },
  { T_VAR, NULL, "CaptureHorizontalPixelDensityValue", 16, 0, VALUE_TEXT },
  { T_VAR, NULL, "CaptureVerticalPixelDensityValue", 17, 0, VALUE_TEXT },
};

typedef struct {
  RlAn2kTransaction *transaction;
  RlAn2kRecord      *record;          /* the record being read, or NULL */
  guint              record_depth;
  char              *stack[MAX_DEPTH];  /* owned; not interned: input names are unbounded */
  guint              depth;
  gboolean           leaf[MAX_DEPTH]; /* no child element seen */
  GString           *text;
  gboolean           seen_root;
  gboolean           seen_type1;
  guint              n_elements;
  /* the open group, if any */
  const Group       *group;
  guint              group_depth;
  GPtrArray         *group_items;
  /* Type-9 minutia being read */
  char              *minutia_x, *minutia_y, *minutia_theta;
  char              *ridge_ref;
  /* Type-1 version, Type-8 vectors, declared record count */
  char              *major, *minor;
  GByteArray        *vectors;
  guint              vector_x, vector_y, vector_pressure;
  gint               declared_count;
  GHashTable        *unmapped;        /* "Type-10 FaceImageAttributeCode" set */
} Reader;

static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');
  return colon ? colon + 1 : name;
}

static gboolean
in_element (Reader *r, const char *name)
{
  for (guint i = r->record_depth; i < r->depth; i++)
    if (strcmp (r->stack[i], name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
applies (guint32 types, guint type)
{
  if (types == T_ANY)
    return TRUE;
  if (types == T_NOT1)
    return type != 1;
  return type < 32 && (types & (1u << type)) != 0;
}

static gboolean
set_position_error (GMarkupParseContext *context, GError **error, RlAn2kError code, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
set_position_error (GMarkupParseContext *context, GError **error, RlAn2kError code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;
  int line = 0, column = 0;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_markup_parse_context_get_position (context, &line, &column);
  g_set_error (error, RL_AN2K_ERROR, code, _("line %d: %s"), line, message);
  return FALSE;
}

static void
put_item (RlAn2kRecord *record, GPtrArray *group_items, guint field_number, guint item, const char *value)
{
  if (group_items)
    {
      while (group_items->len <= item)
        g_ptr_array_add (group_items, g_strdup (""));
      g_free (group_items->pdata[item]);
      group_items->pdata[item] = g_strdup (value);
      return;
    }
  else
    {
      RlAn2kField *field = rl_an2k_record_get_field (record, field_number);
      const char *items[] = { value };

      if (field == NULL)
        field = rl_an2k_record_set_field (record, field_number);
      rl_an2k_field_add_subfield (field, items, 1);
    }
}

static char *
convert_value (ValueKind kind, const char *text)
{
  GString *out;

  switch (kind)
    {
    case VALUE_DATE:
    case VALUE_GMT:
      out = g_string_new (NULL);
      for (const char *p = text; *p; p++)
        if (*p != '-' && *p != ':' && *p != 'T')
          g_string_append_c (out, *p);
      return g_string_free (out, FALSE);
    case VALUE_STANDARD:
      return g_strdup (strcmp (text, "true") == 0 || strcmp (text, "1") == 0 ? "S" : "U");
    case VALUE_YES_ONE:
      return g_strdup (strcmp (text, "true") == 0 || strcmp (text, "1") == 0 ? "1" : "0");
    case VALUE_TEXT:
    default:
      return g_strdup (text);
    }
}

/* Base64 with only its own alphabet and white space; anything else is an
 * error rather than silently skipped. */
static GBytes *
decode_base64 (GMarkupParseContext *context, const char *text, GError **error)
{
  gsize len = strlen (text), out_len = 0;
  guint8 *out;
  int state = 0;
  guint save = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      if (!(g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=' || g_ascii_isspace (c)))
        {
          set_position_error (context, error, RL_AN2K_ERROR_SYNTAX,
                              _("BinaryBase64Object holds “%c”, which is not base64"), c);
          return NULL;
        }
    }
  out = g_malloc (len * 3 / 4 + 3);
  out_len = g_base64_decode_step (text, len, out, &state, &save);
  return g_bytes_new_take (out, out_len);
}

static void
start_element (GMarkupParseContext *context, const char *element_name, const char **attribute_names,
               const char **attribute_values, gpointer user_data, GError **error)
{
  Reader *r = user_data;
  const char *name = local_name (element_name);

  if (r->depth >= MAX_DEPTH)
    {
      set_position_error (context, error, RL_AN2K_ERROR_TOO_LARGE, _("elements nested more than %d deep"), MAX_DEPTH);
      return;
    }
  if (++r->n_elements > RL_AN2K_MAX_ITEMS)
    {
      set_position_error (context, error, RL_AN2K_ERROR_TOO_LARGE, _("more than %u elements"), RL_AN2K_MAX_ITEMS);
      return;
    }
  if (r->depth > 0)
    r->leaf[r->depth - 1] = FALSE;
  g_string_truncate (r->text, 0);

  if (r->depth == 0)
    {
      if (strcmp (name, "NISTBiometricInformationExchangePackage") != 0)
        {
          set_position_error (context, error, RL_AN2K_ERROR_SYNTAX,
                              _("“%s” is not an ANSI/NIST-ITL XML transaction (NISTBiometricInformationExchangePackage)"),
                              name);
          return;
        }
      r->seen_root = TRUE;
    }
  else if (r->depth == 1)
    {
      guint type = 0;

      for (guint i = 0; i < G_N_ELEMENTS (record_elements); i++)
        if (strcmp (name, record_elements[i].element) == 0)
          type = record_elements[i].type;
      if (type == 0)
        {
          set_position_error (context, error, RL_AN2K_ERROR_UNSUPPORTED, _("unknown record element “%s”"), name);
          return;
        }
      if ((type == 1) == r->seen_type1)
        {
          set_position_error (context, error, RL_AN2K_ERROR_SYNTAX,
                              _("the transaction must begin with one PackageInformationRecord (Type-1)"));
          return;
        }
      if (rl_an2k_transaction_get_n_records (r->transaction) > RL_AN2K_MAX_RECORDS)
        {
          set_position_error (context, error, RL_AN2K_ERROR_TOO_LARGE, _("more than %u records"), RL_AN2K_MAX_RECORDS);
          return;
        }
      if (type == 1)
        {
          r->record = rl_an2k_transaction_get_record (r->transaction, 0);
          r->seen_type1 = TRUE;
        }
      else
        {
          r->record = rl_an2k_transaction_add_record (r->transaction, type, 0);
          /* The IDC and the header come from the XML (missing header
           * fields get their defaults when the record ends). */
          for (guint f = 2; f <= 8; f++)
            rl_an2k_record_remove_field (r->record, f);
        }
      r->record_depth = r->depth + 1;
    }
  else if (r->record)
    {
      guint type = rl_an2k_record_get_type (r->record);

      if (r->group == NULL)
        for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
          if (applies (groups[i].types, type) && strcmp (name, groups[i].element) == 0)
            {
              r->group = &groups[i];
              r->group_depth = r->depth;
              r->group_items = g_ptr_array_new_with_free_func (g_free);
              break;
            }
      if (strcmp (name, "SignatureImageVector") == 0)
        r->vector_x = r->vector_y = r->vector_pressure = 0;
    }

  g_free (r->stack[r->depth]);
  r->stack[r->depth] = g_strdup (name);
  r->leaf[r->depth] = TRUE;
  r->depth++;
}

static void
text_handler (GMarkupParseContext *context, const char *text, gsize text_len, gpointer user_data, GError **error)
{
  Reader *r = user_data;

  if (r->text->len + text_len > RL_AN2K_MAX_FILE_SIZE)
    {
      set_position_error (context, error, RL_AN2K_ERROR_TOO_LARGE, _("element text is too long"));
      return;
    }
  g_string_append_len (r->text, text, (gssize) text_len);
}

static gboolean
leaf_value (GMarkupParseContext *context, Reader *r, const char *name, const char *value, GError **error)
{
  guint type = rl_an2k_record_get_type (r->record);

  if (strcmp (name, "BinaryBase64Object") == 0)
    {
      g_autoptr(GBytes) data = decode_base64 (context, value, error);
      if (data == NULL)
        return FALSE;
      rl_an2k_record_set_data (r->record, data);
      return TRUE;
    }
  if (strcmp (name, "RecordCategoryCode") == 0 && r->depth == r->record_depth + 1)
    {
      guint64 code = 0;
      if (!g_ascii_string_to_unsigned (value, 10, 0, 999, &code, NULL) || code != type)
        return set_position_error (context, error, RL_AN2K_ERROR_INCONSISTENT,
                                   _("RecordCategoryCode “%s” inside a Type-%u record element"), value, type);
      return TRUE;
    }
  if (type == 1 && strcmp (name, "TransactionMajorVersionValue") == 0)
    return g_free (r->major), r->major = g_strdup (value), TRUE;
  if (type == 1 && strcmp (name, "TransactionMinorVersionValue") == 0)
    return g_free (r->minor), r->minor = g_strdup (value), TRUE;
  if (type == 1 && strcmp (name, "ContentRecordCount") == 0)
    {
      guint64 count = 0;
      if (!g_ascii_string_to_unsigned (value, 10, 0, RL_AN2K_MAX_RECORDS, &count, NULL))
        return set_position_error (context, error, RL_AN2K_ERROR_OUT_OF_RANGE,
                                   _("ContentRecordCount “%s” is out of range (0–%u)"), value, RL_AN2K_MAX_RECORDS);
      r->declared_count = (gint) count;
      return TRUE;
    }
  if (type == 8 && in_element (r, "SignatureImageVector"))
    {
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (value, 10, 0, 65535, &v, NULL))
        return set_position_error (context, error, RL_AN2K_ERROR_OUT_OF_RANGE,
                                   _("%s “%s” is out of range (0–65535)"), name, value);
      if (strcmp (name, "VectorPenPressureValue") == 0)
        r->vector_pressure = (guint) MIN (v, 255u);
      else if (strcmp (name, "VectorPositionVerticalCoordinateValue") == 0)
        r->vector_y = (guint) v;
      else
        r->vector_x = (guint) v;
      return TRUE;
    }
  if (type == 9 && in_element (r, "MinutiaDetail"))
    {
      if (strcmp (name, "PositionHorizontalCoordinateValue") == 0)
        g_free (r->minutia_x), r->minutia_x = g_strdup (value);
      else if (strcmp (name, "PositionVerticalCoordinateValue") == 0)
        g_free (r->minutia_y), r->minutia_y = g_strdup (value);
      else if (strcmp (name, "PositionThetaAngleMeasure") == 0)
        g_free (r->minutia_theta), r->minutia_theta = g_strdup (value);
      else if (strcmp (name, "MinutiaQualityValue") == 0)
        put_item (r->record, r->group_items, 12, 2, value);
      else if (strcmp (name, "MinutiaCategoryCode") == 0)
        put_item (r->record, r->group_items, 12, 3, value);
      else if (strcmp (name, "RidgeCountValue") == 0 && r->group_items)
        {
          g_autofree char *pair = g_strdup_printf ("%s,%s", r->ridge_ref ? r->ridge_ref : "", value);
          put_item (r->record, r->group_items, 12, MAX (4u, r->group_items->len), pair);
        }
      else if (in_element (r, "RidgeCountReferenceIdentification"))
        g_free (r->ridge_ref), r->ridge_ref = g_strdup (value);
      else if (in_element (r, "MinutiaIdentification"))
        put_item (r->record, r->group_items, 12, 0, value);
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const Rule *rule = &rules[i];
      g_autofree char *converted = NULL;

      if (!applies (rule->types, type))
        continue;
      if (rule->leaf && strcmp (rule->leaf, name) != 0)
        continue;
      if (rule->ancestor && !in_element (r, rule->ancestor))
        continue;
      if (rule->leaf == NULL && rule->ancestor == NULL)
        continue;
      if (rule->field == 0)
        return TRUE;
      converted = convert_value (rule->kind, value);
      if (rule->field == 2)
        {
          rl_an2k_record_set_text (r->record, 2, converted);
          return TRUE;
        }
      put_item (r->record, r->group && r->group->field == rule->field ? r->group_items : NULL,
                rule->field, rule->item, converted);
      return TRUE;
    }

  /* Not mapped: keep the name so that the caller can say what was left. */
  g_hash_table_add (r->unmapped, g_strdup_printf ("Type-%u %s", type, name));
  return TRUE;
}

static void
end_group (Reader *r)
{
  if (r->group->field != 0 && r->group_items->len > 0)
    {
      RlAn2kField *field = rl_an2k_record_get_field (r->record, r->group->field);

      if (rl_an2k_record_get_type (r->record) == 9 && r->group->field == 12)
        {
          /* XXXXYYYYTTT, as the XML gives the digits. */
          g_autofree char *position = g_strconcat (r->minutia_x ? r->minutia_x : "", r->minutia_y ? r->minutia_y : "",
                                                   r->minutia_theta ? r->minutia_theta : "", NULL);
          while (r->group_items->len < 4)
            g_ptr_array_add (r->group_items, g_strdup (""));
          g_free (r->group_items->pdata[1]);
          r->group_items->pdata[1] = g_steal_pointer (&position);
          g_clear_pointer (&r->minutia_x, g_free);
          g_clear_pointer (&r->minutia_y, g_free);
          g_clear_pointer (&r->minutia_theta, g_free);
        }
      if (field == NULL)
        field = rl_an2k_record_set_field (r->record, r->group->field);
      rl_an2k_field_add_subfield (field, (const char * const *) r->group_items->pdata, (int) r->group_items->len);
    }
  g_clear_pointer (&r->group_items, g_ptr_array_unref);
  r->group = NULL;
}

static void
end_record (Reader *r)
{
  if (rl_an2k_record_get_type (r->record) == 1 && (r->major || r->minor))
    {
      g_autofree char *version = g_strdup_printf ("%s%s", r->major ? r->major : "", r->minor ? r->minor : "");
      rl_an2k_record_set_text (r->record, 2, version);
    }
  if (rl_an2k_record_get_type (r->record) == 8 && r->vectors && r->vectors->len > 0)
    {
      rl_an2k_record_set_data (r->record, g_byte_array_free_to_bytes (r->vectors));
      r->vectors = NULL;
    }
  if (rl_an2k_record_get_type (r->record) != 1 && rl_an2k_record_get_field (r->record, 2) == NULL)
    rl_an2k_record_set_text (r->record, 2, "00");
  rl_an2k_record_complete_header (r->record);
  r->record = NULL;
}

static void
end_element (GMarkupParseContext *context, const char *element_name, gpointer user_data, GError **error)
{
  Reader *r = user_data;
  const char *name;
  gboolean leaf;

  r->depth--;
  name = r->stack[r->depth];
  leaf = r->leaf[r->depth];

  if (r->record && leaf && r->depth >= r->record_depth)
    {
      g_autofree char *value = g_strstrip (g_strdup (r->text->str));

      /* The traditional encoding's separators (and other control
       * characters) cannot be in a value. */
      for (const char *p = value; *p; p++)
        if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
          {
            set_position_error (context, error, RL_AN2K_ERROR_SYNTAX,
                                _("%s holds control character 0x%02x"), name, (guchar) *p);
            return;
          }
      r->depth++;   /* the leaf is part of its own context */
      if (!leaf_value (context, r, name, value, error))
        {
          r->depth--;
          return;
        }
      r->depth--;
    }
  g_string_truncate (r->text, 0);

  if (r->record && strcmp (name, "SignatureImageVector") == 0)
    {
      guint8 v[5] = { (guint8) (r->vector_x >> 8), (guint8) r->vector_x, (guint8) (r->vector_y >> 8),
                      (guint8) r->vector_y, (guint8) r->vector_pressure };
      if (r->vectors == NULL)
        r->vectors = g_byte_array_new ();
      g_byte_array_append (r->vectors, v, 5);
    }
  if (r->group && r->depth == r->group_depth)
    end_group (r);
  if (r->record && r->depth + 1 == r->record_depth)
    end_record (r);
  g_clear_pointer (&r->stack[r->depth], g_free);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

RlAn2kTransaction *
rl_an2k_read_xml (const char *text, gsize len, GError **error)
{
  static const GMarkupParser parser = { start_element, end_element, text_handler, NULL, NULL };
  g_autoptr(RlAn2kTransaction) transaction = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local = NULL;
  Reader r = { 0 };
  gboolean ok;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > RL_AN2K_MAX_FILE_SIZE)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("%" G_GSIZE_FORMAT " bytes is over the %u-byte limit"),
                   len, RL_AN2K_MAX_FILE_SIZE);
      return NULL;
    }
  transaction = rl_an2k_transaction_new (NULL);
  /* Type-1 starts empty: the version and CNT come from the XML / writer. */
  rl_an2k_record_remove_field (rl_an2k_transaction_get_record (transaction, 0), 2);
  r.transaction = transaction;
  r.text = g_string_new (NULL);
  r.declared_count = -1;
  r.unmapped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &r, NULL);

  ok = g_markup_parse_context_parse (context, text, (gssize) len, &local)
       && g_markup_parse_context_end_parse (context, &local);
  if (!ok)
    {
      if (local->domain != RL_AN2K_ERROR)
        g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX, _("not well-formed XML: %s"), local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
    }
  else if (!r.seen_root)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX, _("no ANSI/NIST-ITL XML transaction found"));
      ok = FALSE;
    }
  else if (rl_an2k_record_get_field (rl_an2k_transaction_get_record (transaction, 0), 2) == NULL)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX,
                   _("the transaction has no PackageInformationRecord with a version"));
      ok = FALSE;
    }
  else if (r.declared_count >= 0
           && (guint) r.declared_count != rl_an2k_transaction_get_n_records (transaction) - 1)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_INCONSISTENT,
                   _("ContentRecordCount announces %d records but the transaction holds %u"),
                   r.declared_count, rl_an2k_transaction_get_n_records (transaction) - 1);
      ok = FALSE;
    }
  if (ok)
    {
      /* The same checks as for the traditional encoding (version, CNT,
       * header ranges...): encode it and read that back. */
      g_autoptr(GBytes) encoded = rl_an2k_write (transaction, &local);
      g_autoptr(RlAn2kTransaction) check = encoded ? rl_an2k_read (encoded, &local) : NULL;

      if (check == NULL)
        {
          g_set_error (error, RL_AN2K_ERROR, local->code,
                       _("the XML does not make a valid transaction: %s"), local->message);
          ok = FALSE;
        }
    }
  if (ok)
    {
      g_autofree gpointer *names = NULL;
      guint n = 0;

      names = g_hash_table_get_keys_as_array (r.unmapped, &n);
      qsort (names, n, sizeof (gpointer), compare_strings);
      for (guint i = 0; i < n; i++)
        rl_an2k_transaction_add_warning (transaction, g_strdup_printf (_("XML element not read: %s"),
                                                                      (const char *) names[i]));
    }

  for (guint i = 0; i < MAX_DEPTH; i++)
    g_free (r.stack[i]);
  g_string_free (r.text, TRUE);
  g_hash_table_unref (r.unmapped);
  g_clear_pointer (&r.group_items, g_ptr_array_unref);
  g_free (r.major), g_free (r.minor), g_free (r.minutia_x), g_free (r.minutia_y);
  g_free (r.minutia_theta), g_free (r.ridge_ref);
  if (r.vectors)
    g_byte_array_unref (r.vectors);
  return ok ? g_steal_pointer (&transaction) : NULL;
}

RlAn2kTransaction *
rl_an2k_read_xml_file (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  RlAn2kTransaction *transaction;
  GStatBuf st;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);
  if (g_stat (path, &st) == 0 && (guint64) st.st_size > RL_AN2K_MAX_FILE_SIZE)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("“%s” is over the %u-byte limit"), path,
                   RL_AN2K_MAX_FILE_SIZE);
      return NULL;
    }
  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_IO, _("Cannot read “%s”: %s"), path, local->message);
      return NULL;
    }
  transaction = rl_an2k_read_xml (text, len, &local);
  if (transaction == NULL)
    g_set_error (error, local->domain, local->code, "%s: %s", path, local->message);
  return transaction;
}
