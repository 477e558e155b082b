/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-sample"

#include "config.h"

#include "cst-sample.h"
#include "cst-csv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/* The generator draws every random number from one GRand seeded with the options' seed, in
 * one thread and in a fixed order, and formats numbers from integers (money in cents, dates
 * from day offsets), so the same options give byte-identical files on every run. The shape of
 * the data (group shares, order counts, noise rates) is stated next to each parameter below;
 * tests/core/test-sample.c checks it from the written files. */

/* Orders span two years ending on (and including) the end date. */
#define WINDOW_DAYS 730

/* Shares of people. Prospects are a share of the CRM contacts; shop-only people and people
 * with a different address in the shop are shares of the CRM contacts who bought. */
#define PROSPECT_SHARE    0.08
#define SHOP_ONLY_SHARE   0.015
#define OTHER_EMAIL_SHARE 0.02

/* How often a CRM field is empty. Street and postcode go missing together. */
#define MISSING_PHONE   0.15
#define MISSING_BIRTH   0.30
#define MISSING_ADDRESS 0.05
#define MISSING_EMAIL   0.03

/* Identity noise in the shop's email column, per order row. */
#define NOISE_CASE       0.20
#define NOISE_SPACE      0.03
#define NOISE_GMAIL_DOTS 0.15

#define N_CAMPAIGNS 24

/* How many rows or people between two looks at the cancellable and two progress reports. */
#define CHECK_INTERVAL 2048

typedef enum
{
  GROUP_LOYAL,
  GROUP_BARGAIN,
  GROUP_LAPSED,
  GROUP_NEW,
  GROUP_PROSPECT,
  N_GROUPS
} Group;

#define N_BUYER_GROUPS GROUP_PROSPECT

enum { N_CATEGORIES = 8 };
enum { N_CHANNELS = 3 };
enum { CHANNEL_WEB, CHANNEL_APP, CHANNEL_STORE };

static const char *const categories[N_CATEGORIES] = {
  "Fashion", "Shoes", "Beauty", "Home", "Electronics", "Sports", "Books", "Toys",
};

/* A typical item price per category, used to turn a basket value into a number of items. */
static const double category_item_price[N_CATEGORIES] = {
  35.0, 75.0, 18.0, 40.0, 110.0, 45.0, 14.0, 25.0,
};

static const char *const channels[N_CHANNELS] = { "web", "app", "store" };

typedef struct
{
  const char *name;
  double      share;           /* of buyers; for prospects, of contacts */
  double      consent;         /* probability of newsletter consent */
  double      open_rate;       /* share of sent emails opened */
  double      click_rate;      /* share of sent emails clicked (each click is also an open) */
  double      basket_mean;     /* gross basket value before discount, in currency */
  double      basket_sd;
  double      discount_share;  /* share of orders with a discount */
  double      evening_share;   /* share of orders placed between 18:00 and midnight */
  double      age_mean;        /* years, at the end date */
  double      age_sd;
  double      category_weights[N_CATEGORIES];
  double      channel_weights[N_CHANNELS];
} GroupSpec;

static const GroupSpec group_specs[N_GROUPS] = {
  [GROUP_LOYAL] = {
    CST_SAMPLE_GROUP_LOYAL, 0.20, 0.80, 0.60, 0.20, 120.0, 40.0, 0.10, 0.30, 49.0, 11.0,
    { 20, 10, 8, 18, 20, 12, 6, 6 }, { 50, 30, 20 },
  },
  [GROUP_BARGAIN] = {
    CST_SAMPLE_GROUP_BARGAIN, 0.30, 0.75, 0.35, 0.10, 35.0, 12.0, 0.70, 0.60, 34.0, 9.0,
    { 30, 18, 20, 8, 4, 8, 4, 8 }, { 35, 50, 15 },
  },
  [GROUP_LAPSED] = {
    CST_SAMPLE_GROUP_LAPSED, 0.30, 0.50, 0.10, 0.02, 50.0, 20.0, 0.30, 0.35, 42.0, 14.0,
    { 16, 10, 10, 14, 14, 12, 12, 12 }, { 60, 10, 30 },
  },
  [GROUP_NEW] = {
    CST_SAMPLE_GROUP_NEW, 0.20, 0.70, 0.50, 0.15, 60.0, 25.0, 0.40, 0.40, 31.0, 9.0,
    { 22, 12, 14, 12, 12, 10, 8, 10 }, { 50, 40, 10 },
  },
  [GROUP_PROSPECT] = {
    CST_SAMPLE_GROUP_PROSPECT, PROSPECT_SHARE, 0.60, 0.25, 0.04, 0.0, 0.0, 0.0, 0.0, 38.0, 13.0,
    { 0 }, { 0 },
  },
};

/* Names by origin, roughly as common among customers of a German online retailer. */

static const char *const de_first[] = {
  "Anna", "Lena", "Laura", "Julia", "Sarah", "Lisa", "Katharina", "Sophie", "Marie", "Hannah",
  "Lea", "Johanna", "Sabine", "Petra", "Claudia", "Monika", "Ursula", "Jana", "Nina",
  "Franziska", "Jürgen", "Günter", "Michael", "Thomas", "Andreas", "Stefan", "Markus",
  "Christian", "Alexander", "Daniel", "Tobias", "Jan", "Lukas", "Felix", "Maximilian", "Jonas",
  "Florian", "Sebastian", "Matthias", "Björn", "Jörg", "Uwe", "Frank", "Wolfgang", "Klaus",
  "Bärbel", "Sören", "Maik", "Dirk", "Heike", "Anja", "Tanja", "Silke", "Kerstin", "Mia",
  "Emma", "Leonie", "Paul", "Ben", "Niklas", "Tim", "Moritz", "Till", "Annika", "Svenja",
  "Carina", "Miriam", "Helga", "Gisela", "Dörte",
};
static const char *const de_last[] = {
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
  "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
  "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
  "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
  "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang",
  "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller",
  "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke",
  "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin",
  "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel",
  "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn",
  "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Voigt", "Sauer", "Arnold", "Wolff",
  "Pfeiffer", "von Berg", "Meyer-Landrut",
};
static const char *const en_first[] = {
  "James", "Oliver", "Harry", "George", "Jack", "William", "Emily", "Olivia", "Amelia",
  "Jessica", "Charlotte", "Grace", "Chloe", "Ethan", "Liam", "Noah", "Megan", "Rachel",
  "Samuel", "Zoë", "Siobhan", "Connor",
};
static const char *const en_last[] = {
  "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
  "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
  "Jackson", "Clarke", "O'Brien", "O'Connor", "Murphy", "Kelly", "Hughes",
};
static const char *const fr_first[] = {
  "Camille", "Léa", "Chloé", "Manon", "Inès", "Élodie", "Hélène", "Margaux", "Juliette",
  "Amélie", "Lucas", "Hugo", "Louis", "Théo", "Mathis", "Nicolas", "Julien", "François",
  "Jérôme", "Antoine", "Clément", "Benoît", "Céline", "Noémie",
};
static const char *const fr_last[] = {
  "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Laurent",
  "Lefèvre", "Michel", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Girard", "Bonnet",
  "Dupont", "Lambert", "Fontaine", "Rousseau", "Mercier", "Blanc", "Guérin", "Faure",
};
static const char *const es_first[] = {
  "José", "María", "Juan", "Carmen", "Lucía", "Sofía", "Pablo", "Alejandro", "Javier", "Elena",
  "Isabel", "Andrés", "Raúl", "Sergio", "Marta", "Paula", "Álvaro", "Diego", "Nuria", "Jesús",
  "Ángel",
};
static const char *const es_last[] = {
  "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
  "Gómez", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero",
  "Navarro", "Torres", "Domínguez", "García López", "Núñez", "Ortega",
};
static const char *const tr_first[] = {
  "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat", "Emre", "Burak",
  "Can", "Elif", "Ayşe", "Fatma", "Zeynep", "Emine", "Hatice", "Merve", "Büşra", "Özge",
  "Selin", "Deniz", "Cem", "Gökhan", "Yusuf",
};
static const char *const tr_last[] = {
  "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
  "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
  "Şimşek", "Polat", "Erdoğan", "Güneş", "Aksoy",
};
static const char *const pl_first[] = {
  "Łukasz", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Kamil",
  "Mateusz", "Agnieszka", "Katarzyna", "Małgorzata", "Joanna", "Magdalena", "Ewa",
  "Aleksandra", "Natalia", "Zofia", "Wojciech", "Grzegorz",
};
static const char *const pl_last[] = {
  "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
  "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
  "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król",
  "Wieczorek", "Jabłoński", "Kowalska",
};
static const char *const it_first[] = {
  "Giulia", "Francesca", "Chiara", "Alessandro", "Lorenzo", "Matteo", "Marco", "Luca",
  "Giuseppe", "Giovanni", "Federica", "Valentina", "Niccolò",
};
static const char *const it_last[] = {
  "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
  "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Costa",
};

