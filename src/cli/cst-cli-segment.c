/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli-segment"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cst-cli.h"
#include "models/cst-explain.h"
#include "io/cst-csv-chunks.h"
#include "io/cst-csv.h"
#include "models/cst-auto-k.h"
#include "numeric/cst-kmeans.h"
#include "numeric/cst-matrix.h"

/* `constellate-cli segment`: k-means on the numeric columns of one CSV file. The table is read
 * in one streaming pass into a single row-major array of doubles, grown geometrically, so a
 * million rows cost one allocation pattern and no per-field memory beyond the reader's. */

typedef struct
{
  char     *input;
  char     *columns;
  char     *k;
  char     *k_min;
  char     *k_max;
  char     *seed;
  char     *max_iter;
  char     *tol;
  char     *n_init;
  char     *assignments;
  gboolean  json;
  gboolean  standardize;
  gboolean  float32;
  gboolean  minibatch;
} SegmentArgs;

typedef struct
{
  double    *data;        /* rows × width, row-major; width shrinks to the kept columns at the end */
  gsize      rows;
  gsize      capacity;    /* rows that fit in data */
  gsize      width;       /* values stored per row */
  guint     *fields;      /* width: the CSV field each stored column comes from */
  GPtrArray *names;       /* width: column names (owned) */
} Table;

/* How an automatically chosen column fared: numeric until a value proves otherwise. */
typedef struct
{
  gboolean numeric;
  gboolean seen_value;
  guint64  first_empty_line;  /* 0 when no field was empty */
} ColumnState;

static void
table_clear (Table *table)
{
  g_clear_pointer (&table->data, g_free);
  g_clear_pointer (&table->fields, g_free);
  g_clear_pointer (&table->names, g_ptr_array_unref);
}

static gboolean
parse_unsigned (const char  *option,
                const char  *text,
                guint64      min,
                guint64      max,
                guint64     *out,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid value for %s: %s"), option, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Exact powers of ten: every one up to 10^22 is representable in a double. */
static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Clinger's fast path for plain decimals such as "-12.375": when the digits, read as an integer
 * m, satisfy m ≤ 2^53 and there are at most 22 decimals, m and 10^decimals are both exact
 * doubles and one IEEE division rounds correctly, so the result is bit for bit what strtod()
 * gives, at a fraction of its cost (glibc's strtod was half of the reading time). Returns NULL
 * for anything else (exponents, hexadecimal, inf, nan, too many digits), which goes to
 * g_ascii_strtod(). */
static inline const char *
parse_decimal_fast (const char *p,
                    double     *value)
{
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  guint digits = 0;
  guint decimals = 0;
  double v;

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';

  for (; g_ascii_isdigit (*p); p++, digits++)
    {
      if (mantissa > (G_MAXUINT64 - 9) / 10)
        return NULL;
      mantissa = mantissa * 10 + (guint64) (*p - '0');
    }

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, digits++, decimals++)
        {
          if (mantissa > (G_MAXUINT64 - 9) / 10)
            return NULL;
          mantissa = mantissa * 10 + (guint64) (*p - '0');
        }
    }

  if (digits == 0 || mantissa > (G_GUINT64_CONSTANT (1) << 53) ||
      decimals >= G_N_ELEMENTS (powers_of_ten) || *p == 'e' || *p == 'E')
    return NULL;

  v = (double) mantissa;
  if (decimals > 0)
    v /= powers_of_ten[decimals];
  *value = negative ? -v : v;

  return p;
}

