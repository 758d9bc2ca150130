/* rl-demo.c — a believable demo workspace, the same for the same seed.
 *
 * Three steps:
 *  1. plan: every identity's life as the agencies saw it (encounters,
 *     biographic data as each recorded it, derogatory records), from a seeded
 *     generator — nothing here depends on the clock or on thread timing;
 *  2. prints: render every sample's image (synthetic generator, or a file
 *     from --import) on worker threads; each image depends only on its own
 *     seed, so the thread count does not change the result;
 *  3. write: replay the plan in time order into the store, with the store's
 *     clock set to each event's time, so the audit log reads as a history.
 * All of it in one transaction.
 */
#define G_LOG_DOMAIN "rl-demo"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-demo.h"
#include "rl-sharing.h"
#include "rl-store-credentials.h"
#include "rl-extract.h"
#include "rl-search.h"
#include "rl-image-io.h"
#include "rl-synth.h"
#include "rl-template-io.h"

/* 2026-11-16 09:00 UTC, a Monday morning. */
#define DEMO_NOW        G_GINT64_CONSTANT (1794819600)
#define DEMO_FIRST_YEAR 2012
#define DAY             (24 * 3600)
/* Encounters in the last fortnight are the ones whose searches are still
 * being worked on. */
#define RECENT_DAYS     14

gint64
rl_demo_now (void)
{
  return DEMO_NOW;
}

/* --------------------------------------------------------------- random */

/* splitmix64: tiny, fast, and the same on every platform. */
typedef struct { guint64 state; } Rng;

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static guint64
rng_next (Rng *r)
{
  r->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return mix64 (r->state);
}

static Rng
rng_for (guint64 seed, guint64 stream, guint64 index)
{
  Rng r = { mix64 (seed ^ mix64 (stream * G_GUINT64_CONSTANT (0x100000001B3) + index)) };
  return r;
}

static double
rng_uniform (Rng *r)
{
  return (rng_next (r) >> 11) * (1.0 / 9007199254740992.0);
}

static guint
rng_range (Rng *r, guint n)
{
  return n == 0 ? 0 : (guint) (rng_next (r) % n);
}

static gboolean
rng_chance (Rng *r, double p)
{
  return rng_uniform (r) < p;
}

/* ------------------------------------------------------------ the world */

typedef struct {
  const char *code;
  const char *name;
} DemoAgency;

enum { AG_BORDER, AG_VISA, AG_POLICE, AG_ASYLUM, AG_DEFENCE, N_AGENCIES };

static const DemoAgency agencies[N_AGENCIES] = {
  { "BORDER", "Border Protection Service" },
  { "VISA", "Consular Affairs – Visa Office" },
  { "POLICE", "National Police" },
  { "ASYLUM", "Immigration and Asylum Office" },
  { "DEFENCE", "Defence Vetting Agency" },
};

static const struct {
  const char *username, *display_name;
  RlRole role;
  int agency;
} demo_users[] = {
  { "dwhitfield", "Dana Whitfield", RL_ROLE_DATA_STEWARD, AG_BORDER },
  { "mokafor", "Miriam Okafor", RL_ROLE_SUPERVISOR, AG_BORDER },
  { "tlindqvist", "Tomas Lindqvist", RL_ROLE_SUPERVISOR, AG_POLICE },
  { "abrennan", "Aoife Brennan", RL_ROLE_EXAMINER, AG_BORDER },
  { "rnakamura", "Ren Nakamura", RL_ROLE_EXAMINER, AG_BORDER },
  { "sgarcia", "Sofía García", RL_ROLE_EXAMINER, AG_POLICE },
  { "pdubois", "Pierre Dubois", RL_ROLE_EXAMINER, AG_POLICE },
  { "hmensah", "Hannah Mensah", RL_ROLE_EXAMINER, AG_ASYLUM },
  { "jkowalski", "Jan Kowalski", RL_ROLE_ANALYST, AG_BORDER },
  { "lbenali", "Lina Benali", RL_ROLE_ANALYST, AG_VISA },
  { "oeriksen", "Ola Eriksen", RL_ROLE_ANALYST, AG_POLICE },
  { "mrossi", "Marco Rossi", RL_ROLE_ANALYST, AG_ASYLUM },
};

/* Partners abroad that query the gateway (data/rl-sharing.h), each with
 * its own agreement: the police partner gets criminal records and the whole
 * biographic record, the visa partner only immigration matters and names. */
static const struct {
  const char *name, *agency_code, *agency_name;
  const char *categories, *fields;
  gboolean    encounter_summary;
  const char *purposes;       /* what their queries are for */
} demo_partners[] = {
  { "aldova-police", "ALDOVA-POLICE", "Aldova Federal Police (partner)",
    "known-suspected-terrorist,federal-conviction,criminal-conviction,gang-member,drug-smuggler,"
    "human-trafficker-smuggler,law-enforcement-alert", "all", TRUE, "arrest-booking,latent-case" },
  { "meridia-visa", "MERIDIA-VISA", "Meridia Visa and Immigration Service (partner)",
    "immigration-violation,revoked-visa", "family_name,given_names,date_of_birth", FALSE,
    "border-crossing,visa-application" },
};

char *
rl_demo_partner_keys_path (const char *db_path)
{
  g_return_val_if_fail (db_path != NULL, NULL);
  return g_strconcat (db_path, ".partner-keys", NULL);
}

char *
rl_demo_read_partner_key (const char *db_path, const char *partner_name, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (db_path != NULL && partner_name != NULL, NULL);

  path = rl_demo_partner_keys_path (db_path);
  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = NULL;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit_set (lines[i], " \t", 2);
      if (fields[0] && fields[1] && g_str_equal (fields[0], partner_name))
        return g_strstrip (g_strdup (fields[1]));
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("%s holds no key for the partner “%s”"), path, partner_name);
  return NULL;
}

/* The keys are made at random when the demo is built (a key derived from
 * the seed would be public: it is in the source) and written, readable by
 * the user alone, next to the workspace. */
