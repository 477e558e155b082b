/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-job"

#include "config.h"

#include "cst-job.h"

/* A long operation's progress, written from its worker thread and read on the thread that
 * made the job. Updates are coalesced: however often the worker reports, the owning main
 * context is woken at most once per pending update, at low priority, so that drawing and
 * input always come first. */
struct _CstJob
{
  GObject       parent_instance;

  char         *title;
  GCancellable *cancellable;
  GMainContext *context;

  GMutex        mutex;
  double        fraction;
  char         *message;
  guint         notify_pending : 1;

  double        shown_fraction;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_FRACTION,
  PROP_MESSAGE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CstJob, cst_job, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static gboolean
notify_idle_cb (gpointer data)
{
  CstJob *self = data;
  gboolean fraction_changed;

  g_mutex_lock (&self->mutex);
  self->notify_pending = FALSE;
  fraction_changed = self->fraction != self->shown_fraction;
  self->shown_fraction = self->fraction;
  g_mutex_unlock (&self->mutex);

  if (fraction_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  return G_SOURCE_REMOVE;
}

static void
cst_job_finalize (GObject *object)
{
  CstJob *self = (CstJob *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->message, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (cst_job_parent_class)->finalize (object);
}

static void
cst_job_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  CstJob *self = CST_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, cst_job_get_fraction (self));
      break;
    case PROP_MESSAGE:
      g_value_take_string (value, cst_job_dup_message (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_job_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  CstJob *self = CST_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_job_class_init (CstJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cst_job_finalize;
  object_class->get_property = cst_job_get_property;
  object_class->set_property = cst_job_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cst_job_init (CstJob *self)
{
  g_mutex_init (&self->mutex);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

/**
 * cst_job_new:
 * @title: what the job does, for people ("Segmenting customers")
 *
 * Creates a job whose notifications are delivered on the calling thread's main context.
 */
CstJob *
cst_job_new (const char *title)
{
  return g_object_new (CST_TYPE_JOB, "title", title, NULL);
}

const char *
cst_job_get_title (CstJob *self)
{
  g_return_val_if_fail (CST_IS_JOB (self), NULL);

  return self->title;
}

double
cst_job_get_fraction (CstJob *self)
{
  double fraction;

  g_return_val_if_fail (CST_IS_JOB (self), 0.0);

  g_mutex_lock (&self->mutex);
  fraction = self->fraction;
  g_mutex_unlock (&self->mutex);
  return fraction;
}

char *
cst_job_dup_message (CstJob *self)
{
  char *message;

  g_return_val_if_fail (CST_IS_JOB (self), NULL);

  g_mutex_lock (&self->mutex);
  message = g_strdup (self->message);
  g_mutex_unlock (&self->mutex);
  return message;
}

GCancellable *
cst_job_get_cancellable (CstJob *self)
{
  g_return_val_if_fail (CST_IS_JOB (self), NULL);

  return self->cancellable;
}

void
cst_job_cancel (CstJob *self)
{
  g_return_if_fail (CST_IS_JOB (self));

  g_cancellable_cancel (self->cancellable);
}

/**
 * cst_job_update:
 * @fraction: 0.0 to 1.0; progress never goes backwards
 * @message: (nullable): the current step; %NULL keeps the previous one
 *
 * Thread-safe.
 */
void
cst_job_update (CstJob     *self,
                double      fraction,
                const char *message)
{
  gboolean schedule;

  g_return_if_fail (CST_IS_JOB (self));

  g_mutex_lock (&self->mutex);
  self->fraction = MAX (self->fraction, CLAMP (fraction, 0.0, 1.0));
  if (message != NULL && g_strcmp0 (message, self->message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
    }
  schedule = !self->notify_pending;
  self->notify_pending = TRUE;
  g_mutex_unlock (&self->mutex);

  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_LOW);
      g_source_set_callback (source, notify_idle_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[cst] job progress");
      g_source_attach (source, self->context);
    }
}

/* A #CstProgressFunc that forwards to cst_job_update(); pass the job as user data. */
void
cst_job_progress (double      fraction,
                  const char *message,
                  gpointer    job)
{
  cst_job_update (CST_JOB (job), fraction, message);
}