static inline const char *
skip_blanks (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* Parses a whole field as a finite number, allowing surrounding blanks. Returns FALSE for text
 * that is not a number; sets *empty for a field holding nothing but blanks. */
static inline gboolean
parse_number (const char *text,
              double     *value,
              gboolean   *empty)
{
  const char *p = skip_blanks (text);
  const char *end;
  char *strtod_end;

  *empty = *p == '\0';
  if (*empty)
    return FALSE;

  end = parse_decimal_fast (p, value);
  if (end != NULL && *skip_blanks (end) == '\0')
    return TRUE;

  *value = g_ascii_strtod (p, &strtod_end);
  if (strtod_end == p)
    return FALSE;

  return *skip_blanks (strtod_end) == '\0' && isfinite (*value);
}

static gboolean
select_columns (CstCsvReader  *reader,
                const char    *display,
                const char    *columns,
                Table         *table,
                GError       **error)
{
  guint n_fields = cst_csv_reader_get_n_fields (reader);
  g_auto(GStrv) wanted = NULL;

  table->names = g_ptr_array_new_with_free_func (g_free);

  if (columns == NULL)
    {
      /* Every column is a candidate; the ones that turn out not to be numeric are dropped. */
      table->width = n_fields;
      table->fields = g_new (guint, n_fields);
      for (guint f = 0; f < n_fields; f++)
        {
          table->fields[f] = f;
          g_ptr_array_add (table->names, g_strdup (cst_csv_reader_get_field (reader, f)));
        }
      return TRUE;
    }

  wanted = g_strsplit (columns, ",", -1);
  table->width = g_strv_length (wanted);
  table->fields = g_new (guint, MAX (table->width, 1));

  if (table->width == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--columns needs at least one column name"));
      return FALSE;
    }

  for (guint c = 0; wanted[c] != NULL; c++)
    {
      const char *name = g_strstrip (wanted[c]);
      guint found = G_MAXUINT;

      for (guint f = 0; f < n_fields; f++)
        {
          if (!g_str_equal (cst_csv_reader_get_field (reader, f), name))
            continue;
          if (found != G_MAXUINT)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("%s: the header has more than one column named “%s” (columns %u "
                             "and %u)"), display, name, found + 1, f + 1);
              return FALSE;
            }
          found = f;
        }

      if (found == G_MAXUINT)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("%s: no column named “%s” in the header"), display, name);
          return FALSE;
        }

      for (guint d = 0; d < c; d++)
        if (table->fields[d] == found)
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("Column “%s” is listed twice in --columns"), name);
            return FALSE;
          }

      table->fields[c] = found;
      g_ptr_array_add (table->names, g_strdup (name));
    }

  return TRUE;
}

/* Keeps only the columns in @keep, moving values down in place: the destination of every value
 * is at or before its source, so a forward pass never overwrites what it still has to read. */
static void
compact_columns (Table          *table,
                 const gboolean *keep)
{
  g_autofree guint *kept = g_new (guint, MAX (table->width, 1));
  gsize n_kept = 0;

  for (gsize c = 0; c < table->width; c++)
    if (keep[c])
      kept[n_kept++] = c;

  if (n_kept == table->width)
    return;

  for (gsize i = 0; i < table->rows; i++)
    for (gsize c = 0; c < n_kept; c++)
      table->data[i * n_kept + c] = table->data[i * table->width + kept[c]];

  for (gsize c = 0; c < n_kept; c++)
    table->fields[c] = table->fields[kept[c]];

  for (gsize c = table->width; c > 0; c--)
    if (!keep[c - 1])
      g_ptr_array_remove_index (table->names, c - 1);

  table->width = n_kept;
}

/* The rows of one reader: a whole file, or one piece of it read on its own core. */
typedef struct
{
  CstCsvReader      *reader;
  const Table       *layout;     /* width, fields and names, as the header chose them */
  const char        *display;
  gboolean           automatic;
  double            *data;       /* rows × width */
  gsize              rows;
  gsize              capacity;
  ColumnState       *states;     /* width */
  GError            *error;      /* the first problem, which ends the piece */
} Part;

static void
part_clear (Part *part)
{
  g_clear_pointer (&part->reader, cst_csv_reader_free);
  g_clear_pointer (&part->data, g_free);
  g_clear_pointer (&part->states, g_free);
  g_clear_error (&part->error);
}