static gboolean
write_partner_keys (const char *db_path, GPtrArray *names, GPtrArray *keys, GError **error)
{
  g_autofree char *path = rl_demo_partner_keys_path (db_path);
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "# Gateway partner API keys of the demo workspace %s\n"
                                "# (partner name, key; only their SHA-256 is in the workspace). Keep private.\n",
                          db_path);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (text, "%s %s\n", (const char *) names->pdata[i], (const char *) keys->pdata[i]);
  return g_file_set_contents_full (path, text->str, (gssize) text->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

const char *
rl_demo_partner_name (guint index)
{
  return index < G_N_ELEMENTS (demo_partners) ? demo_partners[index].name : NULL;
}

/* Names: "canonical|variant|variant" — agencies transliterate differently. */
typedef struct {
  const char *nationalities[5];
  const char *consulate;
  const char *given_m[8];
  const char *given_f[8];
  const char *family[10];
  gboolean    family_first;    /* family name often recorded first */
  double      weight;
} Region;

static const Region regions[] = {
  { { "JOR", "SYR", "LBN", "IRQ" }, "Amman",
    { "Mohammed|Muhammad|Mohamed", "Omar|Umar", "Ahmad|Ahmed", "Khaled|Khalid", "Youssef|Yousef|Yusuf", "Hassan|Hasan", "Karim|Kareem", "Tariq|Tarek" },
    { "Fatima|Fatma", "Aisha|Aysha", "Layla|Leila|Laila", "Rania", "Noor|Nour", "Huda|Hoda", "Salma", "Yasmin|Yasmine" },
    { "Haddad", "Al-Masri|Almasri|El-Masri", "Khalil", "Nasser|Nasr", "Saleh|Salih", "Hamdan", "Darwish|Darwich",
      "Suleiman|Sulaiman|Soliman", "Abu-Zaid|Abuzaid", "Qasim|Kassem|Qassem" }, FALSE, 1.2 },
  { { "MEX", "COL", "GTM", "HND" }, "Mexico City",
    { "José|Jose", "Juan Carlos|Juan", "Luis", "Carlos", "Jorge", "Miguel Ángel|Miguel Angel|Miguel", "Andrés|Andres", "Javier|Xavier" },
    { "María José|Maria Jose|María", "Guadalupe|Lupe", "Ana Lucía|Ana Lucia|Ana", "Sofía|Sofia", "Daniela", "Valentina", "Ximena|Jimena", "Carmen" },
    { "García|Garcia", "Hernández López|Hernandez Lopez|Hernández", "Martínez|Martinez", "González|Gonzalez",
      "Rodríguez|Rodriguez", "Ramírez Ortiz|Ramirez Ortiz|Ramírez", "Flores", "Castillo", "Morales", "Vásquez|Vasquez|Vazquez" }, FALSE, 1.2 },
  { { "CHN" }, "Guangzhou",
    { "Wei", "Jian|Chien", "Hao", "Jun", "Lei", "Zhiwei|Zhi Wei", "Bo", "Qiang" },
    { "Li Na|Lina", "Xiaoling|Xiao Ling", "Mei", "Yan", "Jing", "Hui", "Fang", "Ying" },
    { "Wang", "Li|Lee", "Zhang|Chang", "Liu|Lau", "Chen|Chan", "Huang|Wong", "Zhao|Chao", "Wu|Ng", "Zhou|Chow", "Sun" }, TRUE, 0.8 },
  { { "IND", "PAK", "BGD", "NPL" }, "New Delhi",
    { "Rahul", "Amit", "Mohammad Imran|Muhammad Imran|Imran", "Sanjay", "Arjun", "Ravi Kumar|Ravi", "Farhan", "Deepak" },
    { "Priya", "Sunita", "Anjali", "Ayesha|Aisha", "Pooja|Puja", "Kavita", "Nasreen|Nasrin", "Lakshmi|Laxmi" },
    { "Sharma", "Patel", "Singh", "Kumar", "Khan", "Chowdhury|Choudhury|Chaudhary", "Reddy", "Gupta", "Rahman", "Das" }, FALSE, 1.0 },
  { { "NGA", "GHA", "SEN", "CMR" }, "Lagos",
    { "Chinedu", "Oluwaseun|Seun", "Emeka", "Kwame", "Ibrahim|Ibrahima", "Babatunde|Tunde", "Moussa|Musa", "Kofi" },
    { "Ngozi", "Adaeze|Ada", "Folasade|Sade", "Ama", "Fatoumata|Fatou", "Chiamaka|Amaka", "Aminata", "Efua" },
    { "Okafor", "Adeyemi", "Okeke", "Eze", "Mensah", "Diallo", "Ndiaye|N'Diaye", "Boateng", "Abubakar", "Nwosu" }, FALSE, 1.0 },
  { { "UKR", "RUS", "MDA", "BLR" }, "Kyiv",
    { "Oleksandr|Aleksandr|Alexander", "Dmytro|Dmitri|Dmitry", "Serhiy|Sergei|Sergey", "Andriy|Andrei", "Mykola|Nikolai",
      "Ivan", "Yuriy|Yuri", "Volodymyr|Vladimir" },
    { "Olena|Elena|Yelena", "Iryna|Irina", "Natalia|Natalya|Nataliya", "Kateryna|Ekaterina|Katerina", "Oksana",
      "Tetiana|Tatiana|Tatyana", "Yulia|Julia|Yuliya", "Svitlana|Svetlana" },
    { "Kovalenko", "Shevchenko|Shevchenco", "Bondarenko", "Tkachenko|Tkatchenko", "Ivanov|Ivanoff", "Kuznetsov|Kuznetsoff",
      "Melnyk|Melnik", "Petrenko", "Morozov", "Popescu" }, FALSE, 1.0 },
  { { "AFG", "IRN", "TJK" }, "Islamabad",
    { "Ahmad Shah|Ahmadshah", "Mohammad|Muhammad|Mohammed", "Farid|Fareed", "Hamid", "Jawad|Javad", "Rahim", "Sohrab", "Mirwais" },
    { "Zahra|Zehra", "Maryam|Mariam", "Farzana", "Shabnam", "Parisa", "Nargis|Narges", "Sima", "Fereshteh|Freshta" },
    { "Ahmadi", "Rahimi", "Karimi", "Noori|Nuri|Nouri", "Hosseini|Husseini", "Mohammadi", "Sultani", "Haidari|Heydari", "Popal", "Wardak" },
    FALSE, 0.8 },
};

static const char * const border_places[] = {
  "Harbour City International Airport, Terminal 1", "Harbour City International Airport, Terminal 2",
  "Kessel land crossing", "Port of Marren, ferry terminal", "Northgate rail terminal",
};
static const char * const police_places[] = {
  "Central Booking, Harbour City", "Marren District Station", "Kessel County Jail", "Northgate Police Station",
};
static const char * const asylum_places[] = {
  "Westmoor Reception Centre", "Harbour City Asylum Office", "Kessel Registration Point",
};

/* ------------------------------------------------------------- the plan */

typedef struct {
  int      finger;          /* RlFingerPosition */
  int      impression;      /* RlImpression */
  gboolean poor;            /* a bad capture: dry, smudged, half the finger missing */
  guint64  master_seed;     /* synthetic: the master finger */
  guint64  impression_seed;
  char    *file;            /* imported: the file to read instead */
  char    *ground_truth;
  /* filled by the render step */
  char    *image_sha256;
  int      width, height;
  RlTemplate *tpl;          /* A1's extractor on the stored image; NULL if it found no print */
  GBytes  *template_bytes;
  /* filled by the write step */
  gint64   db_id;
  gint64   identity_db_id;
  gint64   encounter_db_id;
} PlanSample;

typedef struct {
  gint64   at;
  int      agency;
  RlEncounterPurpose purpose;
  const char *place;
  char    *case_reference;
  char    *family_name, *given_names, *date_of_birth, *nationality;
  const char *sex;
  GArray  *samples;         /* of PlanSample */
  guint    identity;        /* index into plan->identities */
} PlanEncounter;

typedef struct {
  RlDerogatoryCategory category;
  int      agency;
  gboolean restricted;
  char    *summary;
  char    *recorded_on;
  char    *expires_on;
  gint64   at;
  guint    identity;
} PlanDerogatory;

typedef struct {
  char    *reference;
  gint64   db_id;
  guint    n_encounters;
} PlanIdentity;

typedef enum { EVENT_ENCOUNTER, EVENT_DEROGATORY, EVENT_RELEASE } EventKind;

typedef struct {
  gint64    at;
  EventKind kind;
  guint     index;
} PlanEvent;

typedef struct {
  GPtrArray *identities;    /* PlanIdentity* */
  GPtrArray *encounters;    /* PlanEncounter* */
  GPtrArray *derogatory;    /* PlanDerogatory* */
  GArray    *events;        /* PlanEvent */
} Plan;

static void
plan_encounter_free (PlanEncounter *e)
{
  for (guint i = 0; i < e->samples->len; i++)
    {
      PlanSample *s = &g_array_index (e->samples, PlanSample, i);
      g_free (s->file);
      g_free (s->ground_truth);
      g_free (s->image_sha256);
      g_clear_pointer (&s->tpl, rl_template_free);
      g_clear_pointer (&s->template_bytes, g_bytes_unref);
    }
  g_array_unref (e->samples);
  g_free (e->case_reference);
  g_free (e->family_name);
  g_free (e->given_names);
  g_free (e->date_of_birth);
  g_free (e->nationality);
  g_free (e);
}

static void
plan_derogatory_free (PlanDerogatory *d)
{
  g_free (d->summary);
  g_free (d->recorded_on);
  g_free (d->expires_on);
  g_free (d);
}

static void
plan_identity_free (PlanIdentity *i)
{
  g_free (i->reference);
  g_free (i);
}

static void
plan_free (Plan *plan)
{
  g_ptr_array_unref (plan->identities);
  g_ptr_array_unref (plan->encounters);
  g_ptr_array_unref (plan->derogatory);
  g_array_unref (plan->events);
  g_free (plan);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

/* One spelling of "a|b|c": the first most of the time. */
static char *
spelling (Rng *r, const char *variants, double p_variant)
{
  g_auto(GStrv) parts = g_strsplit (variants, "|", -1);
  guint n = g_strv_length (parts);
  guint pick = (n > 1 && rng_chance (r, p_variant)) ? 1 + rng_range (r, n - 1) : 0;
  return g_strdup (parts[pick]);
}

static char *
format_date (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return g_date_time_format (dt, "%Y-%m-%d");
}

typedef struct {
  const Region *region;
  const char   *given, *family;   /* variant lists */
  int           birth_year, birth_month, birth_day;
  const char   *nationality;
  const char   *sex;
} Person;

/* The biographic data one agency recorded: mostly right, sometimes not. */
static void
record_biographics (Rng *r, const Person *p, PlanEncounter *e)
{
  g_autofree char *given = spelling (r, p->given, 0.15);
  g_autofree char *family = spelling (r, p->family, 0.15);
  int y = p->birth_year, m = p->birth_month, d = p->birth_day;
  double u = rng_uniform (r);

  if (p->region->family_first && rng_chance (r, 0.12))
    {
      /* Given and family name swapped on the form. */
      e->family_name = g_steal_pointer (&given);
      e->given_names = g_steal_pointer (&family);
    }
  else
    {
      e->family_name = g_steal_pointer (&family);
      e->given_names = g_steal_pointer (&given);
    }

  if (u < 0.04 && d <= 12 && d != m)
    e->date_of_birth = g_strdup_printf ("%04d-%02d-%02d", y, d, m);          /* day and month swapped */
  else if (u < 0.07)
    e->date_of_birth = g_strdup_printf ("%04d-%02d-%02d", y + (rng_chance (r, 0.5) ? 1 : -1), m, d);
  else if (u < 0.10)
    e->date_of_birth = g_strdup_printf ("%04d-01-01", y);                     /* unknown day and month, recorded as 1 January */
  else if (u < 0.12)
    e->date_of_birth = g_strdup_printf ("%04d-00-00", y);
  else
    e->date_of_birth = g_strdup_printf ("%04d-%02d-%02d", y, m, d);

  if (rng_chance (r, 0.03) && p->region->nationalities[1] != NULL)
    {
      guint n = 0;
      while (n < G_N_ELEMENTS (p->region->nationalities) && p->region->nationalities[n])
        n++;
      e->nationality = g_strdup (p->region->nationalities[rng_range (r, n)]);
    }
  else
    e->nationality = g_strdup (p->nationality);
  e->sex = rng_chance (r, 0.01) ? "U" : p->sex;
}

static const char *
place_for (Rng *r, int agency, const Region *region, char **owned)
{
  switch (agency)
    {
    case AG_BORDER:
      return border_places[rng_range (r, G_N_ELEMENTS (border_places))];
    case AG_POLICE:
      return police_places[rng_range (r, G_N_ELEMENTS (police_places))];
    case AG_ASYLUM:
      return asylum_places[rng_range (r, G_N_ELEMENTS (asylum_places))];
    case AG_DEFENCE:
      return "Defence Vetting Office, Harbour City";
    case AG_VISA:
    default:
      *owned = g_strdup_printf (rng_chance (r, 0.5) ? "Consulate in %s" : "Visa Application Centre, %s", region->consulate);
      return *owned;
    }
}

static int
agency_for (RlEncounterPurpose purpose, Rng *r)
{
  switch (purpose)
    {
    case RL_PURPOSE_BORDER_CROSSING: return AG_BORDER;
    case RL_PURPOSE_VISA_APPLICATION: return AG_VISA;
    case RL_PURPOSE_ARREST_BOOKING: return AG_POLICE;
    case RL_PURPOSE_ASYLUM_CLAIM:
    case RL_PURPOSE_RESIDENCE_PERMIT: return AG_ASYLUM;
    case RL_PURPOSE_BACKGROUND_CHECK: return rng_chance (r, 0.6) ? AG_DEFENCE : AG_POLICE;
    default: return AG_BORDER;
    }
}

static char *
case_reference_for (Rng *r, int agency, gint64 at)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (at);
  int year = g_date_time_get_year (dt);
  guint n = 1 + rng_range (r, 99999);

  switch (agency)
    {
    case AG_VISA: return g_strdup_printf ("V-%d-%06u", year, n);
    case AG_POLICE: return g_strdup_printf ("HC-%d-%05u", year, n);
    case AG_ASYLUM: return g_strdup_printf ("AS-%d-%05u", year, n);
    case AG_DEFENCE: return g_strdup_printf ("DV-%d-%04u", year, n % 10000);
    default: return g_strdup ("");
    }
}

/* Which fingers an encounter captures. Enrolments take both index fingers
 * (bookings rolled, the rest plain); a border crossing takes one print to
 * check against the file. Few prints per encounter keep the demo compact. */
static void
add_samples (Rng *r, PlanEncounter *e, const guint64 master_seeds[2], const char *truth_prefix)
{
  static const int fingers[2] = { RL_FINGER_RIGHT_INDEX, RL_FINGER_LEFT_INDEX };
  int n = e->purpose == RL_PURPOSE_BORDER_CROSSING ? 1 : 2;

  for (int k = 0; k < n; k++)
    {
      PlanSample s = { 0 };
      s.finger = fingers[k];
      s.impression = e->purpose == RL_PURPOSE_ARREST_BOOKING ? RL_IMPRESSION_ROLLED : RL_IMPRESSION_PLAIN;
      s.master_seed = master_seeds[k];
      s.impression_seed = rng_next (r);
      s.ground_truth = g_strdup_printf ("%s/%d", truth_prefix, s.finger);
      g_array_append_val (e->samples, s);
    }
}

typedef enum { LIFE_TRAVELLER, LIFE_ASYLUM, LIFE_RESIDENT, LIFE_OFFENDER, LIFE_VETTED } Life;

static const struct {
  RlDerogatoryCategory category;
  int agency;
  gboolean restricted;
  const char *summaries[3];
} derogatory_kinds[] = {
  { RL_DEROGATORY_KNOWN_SUSPECTED_TERRORIST, AG_POLICE, TRUE,
    { "Subject of a watch-list nomination by partner service; contact counter-terrorism desk before any action.",
      "Named in an intelligence report as facilitator for a proscribed group.",
      "Travel pattern and associations flagged by joint analysis cell; do not alert subject." } },
  { RL_DEROGATORY_SEXUAL_OFFENDER_REMOVAL, AG_POLICE, FALSE,
    { "Removed after conviction for a sexual offence; re-entry ban of 10 years.",
      "Registered sexual offender, removal order executed.",
      "Deported following sentence for sexual assault; lifetime notification requirement." } },
  { RL_DEROGATORY_FEDERAL_CONVICTION, AG_POLICE, FALSE,
    { "Convicted of document fraud; 18 months custodial.",
      "Convicted of money laundering; sentence served.",
      "Convicted of firearms trafficking; 4 years custodial." } },
  { RL_DEROGATORY_CRIMINAL_CONVICTION, AG_POLICE, FALSE,
    { "Convicted of burglary; 8 months suspended.",
      "Convicted of assault occasioning actual bodily harm.",
      "Convicted of theft from a motor vehicle; community order." } },
  { RL_DEROGATORY_IMMIGRATION_VIOLATION, AG_BORDER, FALSE,
    { "Overstayed visa by 214 days; departed voluntarily.",
      "Worked in breach of visa conditions; curtailed.",
      "Refused entry: false statement about purpose of visit." } },
  { RL_DEROGATORY_REVOKED_VISA, AG_VISA, FALSE,
    { "Visa revoked after the sponsor withdrew support.",
      "Visa revoked: supporting bank statements found to be forged.",
      "Visa revoked following arrest; subject left before hearing." } },
  { RL_DEROGATORY_MILITARY_RECORD, AG_DEFENCE, TRUE,
    { "Former member of a foreign armed force; vetting file held.",
      "Military service record under review by vetting agency.",
      "Discharged from foreign service; details held by defence vetting." } },
  { RL_DEROGATORY_GANG_MEMBER, AG_POLICE, TRUE,
    { "Associate of the Eastside crew according to intelligence reports.",
      "Identified member of a street gang active in the port district.",
      "Gang affiliation recorded after custody interview." } },
  { RL_DEROGATORY_DRUG_SMUGGLER, AG_BORDER, FALSE,
    { "Detected importing 2.1 kg of cocaine in luggage lining.",
      "Convicted as courier for a cannabis importation ring.",
      "Swallower intercepted at the airport; prosecution completed." } },
  { RL_DEROGATORY_HUMAN_TRAFFICKER_SMUGGLER, AG_BORDER, TRUE,
    { "Driver of a lorry in which 14 people were concealed.",
      "Organiser of irregular crossings per joint investigation.",
      "Recruited workers under false pretences; investigation open." } },
  { RL_DEROGATORY_LAW_ENFORCEMENT_ALERT, AG_POLICE, TRUE,
    { "Wanted for questioning in a fraud investigation; notify case officer.",
      "Subject of an outstanding arrest warrant for failing to appear.",
      "Missing-person alert from partner police service." } },
};

static void
add_derogatory (Plan *plan, Rng *r, guint identity, RlDerogatoryCategory category, gint64 after)
{
  PlanDerogatory *d = g_new0 (PlanDerogatory, 1);
  guint k = 0;

  while (derogatory_kinds[k].category != category)
    k++;
  d->identity = identity;
  d->category = category;
  d->agency = derogatory_kinds[k].agency;
  d->restricted = derogatory_kinds[k].restricted;
  d->summary = g_strdup (derogatory_kinds[k].summaries[rng_range (r, 3)]);
  d->at = MIN (after + (gint64) (10 + rng_range (r, 400)) * DAY, DEMO_NOW - 20 * DAY);
  d->at -= d->at % DAY;
  d->at += 10 * 3600;
  d->recorded_on = format_date (d->at);
  if (category == RL_DEROGATORY_REVOKED_VISA || category == RL_DEROGATORY_LAW_ENFORCEMENT_ALERT)
    d->expires_on = format_date (d->at + (gint64) (365 * (2 + rng_range (r, 4))) * DAY);
  g_ptr_array_add (plan->derogatory, d);
}

static PlanEncounter *
new_encounter (Plan *plan, Rng *r, guint identity, const Person *p, RlEncounterPurpose purpose, gint64 at,
               const guint64 master_seeds[2], const char *truth, GPtrArray *owned)
{
  PlanEncounter *e = g_new0 (PlanEncounter, 1);
  char *place_owned = NULL;

  e->identity = identity;
  e->at = at;
  e->purpose = purpose;
  e->agency = agency_for (purpose, r);
  e->place = place_for (r, e->agency, p->region, &place_owned);
  if (place_owned)
    g_ptr_array_add (owned, place_owned);
  e->case_reference = case_reference_for (r, e->agency, at);
  e->samples = g_array_new (FALSE, TRUE, sizeof (PlanSample));
  record_biographics (r, p, e);
  add_samples (r, e, master_seeds, truth);
  g_ptr_array_add (plan->encounters, e);
  return e;
}

/* A time of day agencies work at, on the given day. */
static gint64
working_time (Rng *r, gint64 day)
{
  return day - day % DAY + (7 * 3600) + rng_range (r, 13 * 3600);
}

static void
plan_person (Plan *plan, guint64 seed, guint index, guint64 finger_owner, GPtrArray *owned)
{
  Rng r = rng_for (seed, 1, index);
  Person p = { 0 };
  double total = 0, pick;
  guint region = 0;
  guint64 master_seeds[2];
  g_autofree char *truth = NULL;
  PlanIdentity *identity = g_new0 (PlanIdentity, 1);
  guint id_index = plan->identities->len;
  Life life;
  gint64 t, first;
  double u;

  identity->reference = g_strdup_printf ("P-%06u", id_index + 1);
  g_ptr_array_add (plan->identities, identity);

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    total += regions[i].weight;
  pick = rng_uniform (&r) * total;
  while (region + 1 < G_N_ELEMENTS (regions) && pick >= regions[region].weight)
    pick -= regions[region++].weight;
  p.region = &regions[region];
  p.sex = rng_chance (&r, 0.58) ? "M" : "F";
  p.given = g_str_equal (p.sex, "M") ? p.region->given_m[rng_range (&r, 8)] : p.region->given_f[rng_range (&r, 8)];
  p.family = p.region->family[rng_range (&r, 10)];
  p.birth_year = 1952 + rng_range (&r, 54);
  p.birth_month = 1 + rng_range (&r, 12);
  p.birth_day = 1 + rng_range (&r, 28);
  {
    guint n = 0;
    while (n < G_N_ELEMENTS (p.region->nationalities) && p.region->nationalities[n])
      n++;
    p.nationality = p.region->nationalities[rng_range (&r, n)];
  }

  /* The fingers: the person's own, or — identity fraud — someone else's. */
  for (int k = 0; k < 2; k++)
    master_seeds[k] = mix64 (seed ^ mix64 (finger_owner * 2 + k + 0x5EED));
  truth = g_strdup_printf ("synthetic/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, seed, finger_owner);

  u = rng_uniform (&r);
  life = u < 0.45 ? LIFE_TRAVELLER : u < 0.62 ? LIFE_ASYLUM : u < 0.77 ? LIFE_RESIDENT : u < 0.92 ? LIFE_OFFENDER : LIFE_VETTED;

  /* First contact somewhere between 2012 and a month ago; people still
   * being processed show up in the last fortnight. */
  {
    g_autoptr(GDateTime) dt = g_date_time_new_utc (DEMO_FIRST_YEAR, 1, 1, 0, 0, 0);
    gint64 start = g_date_time_to_unix (dt);
    gint64 span = DEMO_NOW - 30 * DAY - start;
    first = start + (gint64) (rng_uniform (&r) * span);
    if (rng_chance (&r, 0.06) || index % 12 == 1)
      first = DEMO_NOW - (gint64) (1 + rng_range (&r, RECENT_DAYS - 1)) * DAY;
    first = working_time (&r, first);
  }
  /* Never born after the first encounter. */
  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (first);
    p.birth_year = MIN (p.birth_year, g_date_time_get_year (dt) - 16);
  }

  t = first;
  switch (life)
    {
    case LIFE_TRAVELLER:
    case LIFE_RESIDENT:
      {
        int trips = rng_range (&r, 4);
        new_encounter (plan, &r, id_index, &p, RL_PURPOSE_VISA_APPLICATION, t, master_seeds, truth, owned);
        t = working_time (&r, t + (gint64) (20 + rng_range (&r, 90)) * DAY);
        if (t < DEMO_NOW)
          new_encounter (plan, &r, id_index, &p, RL_PURPOSE_BORDER_CROSSING, t, master_seeds, truth, owned);
        if (life == LIFE_RESIDENT)
          {
            t = working_time (&r, t + (gint64) (60 + rng_range (&r, 300)) * DAY);
            if (t < DEMO_NOW)
              new_encounter (plan, &r, id_index, &p, RL_PURPOSE_RESIDENCE_PERMIT, t, master_seeds, truth, owned);
          }
        for (int i = 0; i < trips; i++)
          {
            t = working_time (&r, t + (gint64) (90 + rng_range (&r, 900)) * DAY);
            if (t >= DEMO_NOW)
              break;
            new_encounter (plan, &r, id_index, &p, rng_chance (&r, 0.2) ? RL_PURPOSE_VISA_APPLICATION : RL_PURPOSE_BORDER_CROSSING,
                           t, master_seeds, truth, owned);
          }
      }
      break;
    case LIFE_ASYLUM:
      new_encounter (plan, &r, id_index, &p, RL_PURPOSE_BORDER_CROSSING, t, master_seeds, truth, owned);
      t = working_time (&r, t + (gint64) (1 + rng_range (&r, 10)) * DAY);
      if (t < DEMO_NOW)
        new_encounter (plan, &r, id_index, &p, RL_PURPOSE_ASYLUM_CLAIM, t, master_seeds, truth, owned);
      t = working_time (&r, t + (gint64) (120 + rng_range (&r, 600)) * DAY);
      if (t < DEMO_NOW && rng_chance (&r, 0.6))
        new_encounter (plan, &r, id_index, &p, RL_PURPOSE_RESIDENCE_PERMIT, t, master_seeds, truth, owned);
      break;
    case LIFE_OFFENDER:
      {
        int arrests = 1 + rng_range (&r, 3);
        if (rng_chance (&r, 0.5))
          {
            new_encounter (plan, &r, id_index, &p, RL_PURPOSE_BORDER_CROSSING, t, master_seeds, truth, owned);
            t = working_time (&r, t + (gint64) (30 + rng_range (&r, 700)) * DAY);
          }
        for (int i = 0; i < arrests && t < DEMO_NOW; i++)
          {
            new_encounter (plan, &r, id_index, &p, RL_PURPOSE_ARREST_BOOKING, t, master_seeds, truth, owned);
            t = working_time (&r, t + (gint64) (100 + rng_range (&r, 1200)) * DAY);
          }
      }
      break;
    case LIFE_VETTED:
      new_encounter (plan, &r, id_index, &p, RL_PURPOSE_BACKGROUND_CHECK, t, master_seeds, truth, owned);
      for (int i = 0; i < 2; i++)
        {
          t = working_time (&r, t + (gint64) (100 + rng_range (&r, 900)) * DAY);
          if (t >= DEMO_NOW)
            break;
          new_encounter (plan, &r, id_index, &p, RL_PURPOSE_BORDER_CROSSING, t, master_seeds, truth, owned);
        }
      break;
    }

  /* Some people come back in the last fortnight: their prints are being
   * searched now. A third of those captures are poor (hurried booking, dry
   * skin, a smudged platen): the matcher is unsure and examiners decide. */
  {
    PlanEncounter *last = g_ptr_array_index (plan->encounters, plan->encounters->len - 1);
    if (last->identity == id_index && last->at < DEMO_NOW - RECENT_DAYS * DAY && rng_chance (&r, 0.12))
      {
        gint64 when = working_time (&r, DEMO_NOW - (gint64) (1 + rng_range (&r, RECENT_DAYS - 1)) * DAY);
        RlEncounterPurpose purpose = life == LIFE_OFFENDER ? RL_PURPOSE_ARREST_BOOKING
                                   : life == LIFE_ASYLUM ? RL_PURPOSE_RESIDENCE_PERMIT : RL_PURPOSE_BORDER_CROSSING;
        new_encounter (plan, &r, id_index, &p, purpose, when, master_seeds, truth, owned);
      }
    for (guint i = plan->encounters->len; i > 0; i--)
      {
        PlanEncounter *e = g_ptr_array_index (plan->encounters, i - 1);
        if (e->identity != id_index)
          break;
        if (e->at >= DEMO_NOW - RECENT_DAYS * DAY && rng_chance (&r, 0.35))
          for (guint k = 0; k < e->samples->len; k++)
            g_array_index (e->samples, PlanSample, k).poor = TRUE;
      }
  }

  /* Derogatory records, by the life led. */
  {
    gint64 last = ((PlanEncounter *) g_ptr_array_index (plan->encounters, plan->encounters->len - 1))->at;
    double d = rng_uniform (&r);

    if (first > DEMO_NOW - 30 * DAY)
      ;  /* too new to have a record yet */
    else if (life == LIFE_OFFENDER && d < 0.75)
      {
        static const RlDerogatoryCategory crimes[] = {
          RL_DEROGATORY_CRIMINAL_CONVICTION, RL_DEROGATORY_CRIMINAL_CONVICTION, RL_DEROGATORY_FEDERAL_CONVICTION,
          RL_DEROGATORY_GANG_MEMBER, RL_DEROGATORY_DRUG_SMUGGLER, RL_DEROGATORY_SEXUAL_OFFENDER_REMOVAL,
          RL_DEROGATORY_LAW_ENFORCEMENT_ALERT,
        };
        add_derogatory (plan, &r, id_index, crimes[rng_range (&r, G_N_ELEMENTS (crimes))], first);
        if (rng_chance (&r, 0.3))
          add_derogatory (plan, &r, id_index, crimes[rng_range (&r, G_N_ELEMENTS (crimes))], last);
      }
    else if (life == LIFE_ASYLUM && d < 0.10)
      add_derogatory (plan, &r, id_index, RL_DEROGATORY_IMMIGRATION_VIOLATION, last);
    else if (life == LIFE_VETTED && d < 0.15)
      add_derogatory (plan, &r, id_index, RL_DEROGATORY_MILITARY_RECORD, first);
    else if ((life == LIFE_TRAVELLER || life == LIFE_RESIDENT) && d < 0.07)
      {
        static const RlDerogatoryCategory travel[] = {
          RL_DEROGATORY_REVOKED_VISA, RL_DEROGATORY_IMMIGRATION_VIOLATION, RL_DEROGATORY_DRUG_SMUGGLER,
          RL_DEROGATORY_HUMAN_TRAFFICKER_SMUGGLER,
        };
        add_derogatory (plan, &r, id_index, travel[rng_range (&r, G_N_ELEMENTS (travel))], first);
      }
    else if (d > 0.995)
      add_derogatory (plan, &r, id_index, RL_DEROGATORY_KNOWN_SUSPECTED_TERRORIST, first);
  }
}

/* Imported prints: FINGER_IMPRESSION.ext, one identity per finger. Its
 * impressions are spread over up to three encounters, the last recent. */
static gboolean
plan_import (Plan *plan, guint64 seed, const char *dir, GPtrArray *owned, GError **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  g_autoptr(GHashTable) fingers = NULL;
  g_autoptr(GList) keys = NULL;
  g_autofree char *base = NULL;
  const char *name;

  if (d == NULL)
    return FALSE;
  base = g_path_get_basename (dir);
  fingers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);
      const char *us = strchr (name, '_');
      const char *dot = strrchr (name, '.');
      GPtrArray *files;

      if (us == NULL || dot == NULL || dot < us ||
          !(g_str_has_suffix (lower, ".tif") || g_str_has_suffix (lower, ".tiff") || g_str_has_suffix (lower, ".png") ||
            g_str_has_suffix (lower, ".bmp") || g_str_has_suffix (lower, ".pgm") || g_str_has_suffix (lower, ".jpg")))
        continue;
      {
        g_autofree char *finger = g_strndup (name, us - name);
        files = g_hash_table_lookup (fingers, finger);
        if (files == NULL)
          {
            files = g_ptr_array_new_with_free_func (g_free);
            g_hash_table_insert (fingers, g_steal_pointer (&finger), files);
          }
        g_ptr_array_add (files, g_strdup (name));
      }
    }
  if (g_hash_table_size (fingers) == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("“%s” holds no prints named FINGER_IMPRESSION.tif (or .png, .bmp, .pgm, .jpg)"), dir);
      return FALSE;
    }
  /* Sorted, so that the directory order does not change the workspace. */
  keys = g_list_sort (g_hash_table_get_keys (fingers), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    {
      GPtrArray *files = g_hash_table_lookup (fingers, l->data);
      guint first_encounter = plan->encounters->len;
      guint n_identities = plan->identities->len;
      guint n_encounters;

      g_ptr_array_sort (files, (GCompareFunc) g_strcmp0);
      /* Plan a person as for synthetic ones (names, history), then replace
       * the samples with the files. */
      plan_person (plan, seed ^ G_GUINT64_CONSTANT (0x1A4F0A7), n_identities + 100000, n_identities + 100000, owned);
      /* Keep at most three encounters. */
      while (plan->encounters->len > first_encounter + 3)
        g_ptr_array_remove_index (plan->encounters, plan->encounters->len - 1);
      n_encounters = plan->encounters->len - first_encounter;
      {
        PlanEncounter *last = plan->encounters->pdata[plan->encounters->len - 1];
        Rng r = rng_for (seed, 3, n_identities);
        if (n_encounters > 1)
          last->at = working_time (&r, DEMO_NOW - (gint64) (1 + rng_range (&r, 5)) * DAY);
      }
      for (guint k = 0; k < n_encounters; k++)
        {
          PlanEncounter *e = plan->encounters->pdata[first_encounter + k];
          for (guint i = 0; i < e->samples->len; i++)
            {
              PlanSample *s = &g_array_index (e->samples, PlanSample, i);
              g_free (s->ground_truth);
            }
          g_array_set_size (e->samples, 0);
        }
      for (guint i = 0; i < files->len; i++)
        {
          PlanEncounter *e = plan->encounters->pdata[first_encounter + MIN (i * n_encounters / files->len, n_encounters - 1)];
          PlanSample s = { 0 };
          s.finger = RL_FINGER_UNKNOWN;
          s.impression = RL_IMPRESSION_PLAIN;
          s.file = g_build_filename (dir, (const char *) files->pdata[i], NULL);
          s.ground_truth = g_strdup_printf ("%s/%s", base, (const char *) l->data);
          g_array_append_val (e->samples, s);
        }
    }
  return TRUE;
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const PlanEvent *x = a, *y = b;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Releases of the matcher the workspace has run: shipped with Ridgeline. */
static const struct { const char *name; int year, month, day; } demo_releases[] = {
  { "2024.2", 2024, 3, 4 },
  { "2026.1", 2026, 2, 2 },
};

static Plan *
make_plan (const RlDemoOptions *options, GPtrArray *owned, GError **error)
{
  g_autoptr(Plan) plan = g_new0 (Plan, 1);
  Rng r = rng_for (options->seed, 2, 0);

  plan->identities = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_identity_free);
  plan->encounters = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_encounter_free);
  plan->derogatory = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_derogatory_free);
  plan->events = g_array_new (FALSE, FALSE, sizeof (PlanEvent));

  for (guint i = 0; i < options->n_identities; i++)
    {
      /* About one identity in fifty is a second identity of someone
       * already enrolled: same fingers, another name. */
      guint64 owner = i;
      if (i > 10 && rng_chance (&r, 0.02))
        owner = rng_range (&r, i);
      plan_person (plan, options->seed, i, owner, owned);
    }
  if (options->import_dir != NULL && !plan_import (plan, options->seed, options->import_dir, owned, error))
    return NULL;

  for (guint i = 0; i < plan->encounters->len; i++)
    {
      PlanEncounter *e = plan->encounters->pdata[i];
      PlanEvent ev = { e->at, EVENT_ENCOUNTER, i };
      g_array_append_val (plan->events, ev);
    }
  for (guint i = 0; i < plan->derogatory->len; i++)
    {
      PlanDerogatory *d = plan->derogatory->pdata[i];
      PlanEvent ev = { d->at, EVENT_DEROGATORY, i };
      g_array_append_val (plan->events, ev);
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_releases); i++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_utc (demo_releases[i].year, demo_releases[i].month, demo_releases[i].day, 6, 0, 0);
      PlanEvent ev = { g_date_time_to_unix (dt), EVENT_RELEASE, i };
      g_array_append_val (plan->events, ev);
    }
  g_array_sort (plan->events, compare_events);
  return g_steal_pointer (&plan);
}

