/* rl-court-chart.h — a comparison chart for court: both prints side by side
 * with numbered correspondences and the case details, as PDF or PNG.
 *
 * Drawn with Cairo alone (no GTK), so the command line renders the same
 * chart as the workstation.
 */
#pragma once

#include <glib.h>

#include "rl-compare.h"
#include "rl-types.h"

G_BEGIN_DECLS

typedef struct {
  const RlImage       *probe_image;
  const RlImage       *candidate_image;
  const RlTemplate    *probe_template;      /* minutiae the pairs index into */
  const RlTemplate    *candidate_template;
  const RlMinutiaPair *pairs;               /* strongest first */
  guint                n_pairs;             /* all of them are numbered 1..n_pairs */

  const char          *title;               /* NULL: "Fingerprint comparison chart" */
  const char          *case_number;
  const char          *probe_caption;       /* "Probe — left index, AG1 2024-03-02" */
  const char          *candidate_caption;
  const char          *examiner;
  const char          *conclusion;          /* NULL: "No conclusion recorded" */
  const char          *release;             /* the matcher release that proposed the candidate */
  const char          *date;                /* NULL: today, UTC */
  float                score;
  double               false_match_rate;    /* < 0: not shown */
} RlCourtChart;

typedef enum {
  RL_COURT_CHART_PDF,
  RL_COURT_CHART_PNG,
} RlCourtChartFormat;

/* Chooses the format from the file name: “.pdf” or “.png”. */
gboolean rl_court_chart_format_from_path (const char *path, RlCourtChartFormat *out_format, GError **error);

/* Writes the chart to path (A4 landscape; PNG at 150 dpi). The file appears
 * whole or not at all: it is written beside the target and renamed. */
gboolean rl_court_chart_write (const RlCourtChart *chart, const char *path, GError **error);

G_END_DECLS