typedef struct
{
  const char *const *first;
  guint              n_first;
  const char *const *last;
  guint              n_last;
} NameOrigin;

#define ORIGIN(f, l) { f, G_N_ELEMENTS (f), l, G_N_ELEMENTS (l) }

static const NameOrigin name_origins[] = {
  ORIGIN (de_first, de_last), ORIGIN (tr_first, tr_last), ORIGIN (pl_first, pl_last),
  ORIGIN (en_first, en_last), ORIGIN (fr_first, fr_last), ORIGIN (es_first, es_last),
  ORIGIN (it_first, it_last),
};
static const double name_origin_weights[G_N_ELEMENTS (name_origins)] = {
  58, 9, 8, 7, 6, 6, 6,
};

static const char *const streets[] = {
  "Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Dorfstraße", "Bergstraße",
  "Birkenweg", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße",
  "Goethestraße", "Mühlenweg", "Wiesenweg", "Friedrichstraße", "Mozartstraße", "Rosenweg",
  "Am Markt", "Kirchgasse", "Lindenallee", "Feldstraße", "Parkstraße", "Blumenstraße",
  "Tulpenweg", "Eichendorffstraße", "Beethovenstraße", "Jahnstraße", "Poststraße",
  "Kastanienallee", "Am Sportplatz", "Uhlandstraße", "Talstraße", "Sonnenstraße",
  "Industriestraße", "Rathausplatz", "Rheinstraße", "Grüner Weg", "Heinrich-Heine-Straße",
  "Karl-Marx-Straße",
};

/* Extra address lines that contain a comma, so the files exercise RFC 4180 quoting. */
static const char *const street_suffixes[] = {
  "Hinterhaus", "2. OG", "Apt. 4", "c/o Weber", "Seiteneingang",
};

typedef struct
{
  const char *country;
  const char *city;
  int         postcode_low;  /* inclusive range of postcodes in that city */
  int         postcode_high;
  double      weight;
} City;

/* Postcode ranges follow the real regions (German 5-digit, Austrian and Swiss 4-digit codes), so
 * a city and its postcode agree; inside the range the code is uniform. */
static const City cities[] = {
  { "DE", "Berlin", 10115, 14199, 12.0 },
  { "DE", "Hamburg", 20095, 22769, 6.5 },
  { "DE", "München", 80331, 81929, 5.5 },
  { "DE", "Köln", 50667, 51149, 4.0 },
  { "DE", "Frankfurt am Main", 60306, 60599, 3.0 },
  { "DE", "Stuttgart", 70173, 70629, 2.5 },
  { "DE", "Düsseldorf", 40210, 40629, 2.5 },
  { "DE", "Leipzig", 4103, 4357, 2.5 },
  { "DE", "Dortmund", 44135, 44388, 2.3 },
  { "DE", "Essen", 45127, 45359, 2.3 },
  { "DE", "Bremen", 28195, 28779, 2.2 },
  { "DE", "Dresden", 1067, 1328, 2.2 },
  { "DE", "Hannover", 30159, 30669, 2.1 },
  { "DE", "Nürnberg", 90402, 90491, 2.0 },
  { "DE", "Duisburg", 47051, 47279, 1.9 },
  { "DE", "Bochum", 44787, 44894, 1.4 },
  { "DE", "Bonn", 53111, 53229, 1.3 },
  { "DE", "Münster", 48143, 48167, 1.2 },
  { "DE", "Karlsruhe", 76131, 76229, 1.2 },
  { "DE", "Mannheim", 68159, 68309, 1.2 },
  { "DE", "Augsburg", 86150, 86199, 1.1 },
  { "DE", "Wiesbaden", 65183, 65207, 1.1 },
  { "DE", "Freiburg im Breisgau", 79098, 79117, 1.0 },
  { "DE", "Kiel", 24103, 24159, 1.0 },
  { "DE", "Rostock", 18055, 18147, 0.8 },
  { "DE", "Erfurt", 99084, 99198, 0.8 },
  { "DE", "Mainz", 55116, 55131, 0.9 },
  { "DE", "Saarbrücken", 66111, 66133, 0.7 },
  { "DE", "Regensburg", 93047, 93059, 0.6 },
  { "DE", "Würzburg", 97070, 97084, 0.6 },
  { "DE", "Heidelberg", 69115, 69126, 0.6 },
  { "DE", "Potsdam", 14467, 14482, 0.7 },
  { "DE", "Göttingen", 37073, 37085, 0.5 },
  { "DE", "Lübeck", 23552, 23570, 0.8 },
  { "AT", "Wien", 1010, 1230, 3.6 },
  { "AT", "Graz", 8010, 8063, 0.9 },
  { "AT", "Linz", 4020, 4040, 0.7 },
  { "AT", "Salzburg", 5020, 5026, 0.5 },
  { "AT", "Innsbruck", 6020, 6080, 0.4 },
  { "CH", "Zürich", 8001, 8064, 1.6 },
  { "CH", "Basel", 4051, 4059, 0.7 },
  { "CH", "Bern", 3005, 3027, 0.6 },
  { "CH", "Luzern", 6003, 6015, 0.4 },
  { "CH", "St. Gallen", 9000, 9016, 0.3 },
};

typedef struct
{
  const char *domain;
  double      weight;
} Provider;

static const Provider providers_de[] = {
  { "gmail.com", 26 }, { "web.de", 18 }, { "gmx.de", 16 }, { "t-online.de", 10 },
  { "outlook.com", 8 }, { "yahoo.com", 4 }, { "yahoo.de", 2 }, { "hotmail.com", 3 },
  { "hotmail.de", 2 }, { "icloud.com", 5 }, { "posteo.de", 2 }, { "kessler-bau.de", 1 },
  { "nordlicht-medien.de", 1 }, { "brandt-consulting.de", 1 }, { "hansen-logistik.de", 1 },
};
static const Provider providers_at[] = {
  { "gmx.at", 25 }, { "gmail.com", 25 }, { "aon.at", 15 }, { "chello.at", 10 },
  { "outlook.com", 10 }, { "yahoo.com", 5 }, { "icloud.com", 5 }, { "alpenblick-reisen.at", 5 },
};
static const Provider providers_ch[] = {
  { "bluewin.ch", 30 }, { "gmail.com", 25 }, { "gmx.ch", 15 }, { "outlook.com", 10 },
  { "sunrise.ch", 10 }, { "icloud.com", 5 }, { "seeland-treuhand.ch", 5 },
};

/* Employers' domains for the people who shop with a work address. */
static const char *const work_domains[] = {
  "kessler-bau.de", "nordlicht-medien.de", "brandt-consulting.de", "hansen-logistik.de",
  "rheinwerk-it.de", "sonnenberg-kliniken.de", "elbe-software.de", "mainfeld-versicherung.de",
};

/* Themes of the monthly newsletter, by calendar month. */
static const char *const campaign_themes[12] = {
  "Winter sale, up to 50% off", "Valentine's Day", "Spring sale", "Easter specials",
  "Mother's Day", "Summer kick-off", "Summer sale", "Back to school", "Autumn collection",
  "Halloween", "Black Friday", "Christmas gifts",
};