/* --------------------------------------------------------------- prints */

/* Makes a rendered print compact before PNG encoding, without changing what
 * an examiner or the matcher sees: the background away from any ridge
 * becomes flat white (the generator's paper noise is most of a PNG's size),
 * and grey levels are kept to 32 steps. ~110 kB → ~25 kB. */
static void
compact_print (RlImage *image)
{
  const int r = 6, background = 180;
  int w = image->width, h = image->height;
  g_autofree guint8 *rows = g_malloc ((gsize) w * h);
  g_autofree guint8 *dark = g_malloc ((gsize) w * h);

  /* Darkest value within r pixels: a separable minimum filter. */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int m = 255;
        for (int k = MAX (0, x - r); k <= MIN (w - 1, x + r); k++)
          m = MIN (m, image->pixels[y * w + k]);
        rows[y * w + x] = m;
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int m = 255;
        for (int k = MAX (0, y - r); k <= MIN (h - 1, y + r); k++)
          m = MIN (m, rows[k * w + x]);
        dark[y * w + x] = m;
      }
  for (int i = 0; i < w * h; i++)
    image->pixels[i] = dark[i] >= background ? 255 : MIN (255, (image->pixels[i] + 4) / 8 * 8);
}

/* THE image source for a sample: the synthetic generator, or a file. */
static RlImage *
sample_image (const PlanSample *s, RlSynthFinger **finger_cache, guint64 *cached_seed, GError **error)
{
  RlSynthImpression impression;
  RlImage *image;

  if (s->file != NULL)
    return rl_image_load (s->file, 0, error);

  if (*finger_cache == NULL || *cached_seed != s->master_seed)
    {
      g_clear_pointer (finger_cache, rl_synth_finger_free);
      *finger_cache = rl_synth_finger_new (s->master_seed, s->finger);
      *cached_seed = s->master_seed;
    }
  rl_synth_impression_random (s->impression_seed, &impression);
  if (s->poor)
    {
      impression.pressure = -0.85f;
      impression.noise = MAX (impression.noise, 0.7f);
      impression.partial = MAX (impression.partial, 0.4f);
      impression.distortion = MAX (impression.distortion, 0.6f);
    }
  if (!(image = rl_synth_render (*finger_cache, &impression, error)))
    return NULL;
  compact_print (image);
  return image;
}