static gpointer
read_part (gpointer data)
{
  Part *part = data;
  const Table *table = part->layout;
  gsize width = MAX (table->width, 1);

  part->capacity = 1024;
  part->data = g_new (double, part->capacity * width);

  while (cst_csv_reader_next (part->reader, &part->error))
    {
      double *row;

      if (part->rows == part->capacity)
        {
          part->capacity *= 2;
          part->data = g_renew (double, part->data, part->capacity * width);
        }
      row = part->data + part->rows * table->width;

      for (gsize c = 0; c < table->width; c++)
        {
          const char *text;
          gboolean empty;

          if (part->automatic && !part->states[c].numeric)
            {
              row[c] = 0.0;
              continue;
            }

          text = cst_csv_reader_get_field (part->reader, table->fields[c]);
          if (G_LIKELY (parse_number (text, &row[c], &empty)))
            {
              part->states[c].seen_value = TRUE;
              continue;
            }

          if (!part->automatic)
            {
              if (empty)
                g_set_error (&part->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("%s, line %lu, column %u (“%s”): the value is "
                               "empty; segmenting needs a number in every row"),
                             part->display, (gulong) cst_csv_reader_get_line (part->reader),
                             table->fields[c] + 1, (const char *) g_ptr_array_index (table->names, c));
              else
                g_set_error (&part->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("%s, line %lu, column %u (“%s”): “%s” is not "
                               "a number"),
                             part->display, (gulong) cst_csv_reader_get_line (part->reader),
                             table->fields[c] + 1, (const char *) g_ptr_array_index (table->names, c), text);
              return NULL;
            }

          /* An empty field does not make a column non-numeric, but it cannot be segmented:
           * remember where it was in case the column is kept. */
          if (empty)
            {
              if (part->states[c].first_empty_line == 0)
                part->states[c].first_empty_line = cst_csv_reader_get_line (part->reader);
              row[c] = 0.0;
            }
          else
            part->states[c].numeric = FALSE;
        }

      part->rows++;
    }
  return NULL;
}

/* Files of at least this size are read on every core, in pieces (see cst_csv_split()). */
#define PARALLEL_MIN_SIZE (8 << 20)