typedef struct
{
  guint       id;             /* truth person id, 1-based, stable for a seed */
  Group       group;
  gboolean    in_crm;
  const char *first_name;
  const char *last_name;
  const char *email;          /* the person's own address, lower case */
  const char *crm_email;      /* as typed into the CRM; NULL when the field is empty */
  const char *shop_email;     /* the address they give the shop, before per-order noise */
  const char *phone;          /* NULL when empty */
  const char *street;         /* NULL when empty, and then so is the postcode */
  const char *postcode;
  const char *city;
  const char *country;
  int         birth_offset;   /* days before the end date */
  gboolean    birth_known;
  int         signup_offset;  /* days before the end date */
  gboolean    consent;
  double      open_p;         /* probability of opening an email */
  double      click_p;        /* probability of a click, given an open */
  double      basket_level;   /* the person's typical gross basket */
  double      discount_p;
  double      weekend_p;      /* bargain hunters only */
  guint       favourite_category;
  guint       favourite_channel;
} Person;

typedef struct
{
  guint  person;         /* index into the people array */
  guint  seq;            /* generation order: the last tie-break, which makes sorting total */
  int    day_offset;     /* days before the end date */
  int    seconds;        /* time of day */
  int    gross_cents;
  int    discount_cents;
  int    items;
  guint8 category;
  guint8 channel;
} Order;

typedef struct
{
  char   *name;
  int     day_offset;
  int     seconds;
  double  appeal;         /* multiplies the open rate of everyone who gets it */
} Campaign;

typedef struct
{
  GRand          *rand;
  GDateTime      *end;            /* midnight UTC at the start of the end date */
  int             end_weekday;    /* 1 = Monday … 7 = Sunday */
  GStringChunk   *strings;
  GHashTable     *used_emails;    /* canonical address → itself */
  Person         *people;
  guint           n_contacts;     /* people in the CRM: the first n_contacts entries */
  guint           n_people;       /* plus the shop-only people */
  guint          *crm_rows;       /* people indices in CRM row order */
  GArray         *orders;
  Campaign        campaigns[N_CAMPAIGNS];
  GString        *files[4];
  GCancellable   *cancellable;
  CstProgressFunc progress;
  gpointer        progress_data;
} Generator;

enum { FILE_CONTACTS, FILE_ORDERS, FILE_ENGAGEMENT, FILE_TRUTH, N_FILES };

static const char *const file_names[N_FILES] = {
  CST_SAMPLE_CONTACTS_FILE, CST_SAMPLE_ORDERS_FILE, CST_SAMPLE_ENGAGEMENT_FILE,
  CST_SAMPLE_TRUTH_FILE,
};

static void
generator_clear (Generator *gen)
{
  g_clear_pointer (&gen->rand, g_rand_free);
  g_clear_pointer (&gen->end, g_date_time_unref);
  g_clear_pointer (&gen->strings, g_string_chunk_free);
  g_clear_pointer (&gen->used_emails, g_hash_table_unref);
  g_clear_pointer (&gen->people, g_free);
  g_clear_pointer (&gen->crm_rows, g_free);
  g_clear_pointer (&gen->orders, g_array_unref);
  for (guint i = 0; i < N_CAMPAIGNS; i++)
    g_clear_pointer (&gen->campaigns[i].name, g_free);
  for (guint i = 0; i < N_FILES; i++)
    if (gen->files[i] != NULL)
      g_string_free (g_steal_pointer (&gen->files[i]), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Generator, generator_clear)

/* Random draws. All of them go through the generator's GRand. */

static double
draw_uniform (GRand  *rand,
              double  low,
              double  high)
{
  return low + (high - low) * g_rand_double (rand);
}

/* An integer in [low, high], both inclusive. */
static int
draw_int (GRand *rand,
          int    low,
          int    high)
{
  g_assert (low <= high);
  return g_rand_int_range (rand, low, high + 1);
}

static gboolean
draw_bool (GRand  *rand,
           double  p)
{
  return g_rand_double (rand) < p;
}

static double
draw_normal (GRand  *rand,
             double  mean,
             double  sd)
{
  /* Box–Muller with one of the pair discarded, so a draw always consumes exactly two
   * uniforms and no state hides outside the GRand. 1 − u keeps the logarithm finite. */
  double u1 = 1.0 - g_rand_double (rand);
  double u2 = g_rand_double (rand);

  return mean + sd * sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* A lognormal value with the given mean and standard deviation (not those of its logarithm). */
static double
draw_lognormal (GRand  *rand,
                double  mean,
                double  sd)
{
  double sigma2 = log1p ((sd * sd) / (mean * mean));

  return exp (draw_normal (rand, log (mean) - sigma2 / 2.0, sqrt (sigma2)));
}

static double
draw_exponential (GRand  *rand,
                  double  mean)
{
  return -mean * log (1.0 - g_rand_double (rand));
}

/* Poisson by inversion (sequential search of the CDF); exact and fast for the small means used
 * here, which stay far below the point (λ ≈ 700) where exp (−λ) underflows. */
static guint
draw_poisson (GRand  *rand,
              double  lambda)
{
  double u = g_rand_double (rand);
  double p = exp (-lambda);
  double cdf = p;
  guint k = 0;

  while (u > cdf && k < 10000)
    {
      k++;
      p *= lambda / k;
      cdf += p;
    }
  return k;
}

static guint
draw_weighted (GRand        *rand,
               const double *weights,
               gsize         stride,
               guint         n)
{
  double total = 0.0;
  double u;

  for (guint i = 0; i < n; i++)
    total += *(const double *) ((const char *) weights + i * stride);
  u = g_rand_double (rand) * total;
  for (guint i = 0; i < n; i++)
    {
      double w = *(const double *) ((const char *) weights + i * stride);

      if (u < w)
        return i;
      u -= w;
    }
  return n - 1;
}

#define DRAW_WEIGHTED(rand, array, field) \
  draw_weighted ((rand), &(array)[0].field, sizeof ((array)[0]), G_N_ELEMENTS (array))

static const char *
draw_string (GRand             *rand,
             const char *const *strings,
             guint              n)
{
  return strings[g_rand_int_range (rand, 0, n)];
}

static void
shuffle (GRand *rand,
         guint *values,
         guint  n)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      guint tmp = values[i - 1];

      values[i - 1] = values[j];
      values[j] = tmp;
    }
}

/* Fills @groups with exact quotas of the buyer groups (rounded shares, the remainder going to
 * the last group), shuffled, so that small samples still hit the target shares. */
static void
fill_buyer_groups (GRand *rand,
                   guint *groups,
                   guint  n)
{
  guint pos = 0;

  for (guint g = 0; g < N_BUYER_GROUPS; g++)
    {
      guint count = g + 1 < N_BUYER_GROUPS ? (guint) round (group_specs[g].share * n) : n - pos;

      count = MIN (count, n - pos);
      for (guint i = 0; i < count; i++)
        groups[pos++] = g;
    }
  g_assert (pos == n);
  shuffle (rand, groups, n);
}

/* Dates. Everything is a number of days before the end date until it is written. */

static int
weekday_of (Generator *gen,
            int        day_offset)
{
  return 1 + (((gen->end_weekday - 1 - day_offset) % 7) + 7) % 7;
}

static void
append_date (Generator *gen,
             GString   *out,
             int        day_offset)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (gen->end, -day_offset);
  int year, month, day_of_month;

  g_date_time_get_ymd (day, &year, &month, &day_of_month);
  g_string_append_printf (out, "%04d-%02d-%02d", year, month, day_of_month);
}