typedef struct {
  PlanSample *sample;
  GBytes     *png;       /* result */
  GError     *error;
} RenderJob;

typedef struct {
  GPtrArray *jobs;       /* RenderJob*, grouped by master finger */
  gint       next;
  guint      total;
  gint       done;
} RenderQueue;

static gpointer
render_worker (gpointer data)
{
  RenderQueue *q = data;
  RlSynthFinger *finger = NULL;
  guint64 seed = 0;
  gint i;

  while ((i = g_atomic_int_add (&q->next, 1)) < (gint) q->jobs->len)
    {
      RenderJob *job = q->jobs->pdata[i];
      g_autoptr(RlImage) image = sample_image (job->sample, &finger, &seed, &job->error);

      if (image != NULL)
        {
          g_autoptr(GError) no_print = NULL;
          job->sample->width = image->width;
          job->sample->height = image->height;
          job->png = rl_image_encode (image, "png", &job->error);
          /* The template comes from the image as stored, so that what the
           * examiner sees and what the matcher compared are the same. A
           * print the extractor cannot use is kept without a template. */
          job->sample->tpl = rl_extract_template (image, &no_print);
          if (job->sample->tpl != NULL)
            {
              job->sample->tpl->finger = job->sample->finger;
              job->sample->tpl->impression = job->sample->impression;
              job->sample->template_bytes = rl_template_serialize (job->sample->tpl);
              /* Search with the template as stored (serialization rounds
               * coordinates), so that every stored score can be recomputed
               * from the stored templates. */
              g_clear_pointer (&job->sample->tpl, rl_template_free);
              job->sample->tpl = rl_template_deserialize (g_bytes_get_data (job->sample->template_bytes, NULL),
                                                          g_bytes_get_size (job->sample->template_bytes), NULL);
              if (job->sample->tpl == NULL)
                g_clear_pointer (&job->sample->template_bytes, g_bytes_unref);
            }
        }
      g_atomic_int_inc (&q->done);
    }
  g_clear_pointer (&finger, rl_synth_finger_free);
  return NULL;
}