static gboolean
read_table (const char  *path,
            const char  *columns,
            Table       *table,
            GError     **error)
{
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GArray) chunks = NULL;
  g_autoptr(GError) split_error = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autofree ColumnState *states = NULL;
  g_autofree gboolean *keep = NULL;
  g_autofree Part *parts = NULL;
  guint n_parts;
  gboolean automatic = columns == NULL;
  GError *local_error = NULL;

  /* Pieces when the file allows it; the first reads the header like a whole-file reader. */
  chunks = cst_csv_split (path, g_get_num_processors (), PARALLEL_MIN_SIZE, &split_error);
  if (chunks != NULL)
    reader = cst_csv_reader_new_for_chunk (&g_array_index (chunks, CstCsvChunk, 0), path, ',');
  else
    reader = cst_csv_reader_new (path, ',', error);
  if (reader == NULL)
    return FALSE;

  if (!cst_csv_reader_next (reader, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is empty"), display);
      return FALSE;
    }

  if (!select_columns (reader, display, columns, table, error))
    return FALSE;

  n_parts = chunks != NULL ? chunks->len : 1;
  parts = g_new0 (Part, n_parts);
  for (guint i = 0; i < n_parts; i++)
    {
      parts[i].reader = i == 0 ? g_steal_pointer (&reader)
                               : cst_csv_reader_new_for_chunk (&g_array_index (chunks, CstCsvChunk, i), path, ',');
      parts[i].layout = table;
      parts[i].display = display;
      parts[i].automatic = automatic;
      parts[i].states = g_new (ColumnState, MAX (table->width, 1));
      for (gsize c = 0; c < table->width; c++)
        parts[i].states[c] = (ColumnState) { TRUE, FALSE, 0 };
    }

  {
    g_autofree GThread **threads = g_new0 (GThread *, n_parts);

    for (guint i = 1; i < n_parts; i++)
      threads[i] = g_thread_new ("cst-csv-piece", read_part, &parts[i]);
    read_part (&parts[0]);
    for (guint i = 1; i < n_parts; i++)
      g_thread_join (threads[i]);
  }

  /* The pieces in file order: the first problem in the file wins, values follow each other. */
  states = g_new (ColumnState, MAX (table->width, 1));
  for (gsize c = 0; c < table->width; c++)
    states[c] = (ColumnState) { TRUE, FALSE, 0 };
  for (guint i = 0; i < n_parts && local_error == NULL; i++)
    {
      if (parts[i].error != NULL)
        local_error = g_steal_pointer (&parts[i].error);
      for (gsize c = 0; c < table->width; c++)
        {
          states[c].numeric &= parts[i].states[c].numeric;
          states[c].seen_value |= parts[i].states[c].seen_value;
          if (states[c].first_empty_line == 0)
            states[c].first_empty_line = parts[i].states[c].first_empty_line;
        }
      table->rows += parts[i].rows;
    }
  if (local_error == NULL)
    {
      gsize at = 0;

      if (n_parts == 1)
        {
          table->data = g_steal_pointer (&parts[0].data);
          table->capacity = parts[0].capacity;
        }
      else
        {
          table->capacity = MAX (table->rows, 1);
          table->data = g_new (double, table->capacity * MAX (table->width, 1));
          for (guint i = 0; i < n_parts; i++)
            {
              memcpy (table->data + at * table->width, parts[i].data, sizeof (double) * parts[i].rows * table->width);
              at += parts[i].rows;
            }
        }
    }
  for (guint i = 0; i < n_parts; i++)
    part_clear (&parts[i]);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (table->rows == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s has a header but no data rows"), display);
      return FALSE;
    }

  if (!automatic)
    return TRUE;

  keep = g_new (gboolean, MAX (table->width, 1));
  for (gsize c = 0; c < table->width; c++)
    {
      keep[c] = states[c].numeric && states[c].seen_value;

      if (keep[c] && states[c].first_empty_line != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s, line %lu, column %u (“%s”): the value is empty; "
                         "segmenting needs a number in every row (choose other columns with "
                         "--columns)"),
                       display, (gulong) states[c].first_empty_line, table->fields[c] + 1,
                       (const char *) g_ptr_array_index (table->names, c));
          return FALSE;
        }
    }

  compact_columns (table, keep);

  if (table->width == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s has no column where every value is a number"), display);
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_assignments (const char             *path,
                   const CstKmeansResult  *result,
                   GError                **error)
{
  g_autoptr(GString) text = g_string_sized_new (16 + result->rows * 12);

  g_string_append (text, "row,segment\n");
  for (gsize i = 0; i < result->rows; i++)
    g_string_append_printf (text, "%zu,%u\n", i + 1, result->labels[i] + 1);

  return g_file_set_contents (path, text->str, text->len, error);
}

static void
print_json (const SegmentArgs      *args,
            const Table            *table,
            const CstKmeansOptions *options,
            const CstKmeansResult  *result,
            const CstAutoKResult   *auto_k,
            const CstExplanation   *explanation,
            double                  seconds_read,
            double                  seconds_fit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64) table->rows);
  json_builder_set_member_name (builder, "columns");
  json_builder_add_int_value (builder, (gint64) table->width);

  json_builder_set_member_name (builder, "column_names");
  json_builder_begin_array (builder);
  for (guint c = 0; c < table->names->len; c++)
    json_builder_add_string_value (builder, g_ptr_array_index (table->names, c));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "standardized");
  json_builder_add_boolean_value (builder, args->standardize);
  json_builder_set_member_name (builder, "k");
  json_builder_add_int_value (builder, result->k);
  json_builder_set_member_name (builder, "iterations");
  json_builder_add_int_value (builder, result->iterations);
  json_builder_set_member_name (builder, "inertia");
  json_builder_add_double_value (builder, result->inertia);
  json_builder_set_member_name (builder, "n_init");
  json_builder_add_int_value (builder, options->n_init);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, options->seed);

  json_builder_set_member_name (builder, "sizes");
  json_builder_begin_array (builder);
  for (guint c = 0; c < result->k; c++)
    json_builder_add_int_value (builder, (gint64) result->sizes[c]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "float32");
  json_builder_add_boolean_value (builder, options->use_float32);
  json_builder_set_member_name (builder, "algorithm");
  json_builder_add_string_value (builder, options->algorithm == CST_KMEANS_MINIBATCH
                                          ? "minibatch" : "lloyd");

  /* The choice of k: with --k auto the whole table and the reason, otherwise the given k. */
  json_builder_set_member_name (builder, "k_auto");
  json_builder_add_boolean_value (builder, auto_k != NULL);
  json_builder_set_member_name (builder, "chosen_k");
  json_builder_add_int_value (builder, result->k);
  json_builder_set_member_name (builder, "reason");
  if (auto_k != NULL)
    json_builder_add_string_value (builder, auto_k->reason);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "k_table");
  json_builder_begin_array (builder);
  for (guint c = 0; auto_k != NULL && c < auto_k->n_choices; c++)
    {
      const CstKChoice *choice = &auto_k->choices[c];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "k");
      json_builder_add_int_value (builder, choice->k);
      cst_cli_json_add_double (builder, "silhouette", choice->silhouette);
      cst_cli_json_add_double (builder, "calinski_harabasz", choice->calinski_harabasz);
      cst_cli_json_add_double (builder, "davies_bouldin", choice->davies_bouldin);
      cst_cli_json_add_double (builder, "stability", choice->stability);
      cst_cli_json_add_double (builder, "agreement", choice->agreement);
      cst_cli_json_add_double (builder, "smallest_share", choice->smallest_share);
      json_builder_set_member_name (builder, "actionable");
      json_builder_add_boolean_value (builder, choice->actionable);
      cst_cli_json_add_double (builder, "inertia", choice->inertia);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (guint c = 0; c < result->k; c++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) result->sizes[c]);
      if (explanation != NULL)
        {
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, explanation->segments[c].name);
          json_builder_set_member_name (builder, "facts");
          json_builder_begin_array (builder);
          for (guint j = 0; j < 3; j++)
            if (explanation->segments[c].facts[j] != NULL)
              json_builder_add_string_value (builder, explanation->segments[c].facts[j]);
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "seconds_read");
  json_builder_add_double_value (builder, seconds_read);
  json_builder_set_member_name (builder, "seconds_fit");
  json_builder_add_double_value (builder, seconds_fit);

  json_builder_end_object (builder);

  cst_cli_print_json (builder);
}