static void
append_timestamp (Generator *gen,
                  GString   *out,
                  int        day_offset,
                  int        seconds)
{
  append_date (gen, out, day_offset);
  g_string_append_printf (out, " %02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

/* CSV output (RFC 4180 with LF line ends). Fields with a comma, quote or line break are
 * quoted, and so are fields with leading or trailing spaces, so that a reader which trims
 * unquoted fields still sees the spaces a shop customer typed. */

static void
append_cents (GString *out,
              int      cents)
{
  g_assert (cents >= 0);
  g_string_append_printf (out, "%d.%02d", cents / 100, cents % 100);
}

static void
append_truth (Generator    *gen,
              guint         file,
              guint         row,
              const Person *person)
{
  GString *out = gen->files[FILE_TRUTH];

  g_string_append_printf (out, "%s,%u,%u,%s\n",
                          file_names[file], row, person->id, group_specs[person->group].name);
}

/* Emails. */

/* Appends the ASCII spelling people use for their name in an address: umlauts become two
 * letters (Müller → mueller), other accents are dropped, spaces and punctuation vanish. */
static void
append_ascii_name (GString    *out,
                   const char *name)
{
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_unichar_tolower (g_utf8_get_char (p));
      const char *ascii = NULL;

      if (c < 0x80)
        {
          if (g_ascii_isalnum (c))
            g_string_append_c (out, (char) c);
          continue;
        }
      switch (c)
        {
        case 0x00E4: ascii = "ae"; break;  /* ä */
        case 0x00F6: ascii = "oe"; break;  /* ö */
        case 0x00FC: ascii = "ue"; break;  /* ü */
        case 0x00DF: ascii = "ss"; break;  /* ß */
        case 0x0153: ascii = "oe"; break;  /* œ */
        case 0x00E0: case 0x00E1: case 0x00E2: case 0x0105: ascii = "a"; break;
        case 0x00E7: case 0x0107: ascii = "c"; break;
        case 0x00E8: case 0x00E9: case 0x00EA: case 0x00EB: case 0x0119: ascii = "e"; break;
        case 0x00EC: case 0x00ED: case 0x00EE: case 0x00EF: case 0x0131: ascii = "i"; break;
        case 0x0142: ascii = "l"; break;
        case 0x00F1: case 0x0144: ascii = "n"; break;
        case 0x00F2: case 0x00F3: case 0x00F4: ascii = "o"; break;
        case 0x015B: case 0x015F: ascii = "s"; break;
        case 0x00F9: case 0x00FA: case 0x00FB: ascii = "u"; break;
        case 0x011F: ascii = "g"; break;
        case 0x017A: case 0x017C: ascii = "z"; break;
        default: break;  /* İ lowers to an ASCII i; anything unknown is dropped */
        }
      if (ascii != NULL)
        g_string_append (out, ascii);
    }
}

static gboolean
is_gmail (const char *email)
{
  const char *at = strrchr (email, '@');

  return at != NULL &&
         (g_ascii_strcasecmp (at + 1, "gmail.com") == 0 ||
          g_ascii_strcasecmp (at + 1, "googlemail.com") == 0);
}

/* The form under which two addresses reach the same mailbox: lower case, and for Gmail
 * without the dots of the local part. Generated addresses are unique in this form. */
static char *
canonical_email (const char *email)
{
  g_autofree char *lower = g_ascii_strdown (email, -1);
  GString *out;
  const char *at;

  if (!is_gmail (lower))
    return g_steal_pointer (&lower);
  out = g_string_new (NULL);
  at = strrchr (lower, '@');
  for (const char *p = lower; p < at; p++)
    if (*p != '.')
      g_string_append_c (out, *p);
  g_string_append (out, at);
  return g_string_free (out, FALSE);
}

/* Builds a realistic, unused address for a name at @domain and records it as used. */
static const char *
make_email (Generator  *gen,
            const char *first_name,
            const char *last_name,
            int         birth_year,
            const char *domain)
{
  static const double pattern_weights[] = { 40, 8, 12, 8, 14, 5, 5, 5, 3 };
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) last = g_string_new (NULL);
  g_autoptr(GString) local = g_string_new (NULL);
  guint pattern;
  int digits = birth_year % 100;

  append_ascii_name (first, first_name);
  append_ascii_name (last, last_name);
  if (draw_bool (gen->rand, 0.4))
    digits = draw_int (gen->rand, 1, 99);

  pattern = draw_weighted (gen->rand, pattern_weights, sizeof (double),
                           G_N_ELEMENTS (pattern_weights));
  switch (pattern)
    {
    case 0: g_string_printf (local, "%s.%s", first->str, last->str); break;
    case 1: g_string_printf (local, "%s%s", first->str, last->str); break;
    case 2: g_string_printf (local, "%c%s", first->str[0], last->str); break;
    case 3: g_string_printf (local, "%s.%s%02d", first->str, last->str, digits); break;
    case 4: g_string_printf (local, "%s%s%02d", first->str, last->str, digits); break;
    case 5: g_string_printf (local, "%s_%s", first->str, last->str); break;
    case 6: g_string_printf (local, "%s.%s", last->str, first->str); break;
    case 7: g_string_printf (local, "%c.%s", first->str[0], last->str); break;
    default: g_string_printf (local, "%s%02d", first->str, digits); break;
    }

  /* Popular names collide; people then add numbers until the provider accepts. */
  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *email = NULL;
      g_autofree char *canonical = NULL;

      if (attempt == 0)
        email = g_strdup_printf ("%s@%s", local->str, domain);
      else if (attempt < 8)
        email = g_strdup_printf ("%s%d@%s", local->str, draw_int (gen->rand, 1, 999), domain);
      else
        email = g_strdup_printf ("%s%u@%s", local->str, 1000 + attempt, domain);

      canonical = canonical_email (email);
      if (!g_hash_table_contains (gen->used_emails, canonical))
        {
          g_hash_table_add (gen->used_emails, g_steal_pointer (&canonical));
          return g_string_chunk_insert (gen->strings, email);
        }
    }
}

/* Title case for each part (Anna.Schmidt@Web.de), upper case local part, or a capital
 * first letter only; always different from the lower-case input. */
static void
vary_case (GRand   *rand,
           GString *email)
{
  g_autofree char *before = g_strdup (email->str);
  char *at = strrchr (email->str, '@');

  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      for (gsize i = 0; i < email->len; i++)
        if (i == 0 || strchr (".-_@", email->str[i - 1]) != NULL)
          email->str[i] = g_ascii_toupper (email->str[i]);
      break;
    case 1:
      for (char *p = email->str; p < at; p++)
        *p = g_ascii_toupper (*p);
      break;
    default:
      email->str[0] = g_ascii_toupper (email->str[0]);
      break;
    }
  if (strcmp (before, email->str) == 0)
    for (char *p = email->str; *p != '\0'; p++)
      *p = g_ascii_toupper (*p);
}

/* Gmail ignores dots in the local part; people drop them or add one. */
static void
vary_gmail_dots (GRand   *rand,
                 GString *email)
{
  gsize local_len = (gsize) (strrchr (email->str, '@') - email->str);

  if (memchr (email->str, '.', local_len) != NULL && draw_bool (rand, 0.7))
    {
      gsize j = 0;

      for (gsize i = 0; i < email->len; i++)
        if (i >= local_len || email->str[i] != '.')
          email->str[j++] = email->str[i];
      g_string_truncate (email, j);
      return;
    }
  if (local_len < 2)
    return;
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      gsize pos = (gsize) draw_int (rand, 1, (int) local_len - 1);

      if (email->str[pos - 1] != '.' && email->str[pos] != '.')
        {
          g_string_insert_c (email, pos, '.');
          return;
        }
    }
}

/* The address as typed at one checkout: the person's shop address with per-row noise. */
static void
append_order_email (Generator    *gen,
                    GString      *scratch,
                    const Person *person)
{
  g_string_assign (scratch, person->shop_email);
  if (is_gmail (scratch->str) && draw_bool (gen->rand, NOISE_GMAIL_DOTS))
    vary_gmail_dots (gen->rand, scratch);
  if (draw_bool (gen->rand, NOISE_CASE))
    vary_case (gen->rand, scratch);
  if (draw_bool (gen->rand, NOISE_SPACE))
    {
      int where = draw_int (gen->rand, 0, 2);

      if (where != 1)
        g_string_prepend_c (scratch, ' ');
      if (where != 0)
        g_string_append_c (scratch, ' ');
    }
  cst_csv_append_field (gen->files[FILE_ORDERS], scratch->str);
}

/* People. */