static void
render_job_free (RenderJob *job)
{
  g_clear_pointer (&job->png, g_bytes_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static int
compare_jobs (gconstpointer a, gconstpointer b)
{
  const RenderJob *x = *(RenderJob * const *) a, *y = *(RenderJob * const *) b;
  /* Same master finger next to each other, so a worker renders it once. */
  if (x->sample->master_seed != y->sample->master_seed)
    return x->sample->master_seed < y->sample->master_seed ? -1 : 1;
  return 0;
}

/* Renders every sample's image in batches on worker threads and stores the
 * PNGs (content-addressed) as each batch completes. */
static gboolean
render_prints (RlStore *store, Plan *plan, const RlDemoOptions *options, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  guint n_threads = options->n_threads ? options->n_threads : MAX (1, g_get_num_processors ());
  const guint batch = 256;

  for (guint i = 0; i < plan->encounters->len; i++)
    {
      PlanEncounter *e = plan->encounters->pdata[i];
      for (guint k = 0; k < e->samples->len; k++)
        g_ptr_array_add (all, &g_array_index (e->samples, PlanSample, k));
    }
  /* Group by master finger (stable order: ties keep plan order). */
  {
    g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) render_job_free);
    for (guint i = 0; i < all->len; i++)
      {
        RenderJob *job = g_new0 (RenderJob, 1);
        job->sample = all->pdata[i];
        g_ptr_array_add (jobs, job);
      }
    g_ptr_array_sort (jobs, compare_jobs);

    for (guint start = 0, end; start < jobs->len; start = end)
      {
        RenderQueue q = { 0 };
        GPtrArray *threads = g_ptr_array_new ();
        end = MIN (start + batch, jobs->len);

        /* Do not split one master finger's impressions across batches
         * needlessly: extend the batch to the end of its group. */
        while (end < jobs->len && ((RenderJob *) jobs->pdata[end])->sample->master_seed ==
                                  ((RenderJob *) jobs->pdata[end - 1])->sample->master_seed)
          end++;
        q.jobs = g_ptr_array_new ();
        for (guint i = start; i < end; i++)
          g_ptr_array_add (q.jobs, jobs->pdata[i]);
        for (guint t = 0; t < n_threads; t++)
          g_ptr_array_add (threads, g_thread_new ("demo-render", render_worker, &q));
        for (guint t = 0; t < threads->len; t++)
          g_thread_join (threads->pdata[t]);
        g_ptr_array_unref (threads);

        for (guint i = 0; i < q.jobs->len; i++)
          {
            RenderJob *job = q.jobs->pdata[i];
            if (job->error != NULL)
              {
                g_propagate_prefixed_error (error, g_steal_pointer (&job->error), _("Cannot make the print for %s: "),
                                            job->sample->file ? job->sample->file : job->sample->ground_truth);
                g_ptr_array_unref (q.jobs);
                return FALSE;
              }
            job->sample->image_sha256 = rl_store_add_image (store, job->png, "png", job->sample->width,
                                                            job->sample->height, error);
            g_clear_pointer (&job->png, g_bytes_unref);
            if (job->sample->image_sha256 == NULL)
              {
                g_ptr_array_unref (q.jobs);
                return FALSE;
              }
          }
        if (options->progress)
          options->progress (_("Rendering prints"), end, jobs->len, options->progress_data);
        g_ptr_array_unref (q.jobs);
      }
  }
  return TRUE;
}