static void
print_summary (const SegmentArgs      *args,
               const Table            *table,
               const CstKmeansOptions *options,
               const CstKmeansResult  *result,
               const CstAutoKResult   *auto_k,
               const CstExplanation   *explanation,
               double                  seconds_read,
               double                  seconds_fit)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint c = 0; c < table->names->len; c++)
    g_string_append_printf (names, "%s%s", c > 0 ? ", " : "",
                            (const char *) g_ptr_array_index (table->names, c));

  printf (_("%zu rows, %zu columns%s: %s\n"),
          table->rows, table->width, args->standardize ? _(" (standardized)") : "", names->str);
  if (auto_k != NULL)
    {
      printf ("%s\n", auto_k->reason);
      printf (_("   k  silhouette  stability  smallest  Calinski–Harabasz  Davies–Bouldin\n"));
      for (guint c = 0; c < auto_k->n_choices; c++)
        {
          const CstKChoice *choice = &auto_k->choices[c];

          printf ("%c%3u  %10.3f  %9.3f  %7.1f%%  %17.1f  %14.3f\n",
                  choice->k == auto_k->recommended ? '*' : ' ', choice->k, choice->silhouette,
                  choice->stability, 100.0 * choice->smallest_share, choice->calinski_harabasz,
                  choice->davies_bouldin);
        }
    }
  printf (_("%u segments, inertia %g after %u iterations (best of %u, seed %u)\n"),
          result->k, result->inertia, result->iterations, options->n_init, options->seed);
  for (guint c = 0; c < result->k; c++)
    {
      printf (_("  segment %u: %zu rows (%.1f%%)\n"),
              c + 1, result->sizes[c], 100.0 * result->sizes[c] / result->rows);
      if (explanation != NULL)
        {
          printf ("    %s\n", explanation->segments[c].name);
          for (guint j = 0; j < 3; j++)
            if (explanation->segments[c].facts[j] != NULL)
              printf ("    • %s\n", explanation->segments[c].facts[j]);
        }
    }
  printf (_("Read in %.2f s, segmented in %.2f s\n"), seconds_read, seconds_fit);
  if (args->assignments != NULL)
    printf (_("Assignments written to %s\n"), args->assignments);
}

/**
 * cst_cli_segment:
 * @argc: number of arguments
 * @argv: arguments, argv[0] being "constellate-cli segment"
 *
 * `constellate-cli segment --input FILE.csv [--columns a,b,…] [--k N|auto] [--k-min N]
 * [--k-max N] [--seed S] [--max-iter N] [--tol T] [--n-init N] [--float32] [--minibatch]
 * [--standardize] [--assignments OUT.csv] [--json]`.
 * Without --columns every column whose values all parse as numbers is used. With --k auto the
 * number of segments is chosen between --k-min and --k-max (default 2 and 12) by
 * cst_auto_k_choose(), and the JSON adds the table of candidates and the reason.
 *
 * Returns: the exit status: 0 on success, 1 on any error (reported on stderr)
 */