static const char *
make_phone (Generator  *gen,
            const char *country)
{
  static const char *const de_prefixes[] = {
    "151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175",
    "176", "177", "178", "179",
  };
  static const char *const at_prefixes[] = { "650", "660", "664", "676", "680", "699" };
  static const char *const ch_prefixes[] = { "76", "77", "78", "79" };
  const char *code;
  const char *prefix;
  char number[16];
  char phone[48];

  if (g_str_equal (country, "AT"))
    {
      code = "43";
      prefix = draw_string (gen->rand, at_prefixes, G_N_ELEMENTS (at_prefixes));
    }
  else if (g_str_equal (country, "CH"))
    {
      code = "41";
      prefix = draw_string (gen->rand, ch_prefixes, G_N_ELEMENTS (ch_prefixes));
    }
  else
    {
      code = "49";
      prefix = draw_string (gen->rand, de_prefixes, G_N_ELEMENTS (de_prefixes));
    }

  if (prefix[0] == '1' && prefix[1] == '5')
    g_snprintf (number, sizeof number, "%08d", draw_int (gen->rand, 10000000, 99999999));
  else
    g_snprintf (number, sizeof number, "%07d", draw_int (gen->rand, 1000000, 9999999));

  switch (g_rand_int_range (gen->rand, 0, 6))
    {
    case 0: g_snprintf (phone, sizeof phone, "+%s %s %s", code, prefix, number); break;
    case 1: g_snprintf (phone, sizeof phone, "0%s %s", prefix, number); break;
    case 2: g_snprintf (phone, sizeof phone, "0%s-%s", prefix, number); break;
    case 3: g_snprintf (phone, sizeof phone, "(0%s) %s", prefix, number); break;
    case 4: g_snprintf (phone, sizeof phone, "+%s%s%s", code, prefix, number); break;
    default: g_snprintf (phone, sizeof phone, "0%s/%s", prefix, number); break;
    }
  return g_string_chunk_insert (gen->strings, phone);
}

static const char *
draw_provider (Generator  *gen,
               const char *country)
{
  if (g_str_equal (country, "AT"))
    return providers_at[DRAW_WEIGHTED (gen->rand, providers_at, weight)].domain;
  if (g_str_equal (country, "CH"))
    return providers_ch[DRAW_WEIGHTED (gen->rand, providers_ch, weight)].domain;
  return providers_de[DRAW_WEIGHTED (gen->rand, providers_de, weight)].domain;
}

static void
make_address (Generator *gen,
              Person    *person)
{
  const City *city = &cities[DRAW_WEIGHTED (gen->rand, cities, weight)];
  gboolean five_digits = g_str_equal (city->country, "DE");
  g_autoptr(GString) street = g_string_new (NULL);
  char postcode[8];
  int number;

  /* House numbers cluster low, as on real streets. */
  number = 1 + (int) MIN (draw_exponential (gen->rand, 25.0), 240.0);
  g_string_printf (street, "%s %d", draw_string (gen->rand, streets, G_N_ELEMENTS (streets)),
                   number);
  if (draw_bool (gen->rand, 0.08))
    g_string_append_c (street, (char) draw_int (gen->rand, 'a', 'c'));
  if (draw_bool (gen->rand, 0.015))
    g_string_append_printf (street, ", %s",
                            draw_string (gen->rand, street_suffixes,
                                         G_N_ELEMENTS (street_suffixes)));
  g_snprintf (postcode, sizeof postcode, five_digits ? "%05d" : "%04d",
              draw_int (gen->rand, city->postcode_low, city->postcode_high));

  person->country = city->country;
  person->city = city->city;
  if (draw_bool (gen->rand, MISSING_ADDRESS))
    return;
  person->street = g_string_chunk_insert (gen->strings, street->str);
  person->postcode = g_string_chunk_insert (gen->strings, postcode);
}

static int
draw_signup_offset (Generator *gen,
                    Group      group)
{
  switch (group)
    {
    case GROUP_LOYAL:
      /* Long-standing customers: 2.5 to 9 years ago, well before the order window. */
      return draw_int (gen->rand, 913, 3287);
    case GROUP_NEW:
      return draw_int (gen->rand, 0, 89);
    case GROUP_PROSPECT:
      return draw_int (gen->rand, 0, 3000);
    case GROUP_BARGAIN:
    case GROUP_LAPSED:
    default:
      /* Fixed once the first order is known (see draw_order_days); those signups reach back
       * up to about six years, so tenure overlaps with the loyal group's. */
      return 0;
    }
}

static double
clamp_probability (double p)
{
  return CLAMP (p, 0.005, 0.98);
}

static void
make_person (Generator *gen,
             Person    *person,
             guint      index,
             Group      group,
             gboolean   in_crm)
{
  const GroupSpec *spec = &group_specs[group];
  guint origin = draw_weighted (gen->rand, name_origin_weights, sizeof (double),
                                G_N_ELEMENTS (name_origin_weights));
  const NameOrigin *names = &name_origins[origin];
  const NameOrigin *first_names = names;
  g_autoptr(GDateTime) birth = NULL;
  double age;
  double min_age;
  double click_ratio;

  person->id = index + 1;
  person->group = group;
  person->in_crm = in_crm;

  /* One in ten people has a first name from another origin than their last name. */
  if (draw_bool (gen->rand, 0.10))
    first_names = &name_origins[g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (name_origins))];
  person->first_name = draw_string (gen->rand, first_names->first, first_names->n_first);
  person->last_name = draw_string (gen->rand, names->last, names->n_last);

  make_address (gen, person);

  person->signup_offset = draw_signup_offset (gen, group);
  age = draw_normal (gen->rand, spec->age_mean, spec->age_sd);
  /* Nobody signs up before 16; loyal customers who joined nine years ago are at least 25. */
  min_age = 16.0 + person->signup_offset / 365.2425 + 0.5;
  age = CLAMP (age, MAX (18.0, min_age), 88.0);
  person->birth_offset = (int) (age * 365.2425);
  person->birth_known = !draw_bool (gen->rand, MISSING_BIRTH);
  birth = g_date_time_add_days (gen->end, -person->birth_offset);

  person->email = make_email (gen, person->first_name, person->last_name,
                              g_date_time_get_year (birth),
                              draw_provider (gen, person->country));
  person->shop_email = person->email;
  if (draw_bool (gen->rand, MISSING_EMAIL))
    person->crm_email = NULL;
  else if (draw_bool (gen->rand, 0.05))
    {
      /* A sales assistant typed it with capitals. */
      g_autoptr(GString) typed = g_string_new (person->email);

      vary_case (gen->rand, typed);
      person->crm_email = g_string_chunk_insert (gen->strings, typed->str);
    }
  else
    person->crm_email = person->email;

  person->phone = draw_bool (gen->rand, MISSING_PHONE) ? NULL : make_phone (gen, person->country);
  person->consent = draw_bool (gen->rand, spec->consent);

  person->open_p = clamp_probability (draw_normal (gen->rand, spec->open_rate, 0.10));
  click_ratio = spec->click_rate / spec->open_rate;
  person->click_p = clamp_probability (draw_normal (gen->rand, click_ratio, 0.08));

  if (group == GROUP_PROSPECT)
    return;
  person->basket_level = draw_lognormal (gen->rand, spec->basket_mean, 0.15 * spec->basket_mean);
  person->discount_p = clamp_probability (draw_normal (gen->rand, spec->discount_share, 0.08));
  person->weekend_p = clamp_probability (draw_normal (gen->rand, 0.80, 0.10));
  person->favourite_category = draw_weighted (gen->rand, spec->category_weights, sizeof (double),
                                              N_CATEGORIES);
  person->favourite_channel = draw_weighted (gen->rand, spec->channel_weights, sizeof (double),
                                             N_CHANNELS);
}

/* About 2 % of buyers shop with an address the CRM has never seen, mostly a work address,
 * and use it for every order. */
static void
give_other_email (Generator *gen,
                  Person    *person)
{
  const char *domain;

  if (draw_bool (gen->rand, 0.7))
    domain = draw_string (gen->rand, work_domains, G_N_ELEMENTS (work_domains));
  else
    domain = draw_provider (gen, person->country);
  person->shop_email = make_email (gen, person->first_name, person->last_name,
                                   draw_int (gen->rand, 1950, 2005), domain);
}

/* Orders. */

static int
compare_offsets_descending (gconstpointer a,
                            gconstpointer b)
{
  int x = *(const int *) a;
  int y = *(const int *) b;

  return (x < y) - (x > y);
}