/* ---------------------------------------------------------------- write */

#define QUALITY_THRESHOLD 55   /* on the extractor's 0..100 scale (FVC sets average 66-78) */
#define MAX_CANDIDATES    10

typedef enum { WORK_CONCLUDE, WORK_VERIFY, WORK_DISPOSE, WORK_CLAIM } WorkKind;

/* Work people do on searches and hits after the matcher: kept in time
 * order and done when the replay reaches its time. */
typedef struct {
  gint64   at;
  guint    seq;
  WorkKind kind;
  gint64   id;          /* search, conclusion or hit */
  gint64   user;
  PlanSample *probe;
  PlanSample *candidate;
} Work;

typedef struct {
  RlStore   *store;
  Plan      *plan;
  const RlDemoOptions *options;
  gint64     agencies[N_AGENCIES];
  gint64     users[G_N_ELEMENTS (demo_users)];
  gint64     releases[G_N_ELEMENTS (demo_releases)];
  GArray    *examiners, *analysts, *supervisors;   /* of gint64 */
  GHashTable *samples;        /* db id → PlanSample* */
  GHashTable *first_of_truth; /* ground truth → first PlanSample* enrolled */
  GHashTable *derogatory;     /* identity db id → number of records so far */
  GArray    *work;            /* of Work, sorted */
  guint      work_seq;
  float      match_threshold, no_match_threshold;
  guint      n_searches;
  GPtrArray *partner_names;   /* const char*, and their keys (char*), for the keys file */
  GPtrArray *partner_keys;
} Writer;

static void
writer_clear (Writer *w)
{
  g_clear_pointer (&w->examiners, g_array_unref);
  g_clear_pointer (&w->analysts, g_array_unref);
  g_clear_pointer (&w->supervisors, g_array_unref);
  g_clear_pointer (&w->samples, g_hash_table_unref);
  g_clear_pointer (&w->first_of_truth, g_hash_table_unref);
  g_clear_pointer (&w->derogatory, g_hash_table_unref);
  g_clear_pointer (&w->work, g_array_unref);
  g_clear_pointer (&w->partner_names, g_ptr_array_unref);
  if (w->partner_keys)
    for (guint i = 0; i < w->partner_keys->len; i++)
      memset (w->partner_keys->pdata[i], 0, strlen (w->partner_keys->pdata[i]));
  g_clear_pointer (&w->partner_keys, g_ptr_array_unref);
}