int
cst_cli_segment (int    argc,
                 char **argv)
{
  SegmentArgs args = { 0 };
  const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &args.input,
      N_("CSV file to segment (comma-separated, header on the first line)"), N_("FILE") },
    { "columns", 'c', 0, G_OPTION_ARG_STRING, &args.columns,
      N_("Comma-separated columns to use (default: every numeric column)"), N_("A,B,…") },
    { "k", 'k', 0, G_OPTION_ARG_STRING, &args.k,
      N_("Number of segments, or “auto” to choose it (default 4)"), N_("N|auto") },
    { "k-min", 0, 0, G_OPTION_ARG_STRING, &args.k_min,
      N_("With --k auto: the fewest segments to consider (default 2)"), N_("N") },
    { "k-max", 0, 0, G_OPTION_ARG_STRING, &args.k_max,
      N_("With --k auto: the most segments to consider (default 12)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &args.seed,
      N_("Random seed; the same seed gives the same segments (default 42)"), N_("S") },
    { "max-iter", 0, 0, G_OPTION_ARG_STRING, &args.max_iter,
      N_("Iterations per initialization (default 300)"), N_("N") },
    { "tol", 0, 0, G_OPTION_ARG_STRING, &args.tol,
      N_("Stop when the relative change of inertia is below T (default 1e-6)"), N_("T") },
    { "n-init", 0, 0, G_OPTION_ARG_STRING, &args.n_init,
      N_("Initializations, the best is kept (default 4)"), N_("N") },
    { "float32", 0, 0, G_OPTION_ARG_NONE, &args.float32,
      N_("Above 64 features, compute distances in single precision (faster; results differ in "
         "the last digits)"),
      NULL },
    { "minibatch", 0, 0, G_OPTION_ARG_NONE, &args.minibatch,
      N_("Use mini-batch k-means (for very large files; with --k auto it is used above "
         "50,000 rows anyway)"), NULL },
    { "standardize", 0, 0, G_OPTION_ARG_NONE, &args.standardize,
      N_("Scale every column to mean 0 and standard deviation 1 first"), NULL },
    { "assignments", 'o', 0, G_OPTION_ARG_FILENAME, &args.assignments,
      N_("Write the segment of every row (row,segment; both from 1) to OUT.csv"), N_("OUT.csv") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args.json,
      N_("Print one JSON object with the results and timings"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(CstAutoKResult) auto_k = NULL;
  g_autoptr(CstExplanation) explanation = NULL;
  g_autofree double *raw = NULL;
  CstKmeansOptions options;
  CstAutoKOptions auto_options;
  gboolean automatic;
  Table table = { 0 };
  guint64 value;
  gint64 start;
  double seconds_read, seconds_fit;
  int status = 1;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Segment the rows of a CSV file with k-means on its numeric "
                                  "columns."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  cst_kmeans_options_init (&options);
  cst_auto_k_options_init (&auto_options);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto out;

  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unexpected argument “%s” (the file goes after --input)"), argv[1]);
      goto out;
    }

  if (args.input == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--input FILE.csv is required"));
      goto out;
    }

  automatic = g_strcmp0 (args.k, "auto") == 0;
  if (!automatic && !parse_unsigned ("--k", args.k, 1, G_MAXINT, &value, &error))
    goto out;
  if (!automatic && args.k != NULL)
    options.k = value;
  if ((args.k_min != NULL || args.k_max != NULL) && !automatic)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--k-min and --k-max need --k auto"));
      goto out;
    }
  if (!parse_unsigned ("--k-min", args.k_min, 2, G_MAXINT, &value, &error))
    goto out;
  if (args.k_min != NULL)
    auto_options.k_min = value;
  if (!parse_unsigned ("--k-max", args.k_max, 2, G_MAXINT, &value, &error))
    goto out;
  if (args.k_max != NULL)
    auto_options.k_max = value;
  if (auto_options.k_max < auto_options.k_min)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--k-max (%u) must not be below --k-min (%u)"),
                   auto_options.k_max, auto_options.k_min);
      goto out;
    }
  if (!parse_unsigned ("--seed", args.seed, 0, G_MAXUINT32, &value, &error))
    goto out;
  if (args.seed != NULL)
    options.seed = auto_options.seed = value;
  if (!parse_unsigned ("--max-iter", args.max_iter, 1, G_MAXINT, &value, &error))
    goto out;
  if (args.max_iter != NULL)
    options.max_iter = value;
  if (!parse_unsigned ("--n-init", args.n_init, 1, 1000, &value, &error))
    goto out;
  if (args.n_init != NULL)
    options.n_init = auto_options.n_init = value;
  options.use_float32 = auto_options.use_float32 = args.float32;
  if (args.minibatch)
    {
      options.algorithm = CST_KMEANS_MINIBATCH;
      auto_options.minibatch_above = 0;
    }
  if (args.tol != NULL)
    {
      double tol;
      gboolean empty;

      if (!parse_number (args.tol, &tol, &empty) || tol < 0.0)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Invalid value for --tol: “%s” is not a number ≥ 0"), args.tol);
          goto out;
        }
      options.tol = tol;
    }

  start = g_get_monotonic_time ();
  if (!read_table (args.input, args.columns, &table, &error))
    goto out;
  seconds_read = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  if (!automatic && options.k > table.rows)
    {
      g_autofree char *display = g_filename_display_name (args.input);

      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--k %u asks for more segments than %s has rows (%zu)"),
                   options.k, display, table.rows);
      goto out;
    }

  /* The explanation compares means in the columns' own units, so keep them before scaling. */
  raw = g_memdup2 (table.data, sizeof (double) * table.rows * table.width);

  start = g_get_monotonic_time ();
  if (args.standardize)
    {
      g_autofree double *means = g_new (double, table.width);
      g_autofree double *sds = g_new (double, table.width);

      cst_matrix_column_stats (table.data, table.rows, table.width, means, sds);
      cst_matrix_standardize (table.data, table.rows, table.width, means, sds);
    }
  if (automatic)
    {
      auto_k = cst_auto_k_choose (table.data, table.rows, table.width, &auto_options, NULL, NULL,
                                  NULL, &error);
      if (auto_k == NULL)
        goto out;
      result = g_steal_pointer (&auto_k->fit);
      /* The options now describe the final segments: Lloyd's, even when the candidates were
       * fitted by mini-batch (cst_auto_k_choose() refines the chosen one). */
      options.k = result->k;
      options.algorithm = CST_KMEANS_LLOYD;
    }
  else
    {
      result = cst_kmeans_fit (table.data, table.rows, table.width, &options, NULL, NULL, NULL,
                               &error);
      if (result == NULL)
        goto out;
    }
  seconds_fit = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  /* Names and facts of the segments, from their differences in standard deviations. */
  {
    g_autofree double *standardized = g_memdup2 (raw, sizeof (double) * table.rows * table.width);
    g_autofree double *means = g_new (double, table.width);
    g_autofree double *sds = g_new (double, table.width);

    cst_matrix_column_stats (standardized, table.rows, table.width, means, sds);
    cst_matrix_standardize (standardized, table.rows, table.width, means, sds);
    g_ptr_array_add (table.names, NULL);
    explanation = cst_explain_segments (raw, standardized, table.rows, table.width,
                                        (const char * const *) table.names->pdata, result->labels, result->k);
    g_ptr_array_remove_index (table.names, table.names->len - 1);
  }

  if (args.assignments != NULL && !write_assignments (args.assignments, result, &error))
    goto out;

  if (args.json)
    print_json (&args, &table, &options, result, auto_k, explanation, seconds_read, seconds_fit);
  else
    print_summary (&args, &table, &options, result, auto_k, explanation, seconds_read, seconds_fit);

  status = 0;

out:
  if (error != NULL)
    status = cst_cli_fail (error);

  table_clear (&table);
  g_free (args.input);
  g_free (args.columns);
  g_free (args.k);
  g_free (args.k_min);
  g_free (args.k_max);
  g_free (args.seed);
  g_free (args.max_iter);
  g_free (args.tol);
  g_free (args.n_init);
  g_free (args.assignments);

  return status;
}