/* Moves @day_offset to a Saturday or Sunday of the same Monday-to-Sunday week, or away
 * from the weekend to a weekday, staying inside [0, max_offset]. */
static int
move_to_weekend (Generator *gen,
                 int        day_offset,
                 gboolean   weekend,
                 int        max_offset)
{
  int weekday = weekday_of (gen, day_offset);
  int target;
  int moved;

  if (weekend == (weekday >= 6))
    return day_offset;
  target = weekend ? draw_int (gen->rand, 6, 7) : draw_int (gen->rand, 1, 5);
  /* A later date has a smaller offset. */
  moved = day_offset - (target - weekday);
  if (moved < 0)
    moved += 7;
  if (moved > max_offset)
    moved -= 7;
  return moved;
}

static int
draw_seconds (Generator       *gen,
              const GroupSpec *spec,
              guint            channel)
{
  int hour;

  if (channel == CHANNEL_STORE)
    hour = draw_int (gen->rand, 9, 19);  /* shop opening hours */
  else if (draw_bool (gen->rand, spec->evening_share))
    hour = draw_int (gen->rand, 18, 23);
  else if (draw_bool (gen->rand, 0.04))
    hour = draw_int (gen->rand, 0, 5);   /* night owls */
  else
    hour = draw_int (gen->rand, 6, 17);
  return hour * 3600 + draw_int (gen->rand, 0, 3599);
}

/* Rounds a basket to a shop price ending (…,90 / …,95 / …,99 / …,00 / …,50), in cents. */
static int
price_cents (Generator *gen,
             double     value)
{
  static const int endings[] = { 90, 95, 99, 0, 50 };
  static const double weights[] = { 35, 20, 25, 10, 10 };
  int euros = (int) MAX (floor (value), 2.0);

  return euros * 100 + endings[draw_weighted (gen->rand, weights, sizeof (double),
                                              G_N_ELEMENTS (weights))];
}

static void
add_order (Generator *gen,
           guint      person_index,
           int        day_offset)
{
  const Person *person = &gen->people[person_index];
  const GroupSpec *spec = &group_specs[person->group];
  Order order = { 0 };
  double gross;
  double lambda;

  g_assert (day_offset >= 0 && day_offset < WINDOW_DAYS);

  order.person = person_index;
  order.seq = gen->orders->len;
  order.day_offset = day_offset;

  order.category = (guint8) (draw_bool (gen->rand, 0.5)
                             ? person->favourite_category
                             : draw_weighted (gen->rand, spec->category_weights,
                                              sizeof (double), N_CATEGORIES));
  order.channel = (guint8) (draw_bool (gen->rand, 0.6)
                            ? person->favourite_channel
                            : draw_weighted (gen->rand, spec->channel_weights,
                                             sizeof (double), N_CHANNELS));
  /* German shops are closed on Sundays; those orders went through the app. */
  if (order.channel == CHANNEL_STORE && weekday_of (gen, day_offset) == 7)
    order.channel = CHANNEL_APP;
  order.seconds = draw_seconds (gen, spec, order.channel);

  /* The per-order spread is the group's; the person's own level varies by ±15 % around the
   * group mean, so the person-level spread is slightly wider than the stated basket ± sd. */
  gross = draw_lognormal (gen->rand, person->basket_level,
                          spec->basket_sd * person->basket_level / spec->basket_mean);
  order.gross_cents = price_cents (gen, gross);
  lambda = MAX (0.0, gross / category_item_price[order.category] - 1.0);
  order.items = 1 + (int) MIN (draw_poisson (gen->rand, lambda), 40u);

  if (draw_bool (gen->rand, person->discount_p))
    {
      int percent;

      if (person->group == GROUP_BARGAIN)
        percent = draw_int (gen->rand, 10, 30);
      else if (person->group == GROUP_NEW && draw_bool (gen->rand, 0.6))
        percent = 10;  /* the welcome voucher */
      else
        percent = 5 * draw_int (gen->rand, 2, 4);

      if (person->group == GROUP_BARGAIN && order.gross_cents >= 2500 &&
          draw_bool (gen->rand, 0.25))
        order.discount_cents = 500;  /* a fixed "5 € off" coupon */
      else
        order.discount_cents = (int) round (order.gross_cents * percent / 100.0);
    }

  g_array_append_val (gen->orders, order);
}

/* Draws the order days of one person (day offsets, latest first) and, for groups whose
 * signup follows their history, the signup day. */
static guint
draw_order_days (Generator *gen,
                 Person    *person,
                 int       *days,
                 guint      max_days)
{
  guint n = 0;

  switch (person->group)
    {
    case GROUP_LOYAL:
      {
        /* 20–40 orders at roughly regular gaps from the start of the window up to a recent
         * last order. */
        int count = (int) round (draw_normal (gen->rand, 26.0, 6.0));
        int first = WINDOW_DAYS - 1 - draw_int (gen->rand, 0, 60);
        int last = (int) MIN (draw_exponential (gen->rand, 10.0), 60.0);
        double weights[64];
        double total = 0.0;
        double cumulative = 0.0;

        n = (guint) CLAMP (count, 12, (int) MIN (max_days, G_N_ELEMENTS (weights)));
        for (guint i = 0; i + 1 < n; i++)
          {
            weights[i] = draw_uniform (gen->rand, 0.5, 1.5);
            total += weights[i];
          }
        days[0] = first;
        for (guint i = 0; i + 1 < n; i++)
          {
            cumulative += weights[i];
            days[i + 1] = first - (int) round ((first - last) * cumulative / total);
          }
        break;
      }

    case GROUP_BARGAIN:
      {
        /* 6–12 orders, mostly on weekends, spread over an active period that began in the
         * first months of the window and is still going on. */
        int first = WINDOW_DAYS - 1 - draw_int (gen->rand, 0, 240);
        int last = (int) MIN (draw_exponential (gen->rand, 45.0), first - 60.0);

        n = MIN (6 + draw_poisson (gen->rand, 3.0), max_days);
        for (guint i = 0; i < n; i++)
          {
            int day = draw_int (gen->rand, last, first);

            days[i] = move_to_weekend (gen, day, draw_bool (gen->rand, person->weekend_p),
                                       WINDOW_DAYS - 1);
          }
        qsort (days, n, sizeof (int), compare_offsets_descending);
        person->signup_offset = days[0] + draw_int (gen->rand, 0, 1400);
        break;
      }

    case GROUP_LAPSED:
      /* One order (sometimes two) 12–24 months before the end date. */
      n = draw_bool (gen->rand, 0.8) ? 1 : 2;
      for (guint i = 0; i < n; i++)
        days[i] = draw_int (gen->rand, 365, WINDOW_DAYS - 1);
      qsort (days, n, sizeof (int), compare_offsets_descending);
      person->signup_offset = days[0] + draw_int (gen->rand, 0, 1500);
      break;

    case GROUP_NEW:
      {
        /* 1–3 orders since signing up in the last 90 days, the first often on the day. */
        int first = person->signup_offset;
        double u = g_rand_double (gen->rand);

        n = u < 0.50 ? 1 : u < 0.83 ? 2 : 3;
        if (!draw_bool (gen->rand, 0.6))
          first -= draw_int (gen->rand, 0, MIN (14, person->signup_offset));
        days[0] = first;
        for (guint i = 1; i < n; i++)
          days[i] = draw_int (gen->rand, 0, first);
        qsort (days, n, sizeof (int), compare_offsets_descending);
        break;
      }

    case GROUP_PROSPECT:
    case N_GROUPS:
    default:
      break;
    }

  return n;
}

static void
generate_orders (Generator *gen,
                 guint      person_index)
{
  Person *person = &gen->people[person_index];
  int days[64];
  guint n;

  n = draw_order_days (gen, person, days, G_N_ELEMENTS (days));
  for (guint i = 0; i < n; i++)
    add_order (gen, person_index, days[i]);
}