static int
compare_work (gconstpointer a, gconstpointer b)
{
  const Work *x = a, *y = b;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
schedule (Writer *w, Work work)
{
  /* Work that would fall after "now" is still to do: it is left undone. */
  if (work.at >= DEMO_NOW)
    return;
  work.seq = w->work_seq++;
  g_array_append_val (w->work, work);
  g_array_sort (w->work, compare_work);
}

static gint64
pick (GArray *ids, Rng *r)
{
  return g_array_index (ids, gint64, rng_range (r, ids->len));
}

static gboolean
write_setup (Writer *w, GError **error)
{
  RlStore *store = w->store;
  g_autoptr(GDateTime) start = g_date_time_new_utc (DEMO_FIRST_YEAR - 1, 12, 1, 9, 0, 0);

  rl_store_set_time (store, g_date_time_to_unix (start));
  for (guint i = 0; i < N_AGENCIES; i++)
    if (!(w->agencies[i] = rl_store_add_agency (store, agencies[i].code, agencies[i].name, error)))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (demo_partners); i++)
    if (!rl_store_add_agency (store, demo_partners[i].agency_code, demo_partners[i].agency_name, error))
      return FALSE;
  /* The first data steward is added by the system; they add everyone else. */
  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    {
      if (!(w->users[i] = rl_store_add_user (store, demo_users[i].username, demo_users[i].display_name,
                                             demo_users[i].role, w->agencies[demo_users[i].agency], error)))
        return FALSE;
      if (i == 0 && !rl_store_set_actor (store, w->users[0], error))
        return FALSE;
      /* The demo's password is published, so its hash needs no strength:
       * 10,000 iterations keep the demo build quick (a data steward's
       * set-password uses RL_PASSWORD_ITERATIONS). */
      if (!rl_store_set_password_full (store, w->users[i], RL_DEMO_PASSWORD, 10000, error))
        return FALSE;
      if (demo_users[i].role == RL_ROLE_EXAMINER)
        g_array_append_val (w->examiners, w->users[i]);
      else if (demo_users[i].role == RL_ROLE_ANALYST)
        g_array_append_val (w->analysts, w->users[i]);
      else if (demo_users[i].role == RL_ROLE_SUPERVISOR)
        g_array_append_val (w->supervisors, w->users[i]);
    }
  /* Need to know: border analysts and all supervisors may read the police's
   * restricted records; the defence agency's stay with the defence agency. */
  if (!rl_store_grant_restricted_access (store, w->agencies[AG_POLICE], RL_ROLE_ANALYST, w->agencies[AG_BORDER], error) ||
      !rl_store_grant_restricted_access (store, w->agencies[AG_POLICE], RL_ROLE_SUPERVISOR, 0, error) ||
      !rl_store_grant_restricted_access (store, w->agencies[AG_BORDER], RL_ROLE_SUPERVISOR, 0, error))
    return FALSE;
  /* The data steward sets up the gateway's partners and their agreements. */
  for (guint i = 0; i < G_N_ELEMENTS (demo_partners); i++)
    {
      g_autoptr(RlAgency) agency = rl_store_get_agency_by_code (store, demo_partners[i].agency_code, error);
      char *key = NULL;
      guint32 categories = 0, fields = 0, purposes = 0;
      gint64 id;

      if (agency == NULL
          || !rl_sharing_parse_categories (demo_partners[i].categories, &categories, error)
          || !rl_sharing_parse_fields (demo_partners[i].fields, &fields, error)
          || !rl_sharing_parse_purposes (demo_partners[i].purposes, &purposes, error)
          || !(id = rl_store_add_partner (store, demo_partners[i].name, agency->id, NULL, &key, error))
          || !rl_store_set_partner_sharing (store, id, categories, fields, demo_partners[i].encounter_summary, error)
          || !rl_store_set_partner_purposes (store, id, purposes, error))
        {
          g_free (key);
          return FALSE;
        }
      g_ptr_array_add (w->partner_names, (gpointer) demo_partners[i].name);
      g_ptr_array_add (w->partner_keys, key);
    }
  return rl_store_set_actor (store, 0, error);
}

static const char *
identification_reasons (Rng *r)
{
  static const char * const reasons[] = {
    "Sufficient corresponding minutiae in agreement (14), ridge flow and core position consistent; no unexplained differences.",
    "Agreement in level 1 and level 2 detail across the whole print; 12 corresponding minutiae charted.",
    "Core-delta relationship and 16 minutiae correspond; differences explained by distortion and pressure.",
  };
  return reasons[rng_range (r, G_N_ELEMENTS (reasons))];
}

static const char *
exclusion_reasons (Rng *r)
{
  static const char * const reasons[] = {
    "Different pattern type: loop against whorl.",
    "Ridge counts between core and delta differ (11 against 16); several target minutiae absent.",
    "Minutiae in the probe's core area have no counterpart in the candidate; exclusion.",
  };
  return reasons[rng_range (r, G_N_ELEMENTS (reasons))];
}

static gboolean
do_work (Writer *w, const Work *work, GError **error)
{
  RlStore *store = w->store;
  Rng r = rng_for (w->options->seed, 4, work->seq);

  rl_store_set_time (store, work->at);
  if (!rl_store_set_actor (store, work->user, error))
    return FALSE;

  switch (work->kind)
    {
    case WORK_CLAIM:
      return rl_store_claim_search (store, work->id, error);

    case WORK_CONCLUDE:
      {
        g_autoptr(GPtrArray) candidates = NULL;
        gboolean identified = FALSE;

        if (!rl_store_claim_search (store, work->id, error) ||
            !rl_store_add_probe_analysis (store, work->id, work->probe->tpl != NULL,
                                          work->probe->tpl && work->probe->tpl->quality < 40 ?
                                          "Low contrast in the lower third; core visible." : "Clear ridge detail, core and one delta.",
                                          NULL, error) ||
            !(candidates = rl_store_list_candidates (store, work->id, error)))
          return FALSE;
        /* The examiner compares the best candidates in turn; the demo's
         * examiners are right (the ground truth decides). */
        for (guint i = 0; i < MIN (3u, candidates->len) && !identified; i++)
          {
            RlSearchCandidate *c = candidates->pdata[i];
            PlanSample *cs = g_hash_table_lookup (w->samples, &c->sample_id);
            gboolean mate = cs && g_strcmp0 (cs->ground_truth, work->probe->ground_truth) == 0;
            RlConclusion conclusion = { .candidate_id = c->id,
                                        .decision = mate ? RL_DECISION_IDENTIFICATION : RL_DECISION_EXCLUSION,
                                        .reasons = (char *) (mate ? identification_reasons (&r) : exclusion_reasons (&r)) };
            gint64 cid;

            rl_store_set_time (store, work->at + 600 * (i + 1));
            if (!rl_store_record_candidate_view (store, c->id, error) ||
                !(cid = rl_store_add_conclusion (store, &conclusion, error)))
              return FALSE;
            if (mate)
              {
                Work v = { .at = work->at + (gint64) (2 + rng_range (&r, 20)) * 3600, .kind = WORK_VERIFY, .id = cid };
                do
                  v.user = pick (w->examiners, &r);
                while (v.user == work->user);
                schedule (w, v);
                identified = TRUE;
              }
            else if (c->score >= w->match_threshold)
              {
                /* The matcher was sure and wrong: a confirmed false match. */
                RlCorrection corr = { .kind = RL_CORRECTION_FALSE_MATCH, .probe_sample_id = work->probe->db_id,
                                      .candidate_sample_id = c->sample_id, .search_id = work->id, .conclusion_id = cid,
                                      .score = c->score, .reason = (char *) conclusion.reasons };
                if (!rl_store_add_correction (store, &corr, error))
                  return FALSE;
              }
          }
        if (!identified)
          {
            /* Not on the list: an examiner who knows the person is enrolled
             * searches their prints by hand — a missed match. */
            PlanSample *mate = g_hash_table_lookup (w->first_of_truth, work->probe->ground_truth);
            if (mate != NULL && mate->db_id != 0 && mate != work->probe && mate->db_id < work->probe->db_id)
              {
                RlConclusion conclusion = { .search_id = work->id, .candidate_sample_id = mate->db_id,
                                            .decision = RL_DECISION_IDENTIFICATION,
                                            .reasons = (char *) "Identified against the subject's enrolled prints, searched by hand: "
                                                                "not on the candidate list." };
                RlCorrection corr = { .kind = RL_CORRECTION_MISSED_MATCH, .probe_sample_id = work->probe->db_id,
                                      .candidate_sample_id = mate->db_id, .search_id = work->id,
                                      .score = NAN, .reason = (char *) "Mate enrolled but missing from the candidate list." };
                gint64 cid;

                rl_store_set_time (store, work->at + 3600);
                if (!(cid = rl_store_add_conclusion (store, &conclusion, error)))
                  return FALSE;
                corr.conclusion_id = cid;
                if (!rl_store_add_correction (store, &corr, error))
                  return FALSE;
                {
                  Work v = { .at = work->at + (gint64) (2 + rng_range (&r, 20)) * 3600, .kind = WORK_VERIFY, .id = cid };
                  do
                    v.user = pick (w->examiners, &r);
                  while (v.user == work->user);
                  schedule (w, v);
                }
              }
            else if (!rl_store_set_search_status (store, work->id, RL_SEARCH_COMPLETED, error))
              return FALSE;
          }
        return TRUE;
      }

    case WORK_VERIFY:
      return rl_store_add_verification (store, work->id, TRUE, TRUE, RL_DECISION_IDENTIFICATION,
                                        "Blind verification: same conclusion reached independently.", error) != 0;

    case WORK_DISPOSE:
      {
        gboolean mate = work->candidate && g_strcmp0 (work->candidate->ground_truth, work->probe->ground_truth) == 0;
        double u = rng_uniform (&r);

        if (!mate)
          return rl_store_dispose_hit (store, work->id, RL_HIT_DISMISSED,
                                       "Examiner excluded the candidate: not the same person.", error) != 0;
        if (u < 0.25)
          return rl_store_dispose_hit (store, work->id, RL_HIT_ESCALATED,
                                       "Subject presented under a different name; supervisor to decide on referral.", error) != 0;
        return rl_store_dispose_hit (store, work->id, RL_HIT_CONFIRMED,
                                     "Identity confirmed by prints; record refers to this subject. Port notified.", error) != 0;
      }
    }
  return TRUE;
}

static gboolean
do_work_until (Writer *w, gint64 until, GError **error)
{
  while (w->work->len > 0 && g_array_index (w->work, Work, 0).at <= until)
    {
      Work work = g_array_index (w->work, Work, 0);
      g_array_remove_index (w->work, 0);
      if (!do_work (w, &work, error))
        return FALSE;
    }
  return rl_store_set_actor (w->store, 0, error);
}

/* The automated 1:N search of a new encounter's print, as production runs
 * it (rl-search.c): the active release's gallery search over every print
 * enrolled before, routing by its thresholds (grey zone and poor probes go
 * to examiners), a hit for a match with derogatory records, and
 * multiple-identity detection. Then the demo's people work on the result. */