static int
compare_orders (gconstpointer a,
                gconstpointer b)
{
  const Order *x = a;
  const Order *y = b;

  if (x->day_offset != y->day_offset)
    return x->day_offset > y->day_offset ? -1 : 1;
  if (x->seconds != y->seconds)
    return x->seconds < y->seconds ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

/* CRM rows are in signup order, so customer ids grow with tenure as in a real CRM. */
static int
compare_crm_rows (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const Person *people = user_data;
  const Person *x = &people[*(const guint *) a];
  const Person *y = &people[*(const guint *) b];

  if (x->signup_offset != y->signup_offset)
    return x->signup_offset > y->signup_offset ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static void
make_campaigns (Generator *gen,
                int        end_year,
                int        end_month,
                int        end_day)
{
  static const int send_hours[] = { 8, 9, 10, 17, 18 };

  for (guint i = 0; i < N_CAMPAIGNS; i++)
    {
      Campaign *campaign = &gen->campaigns[i];
      int months_back = N_CAMPAIGNS - 1 - (int) i;
      int month_index = end_year * 12 + (end_month - 1) - months_back;
      int year = month_index / 12;
      int month = month_index % 12 + 1;
      int last_day = g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year);
      int day = draw_int (gen->rand, 3, 25);
      g_autoptr(GDateTime) sent = NULL;

      if (months_back == 0)
        day = MIN (day, end_day);
      day = MIN (day, last_day);
      sent = g_date_time_new_utc (year, month, day, 0, 0, 0);
      campaign->day_offset = (int) (g_date_time_difference (gen->end, sent) / G_TIME_SPAN_DAY);
      campaign->seconds = send_hours[g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (send_hours))]
                          * 3600 + 1800 * g_rand_int_range (gen->rand, 0, 2);
      campaign->appeal = draw_uniform (gen->rand, 0.85, 1.15);
      campaign->name = g_strdup_printf ("%04d-%02d %s", year, month, campaign_themes[month - 1]);
    }
}

static gboolean
check_cancelled (Generator  *gen,
                 double      fraction,
                 GError    **error)
{
  if (g_cancellable_set_error_if_cancelled (gen->cancellable, error))
    return FALSE;
  cst_progress_report (gen->progress, gen->progress_data, fraction, _("Generating sample data"));
  return TRUE;
}

static gboolean
generate_people (Generator  *gen,
                 guint       n_contacts,
                 GError    **error)
{
  g_autofree guint *contact_groups = g_new0 (guint, MAX (n_contacts, 1));
  g_autofree guint *shop_groups = NULL;
  g_autofree guint *other_email = NULL;
  guint n_prospects = (guint) round (PROSPECT_SHARE * n_contacts);
  guint n_buyers = n_contacts - n_prospects;
  guint n_shop_only = (guint) round (SHOP_ONLY_SHARE * n_buyers);
  guint n_other_email = (guint) round (OTHER_EMAIL_SHARE * n_buyers);
  guint n_candidates = 0;

  /* Prospects first, then exact buyer quotas; one shuffle of everything mixes them. */
  for (guint i = 0; i < n_prospects; i++)
    contact_groups[i] = GROUP_PROSPECT;
  fill_buyer_groups (gen->rand, contact_groups + n_prospects, n_buyers);
  shuffle (gen->rand, contact_groups, n_contacts);

  shop_groups = g_new0 (guint, MAX (n_shop_only, 1));
  fill_buyer_groups (gen->rand, shop_groups, n_shop_only);

  gen->n_contacts = n_contacts;
  gen->n_people = n_contacts + n_shop_only;
  gen->people = g_new0 (Person, gen->n_people);

  for (guint i = 0; i < gen->n_people; i++)
    {
      gboolean in_crm = i < n_contacts;

      make_person (gen, &gen->people[i], i,
                   in_crm ? contact_groups[i] : shop_groups[i - n_contacts], in_crm);
      if (i % CHECK_INTERVAL == 0 && !check_cancelled (gen, 0.15 * i / gen->n_people, error))
        return FALSE;
    }

  /* Pick the buyers who shop under another address among those the CRM has an address for
   * (without one there is nothing to differ from). */
  other_email = g_new0 (guint, MAX (n_contacts, 1));
  for (guint i = 0; i < n_contacts; i++)
    if (gen->people[i].group != GROUP_PROSPECT && gen->people[i].crm_email != NULL)
      other_email[n_candidates++] = i;
  shuffle (gen->rand, other_email, n_candidates);
  for (guint i = 0; i < MIN (n_other_email, n_candidates); i++)
    give_other_email (gen, &gen->people[other_email[i]]);

  return TRUE;
}

static gboolean
generate_all_orders (Generator  *gen,
                     GError    **error)
{
  gen->orders = g_array_sized_new (FALSE, FALSE, sizeof (Order), 10 * gen->n_people);
  for (guint i = 0; i < gen->n_people; i++)
    {
      generate_orders (gen, i);
      if (i % CHECK_INTERVAL == 0 &&
          !check_cancelled (gen, 0.15 + 0.15 * i / gen->n_people, error))
        return FALSE;
    }
  g_array_sort (gen->orders, compare_orders);

  gen->crm_rows = g_new (guint, MAX (gen->n_contacts, 1));
  for (guint i = 0; i < gen->n_contacts; i++)
    gen->crm_rows[i] = i;
  g_qsort_with_data (gen->crm_rows, gen->n_contacts, sizeof (guint), compare_crm_rows,
                     gen->people);

  return TRUE;
}