static gboolean
search_encounter (Writer *w, PlanEncounter *e, PlanSample *probe, GError **error)
{
  RlStore *store = w->store;
  Rng r = rng_for (w->options->seed, 5, probe->db_id);
  RlSearchOutcome outcome;
  gint64 at = e->at + 300;

  rl_store_set_time (store, at);
  if (!rl_search_sample (store, probe->db_id, &outcome, error))
    return FALSE;
  w->n_searches++;

  if (outcome.hit_id != 0)
    {
      PlanSample *top = g_hash_table_lookup (w->samples, &outcome.best_sample_id);

      if (rng_chance (&r, 0.6))
        schedule (w, (Work) { .at = at + (gint64) (1 + rng_range (&r, 48)) * 3600, .kind = WORK_DISPOSE,
                              .id = outcome.hit_id, .user = pick (w->analysts, &r), .probe = probe, .candidate = top });
    }
  else if (outcome.status == RL_SEARCH_PENDING)
    {
      /* Most of the older queue has been worked; one search is open on an
       * examiner's screen; the rest waits. */
      double u = rng_uniform (&r);
      gint64 when = at + (gint64) (4 + rng_range (&r, 60)) * 3600;
      if (u < 0.55 && when < DEMO_NOW - 2 * DAY)
        schedule (w, (Work) { .at = when, .kind = WORK_CONCLUDE, .id = outcome.search_id,
                              .user = pick (w->examiners, &r), .probe = probe });
      else if (u < 0.65)
        schedule (w, (Work) { .at = when, .kind = WORK_CLAIM, .id = outcome.search_id,
                              .user = pick (w->examiners, &r) });
    }
  return TRUE;
}

static gboolean
write_event (Writer *w, const PlanEvent *ev, GError **error)
{
  RlStore *store = w->store;
  Plan *plan = w->plan;

  if (!do_work_until (w, ev->at, error))
    return FALSE;
  rl_store_set_time (store, ev->at);

  if (ev->kind == EVENT_RELEASE)
    {
      /* Shipped releases: no author in this workspace. Thresholds from the
       * matcher's own calibration (score for a target false-match rate). */
      g_autofree char *params = g_strdup_printf ("{\"shipped\": true, \"match_threshold\": %.2f, \"no_match_threshold\": %.2f, "
                                                 "\"match_fmr\": 1e-05, \"no_match_fmr\": 0.001, "
                                                 "\"quality_threshold\": %d, \"max_candidates\": %d, \"prefilter\": true}",
                                                 w->match_threshold, w->no_match_threshold, QUALITY_THRESHOLD, MAX_CANDIDATES);
      gint64 id = rl_store_add_release (store, demo_releases[ev->index].name, params, ev->index ? w->releases[ev->index - 1] : 0, error);
      if (id == 0 || !rl_store_activate_release (store, id, error))
        return FALSE;
      w->releases[ev->index] = id;
      return TRUE;
    }
  if (ev->kind == EVENT_DEROGATORY)
    {
      PlanDerogatory *d = plan->derogatory->pdata[ev->index];
      PlanIdentity *identity = plan->identities->pdata[d->identity];
      RlDerogatoryRecord rec = {
        .identity_id = identity->db_id, .category = d->category, .source_agency_id = w->agencies[d->agency],
        .restricted = d->restricted, .summary = d->summary, .recorded_on = d->recorded_on, .expires_on = d->expires_on,
      };
      gint64 *key = g_new (gint64, 1);
      *key = identity->db_id;
      g_hash_table_replace (w->derogatory, key,
                            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (w->derogatory, key)) + 1));
      return rl_store_add_derogatory_record (store, &rec, error) != 0;
    }

  {
    PlanEncounter *e = plan->encounters->pdata[ev->index];
    PlanIdentity *identity = plan->identities->pdata[e->identity];
    RlEncounter enc = {
      .agency_id = w->agencies[e->agency], .occurred_at = e->at, .purpose = e->purpose, .place = (char *) e->place,
      .case_reference = e->case_reference, .family_name = e->family_name, .given_names = e->given_names,
      .date_of_birth = e->date_of_birth, .nationality = e->nationality, .sex = (char *) e->sex,
    };
    gint64 encounter_id;
    PlanSample *probe = NULL;

    /* A person becomes an identity at their first encounter. */
    if (identity->db_id == 0 && !(identity->db_id = rl_store_add_identity (store, identity->reference, error)))
      return FALSE;
    enc.identity_id = identity->db_id;
    if (!(encounter_id = rl_store_add_encounter (store, &enc, error)))
      return FALSE;
    for (guint i = 0; i < e->samples->len; i++)
      {
        PlanSample *ps = &g_array_index (e->samples, PlanSample, i);
        g_autofree char *source = ps->file ? g_path_get_basename (ps->file) : g_strdup ("synthetic");
        RlSample s = {
          .encounter_id = encounter_id, .finger = ps->finger, .impression = ps->impression,
          .image_sha256 = ps->image_sha256, .ppi = 500, .quality = ps->tpl ? ps->tpl->quality : -1,
          .ground_truth = ps->ground_truth, .source = source,
        };
        if (!(ps->db_id = rl_store_add_sample (store, &s, ps->template_bytes, error)))
          return FALSE;
        ps->identity_db_id = identity->db_id;
        ps->encounter_db_id = encounter_id;
        g_hash_table_insert (w->samples, &ps->db_id, ps);
        if (probe == NULL && ps->tpl != NULL)
          probe = ps;
      }
    /* Encounters of the last fortnight are searched 1:N (the earlier ones
     * were too, long ago; their results are not kept in the demo). */
    if (probe != NULL && e->at >= DEMO_NOW - RECENT_DAYS * DAY && !search_encounter (w, e, probe, error))
      return FALSE;
    for (guint i = 0; i < e->samples->len; i++)
      {
        PlanSample *ps = &g_array_index (e->samples, PlanSample, i);
        if (ps->ground_truth && !g_hash_table_contains (w->first_of_truth, ps->ground_truth))
          g_hash_table_insert (w->first_of_truth, ps->ground_truth, ps);
      }
    return TRUE;
  }
}

gboolean
rl_demo_build (RlStore *store, const RlDemoOptions *options, GError **error)
{
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(Plan) plan = NULL;
  Writer w = { 0 };
  guint n;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  if ((n = rl_store_count_identities (store, error)) > 0 || (error && *error))
    {
      if (error && *error == NULL)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("The workspace “%s” already holds %u identities: a demo needs an empty one"),
                     rl_store_get_path (store), n);
      return FALSE;
    }
  if (!(plan = make_plan (options, owned, error)))
    return FALSE;
  if (options->without_prints)
    for (guint i = 0; i < plan->encounters->len; i++)
      {
        PlanEncounter *e = plan->encounters->pdata[i];
        for (guint k = 0; k < e->samples->len; k++)
          {
            PlanSample *s = &g_array_index (e->samples, PlanSample, k);
            g_free (s->file);
            g_free (s->ground_truth);
          }
        g_array_set_size (e->samples, 0);
      }

  w.store = store;
  w.plan = plan;
  w.options = options;
  w.examiners = g_array_new (FALSE, FALSE, sizeof (gint64));
  w.analysts = g_array_new (FALSE, FALSE, sizeof (gint64));
  w.supervisors = g_array_new (FALSE, FALSE, sizeof (gint64));
  rl_search_set_n_threads (store, options->n_threads);
  w.samples = g_hash_table_new (g_int64_hash, g_int64_equal);
  w.first_of_truth = g_hash_table_new (g_str_hash, g_str_equal);
  w.derogatory = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  w.work = g_array_new (FALSE, FALSE, sizeof (Work));
  w.partner_names = g_ptr_array_new ();
  w.partner_keys = g_ptr_array_new_with_free_func (g_free);
  w.match_threshold = rl_score_for_fmr (1e-5);
  w.no_match_threshold = rl_score_for_fmr (1e-3);

  if (!rl_store_begin (store, error))
    {
      writer_clear (&w);
      return FALSE;
    }
  if (!write_setup (&w, error) || !render_prints (store, plan, options, error))
    goto fail;
  for (guint i = 0; i < plan->events->len; i++)
    {
      if (!write_event (&w, &g_array_index (plan->events, PlanEvent, i), error))
        goto fail;
      if (options->progress && (i % 500 == 499 || i + 1 == plan->events->len))
        options->progress (_("Writing the history"), i + 1, plan->events->len, options->progress_data);
    }
  if (!do_work_until (&w, DEMO_NOW, error))
    goto fail;
  rl_store_set_time (store, DEMO_NOW);
  if (!rl_store_commit (store, error))
    {
      writer_clear (&w);
      return FALSE;
    }
  rl_store_set_time (store, 0);
  if (!write_partner_keys (rl_store_get_path (store), w.partner_names, w.partner_keys, error))
    {
      writer_clear (&w);
      return FALSE;
    }
  writer_clear (&w);
  return TRUE;
fail:
  writer_clear (&w);
  rl_store_rollback (store);
  rl_store_set_actor (store, 0, NULL);
  rl_store_set_time (store, 0);
  return FALSE;
}