static gboolean
build_contacts (Generator  *gen,
                GError    **error)
{
  GString *out = gen->files[FILE_CONTACTS];
  guint width = gen->n_contacts < 1000000 ? 6 : 9;

  g_string_append (out, "customer_id,first_name,last_name,email,phone,street,postcode,city,"
                        "country,birth_date,signup_date,newsletter_consent\n");
  for (guint row = 0; row < gen->n_contacts; row++)
    {
      const Person *person = &gen->people[gen->crm_rows[row]];

      g_string_append_printf (out, "C%0*u,", width, row + 1);
      cst_csv_append_field (out, person->first_name);
      g_string_append_c (out, ',');
      cst_csv_append_field (out, person->last_name);
      g_string_append_c (out, ',');
      cst_csv_append_field (out, person->crm_email);
      g_string_append_c (out, ',');
      cst_csv_append_field (out, person->phone);
      g_string_append_c (out, ',');
      cst_csv_append_field (out, person->street);
      g_string_append_c (out, ',');
      cst_csv_append_field (out, person->postcode);
      g_string_append_c (out, ',');
      cst_csv_append_field (out, person->city);
      g_string_append_c (out, ',');
      cst_csv_append_field (out, person->country);
      g_string_append_c (out, ',');
      if (person->birth_known)
        append_date (gen, out, person->birth_offset);
      g_string_append_c (out, ',');
      append_date (gen, out, person->signup_offset);
      g_string_append (out, person->consent ? ",yes\n" : ",no\n");

      append_truth (gen, FILE_CONTACTS, row + 1, person);
      if (row % CHECK_INTERVAL == 0 &&
          !check_cancelled (gen, 0.30 + 0.10 * row / gen->n_contacts, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
build_orders (Generator  *gen,
              GError    **error)
{
  GString *out = gen->files[FILE_ORDERS];
  g_autoptr(GString) scratch = g_string_new (NULL);

  g_string_append (out, "order_id,email,order_date,amount,items,category,channel,discount\n");
  for (guint row = 0; row < gen->orders->len; row++)
    {
      const Order *order = &g_array_index (gen->orders, Order, row);
      const Person *person = &gen->people[order->person];

      g_string_append_printf (out, "#%u,", 100001 + row);
      append_order_email (gen, scratch, person);
      g_string_append_c (out, ',');
      append_timestamp (gen, out, order->day_offset, order->seconds);
      g_string_append_c (out, ',');
      append_cents (out, order->gross_cents - order->discount_cents);
      g_string_append_printf (out, ",%d,%s,%s,", order->items, categories[order->category],
                              channels[order->channel]);
      append_cents (out, order->discount_cents);
      g_string_append_c (out, '\n');

      append_truth (gen, FILE_ORDERS, row + 1, person);
      if (row % CHECK_INTERVAL == 0 &&
          !check_cancelled (gen, 0.40 + 0.25 * row / gen->orders->len, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
build_engagement (Generator  *gen,
                  GError    **error)
{
  GString *out = gen->files[FILE_ENGAGEMENT];
  g_autofree char **lower = g_new0 (char *, MAX (gen->n_contacts, 1));
  guint row = 0;
  gboolean ok = TRUE;

  /* The newsletter tool stores addresses in lower case. */
  for (guint i = 0; i < gen->n_contacts; i++)
    if (gen->people[i].crm_email != NULL)
      lower[i] = g_ascii_strdown (gen->people[i].crm_email, -1);

  g_string_append (out, "email,campaign,sent_at,opened,clicked\n");
  for (guint c = 0; c < N_CAMPAIGNS && ok; c++)
    {
      const Campaign *campaign = &gen->campaigns[c];
      g_autoptr(GString) name = g_string_new (NULL);

      cst_csv_append_field (name, campaign->name);
      for (guint r = 0; r < gen->n_contacts; r++)
        {
          guint index = gen->crm_rows[r];
          const Person *person = &gen->people[index];
          gboolean opened;
          gboolean clicked;

          /* Only consenting contacts with an address who signed up on an earlier day. */
          if (!person->consent || lower[index] == NULL ||
              person->signup_offset <= campaign->day_offset)
            continue;

          opened = draw_bool (gen->rand, person->open_p * campaign->appeal);
          clicked = opened && draw_bool (gen->rand, person->click_p);

          g_string_append (out, lower[index]);
          g_string_append_c (out, ',');
          g_string_append_len (out, name->str, name->len);
          g_string_append_c (out, ',');
          append_timestamp (gen, out, campaign->day_offset, campaign->seconds);
          g_string_append (out, opened ? ",1" : ",0");
          g_string_append (out, clicked ? ",1\n" : ",0\n");

          append_truth (gen, FILE_ENGAGEMENT, ++row, person);
        }
      if (!check_cancelled (gen, 0.65 + 0.25 * (c + 1) / N_CAMPAIGNS, error))
        ok = FALSE;
    }

  for (guint i = 0; i < gen->n_contacts; i++)
    g_free (lower[i]);
  return ok;
}

/* Files. Each is written to a unique temporary name beside its target; only when all four
 * are complete are they renamed into place, so a failure or cancellation never leaves a
 * partial or mismatched set behind. */

static gboolean
write_temporary (const char     *directory,
                 const char     *name,
                 const GString  *contents,
                 char          **out_path,
                 GError        **error)
{
  g_autofree char *template = g_strdup_printf (".%s.XXXXXX", name);
  g_autofree char *path = g_build_filename (directory, template, NULL);
  g_autofree char *target = g_build_filename (directory, name, NULL);
  const char *data = contents->str;
  gsize remaining = contents->len;
  int saved_errno;
  int fd;

  fd = g_mkstemp_full (path, O_WRONLY, 0644);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create a temporary file for “%s”: %s"),
                   target, g_strerror (saved_errno));
      return FALSE;
    }

  while (remaining > 0)
    {
      gssize written = write (fd, data, remaining);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          goto fail;
        }
      data += written;
      remaining -= (gsize) written;
    }
  /* The rename below is only atomic if the data reached the disk first. */
  if (fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }

  *out_path = g_steal_pointer (&path);
  return TRUE;

fail:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (path);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not write “%s”: %s"), target, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_files (Generator   *gen,
             const char  *directory,
             GError     **error)
{
  char *temporary[N_FILES] = { NULL };
  gboolean ok = TRUE;

  for (guint i = 0; i < N_FILES && ok; i++)
    ok = write_temporary (directory, file_names[i], gen->files[i], &temporary[i], error);
  if (ok)
    ok = !g_cancellable_set_error_if_cancelled (gen->cancellable, error);

  for (guint i = 0; i < N_FILES && ok; i++)
    {
      g_autofree char *target = g_build_filename (directory, file_names[i], NULL);

      if (g_rename (temporary[i], target) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not write “%s”: %s"), target, g_strerror (saved_errno));
          ok = FALSE;
          break;
        }
      g_clear_pointer (&temporary[i], g_free);
    }

  for (guint i = 0; i < N_FILES; i++)
    {
      if (temporary[i] != NULL)
        g_unlink (temporary[i]);
      g_free (temporary[i]);
    }
  return ok;
}

/**
 * cst_sample_options_init:
 * @options: (out caller-allocates): the options to fill
 *
 * Sets the defaults: seed %CST_SAMPLE_DEFAULT_SEED, %CST_SAMPLE_DEFAULT_PEOPLE contacts and an
 * end date of 2026-10-31.
 */
void
cst_sample_options_init (CstSampleOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (CstSampleOptions) {
    .seed = CST_SAMPLE_DEFAULT_SEED,
    .n_people = CST_SAMPLE_DEFAULT_PEOPLE,
    .end_year = 2026,
    .end_month = 10,
    .end_day = 31,
  };
}

/**
 * cst_sample_write:
 * @directory: the output directory, created if needed
 * @options: the seed, the number of CRM contacts and the end date
 * @cancellable: (nullable): a #GCancellable
 * @progress: (nullable) (scope call): progress callback, called from this thread
 * @progress_data: data for @progress
 * @error: return location for a #GError
 *
 * Writes the exports of a small fictional retailer into @directory: %CST_SAMPLE_CONTACTS_FILE
 * (@options->n_people rows), %CST_SAMPLE_ORDERS_FILE (about eight orders per contact over the
 * two years ending on the end date), %CST_SAMPLE_ENGAGEMENT_FILE (24 monthly newsletters to
 * consenting contacts) and %CST_SAMPLE_TRUTH_FILE, which maps every data row to its person and
 * planted group. Identical options give byte-identical files.
 *
 * All four files are built in memory (about 3 KB per contact) and then replaced together, each
 * atomically; on failure or cancellation none of them is touched. The default 5000 contacts take
 * well under a second.
 *
 * Returns: %TRUE on success; %FALSE with @error set (%G_IO_ERROR_CANCELLED when cancelled).
 */
gboolean
cst_sample_write (const char              *directory,
                  const CstSampleOptions  *options,
                  GCancellable            *cancellable,
                  CstProgressFunc          progress,
                  gpointer                 progress_data,
                  GError                 **error)
{
  g_auto(Generator) gen = { 0 };

  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (options->n_people > 0, FALSE);
  /* Range checks first: GDate's day, month and year types would silently truncate an int. */
  g_return_val_if_fail (options->end_year >= 1900 && options->end_year <= 9999, FALSE);
  g_return_val_if_fail (options->end_month >= 1 && options->end_month <= 12, FALSE);
  g_return_val_if_fail (options->end_day >= 1 && options->end_day <= 31, FALSE);
  g_return_val_if_fail (g_date_valid_dmy ((GDateDay) options->end_day,
                                          (GDateMonth) options->end_month,
                                          (GDateYear) options->end_year), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  gen.cancellable = cancellable;
  gen.progress = progress;
  gen.progress_data = progress_data;
  if (!check_cancelled (&gen, 0.0, error))
    return FALSE;

  gen.rand = g_rand_new_with_seed (options->seed);
  gen.end = g_date_time_new_utc (options->end_year, options->end_month, options->end_day,
                                 0, 0, 0);
  gen.end_weekday = g_date_time_get_day_of_week (gen.end);
  gen.strings = g_string_chunk_new (64 * 1024);
  gen.used_emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < N_FILES; i++)
    gen.files[i] = g_string_sized_new (i == FILE_CONTACTS ? 128 * options->n_people
                                                          : 1024 * options->n_people);

  make_campaigns (&gen, options->end_year, options->end_month, options->end_day);
  if (!generate_people (&gen, options->n_people, error) ||
      !generate_all_orders (&gen, error))
    return FALSE;

  g_string_append (gen.files[FILE_TRUTH], "file,row,person,group\n");
  if (!build_contacts (&gen, error) ||
      !build_orders (&gen, error) ||
      !build_engagement (&gen, error))
    return FALSE;

  if (g_mkdir_with_parents (directory, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"), directory,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (!write_files (&gen, directory, error))
    return FALSE;

  cst_progress_report (progress, progress_data, 1.0, _("Sample data written"));
  return TRUE;
}
