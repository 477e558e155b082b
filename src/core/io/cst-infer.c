/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-infer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-infer.h"

/* Type and role inference from a sniffed sample. Types come from the values alone; roles from
 * the header name (English, German, French, Spanish and Portuguese spellings) weighted by how
 * well the values fit the role, then one column per role, best first. Known exports (Shopify,
 * HubSpot, Mailchimp, Stripe, GA4) are recognised by their header sets and map their columns
 * directly. Everything here works on at most CST_SNIFF_MAX_ROWS values per column. */

/* A role below this confidence is not proposed; the column stays unmapped. */
#define MIN_ROLE_CONFIDENCE 0.3

/* A type is taken when at least this share of the non-empty values fit it. */
#define TYPE_SHARE 0.95

typedef struct
{
  CstRole     role;
  double      weight;
  const char *names;    /* normalised spellings, '|'-separated */
} RoleNames;

/* Normalised: lower case, accents removed, every run of other characters one space, camel case
 * split ("customerID" is "customer id", "Straße" is "strasse"). */
static const RoleNames role_names[] = {
  { CST_ROLE_CUSTOMER_KEY, 1.0, "customer id|customerid|customer number|customer no|customer unique id|"
                                "client id|client number|contact id|user id|member id|record id|"
                                "kundennummer|kunden id|kundennr|kunde|kunden nr|id client|numero client|"
                                "identifiant client|id cliente|cliente id|numero de cliente|"
                                "codigo cliente|codigo do cliente|user pseudo id|masterid|subscriber id|"
                                "cust|cust id|custid|cust no" },
  { CST_ROLE_CUSTOMER_KEY, 0.6, "id|customer|client|cliente|user|rec id|record" },
  { CST_ROLE_EMAIL, 1.0, "email|e mail|email address|e mail address|e mail adresse|email adresse|"
                         "mail|mail address|courriel|adresse email|adresse e mail|adresse mail|"
                         "adresse electronique|correo|correo electronico|direccion de correo|"
                         "endereco de email|endereco de e mail|customer email|emailadresse" },
  { CST_ROLE_PHONE, 1.0, "phone|phone number|telephone|telephone number|tel|telefon|telefonnummer|"
                         "mobile|mobile phone|mobil|handy|handynummer|telefono|telefone|celular|"
                         "portable|numero de telephone|numero de telefono|movil" },
  { CST_ROLE_FIRST_NAME, 1.0, "first name|firstname|given name|forename|fname|vorname|prenom|nombre|"
                              "primeiro nome|nome proprio|first" },
  { CST_ROLE_LAST_NAME, 1.0, "last name|lastname|surname|family name|lname|nachname|familienname|"
                             "nom|nom de famille|apellido|apellidos|sobrenome|ultimo nome|last" },
  { CST_ROLE_FULL_NAME, 1.0, "full name|fullname|customer name|contact name|client name|"
                             "billing name|nome completo|nombre completo|nom complet|"
                             "vollstandiger name|kundenname" },
  { CST_ROLE_FULL_NAME, 0.7, "name|nome" },
  { CST_ROLE_STREET, 1.0, "street|street address|address|address1|address 1|address line 1|"
                          "strasse|adresse|anschrift|rue|calle|direccion|rua|endereco|"
                          "billing street|billing address1|street name" },
  { CST_ROLE_POSTCODE, 1.0, "postcode|post code|postal code|zip|zip code|zipcode|plz|postleitzahl|"
                            "code postal|cp|codigo postal|cep|zip code prefix|billing zip" },
  { CST_ROLE_CITY, 1.0, "city|town|ort|stadt|wohnort|ville|ciudad|cidade|localidad|municipio|"
                        "suburb|localite|billing city" },
  { CST_ROLE_COUNTRY, 1.0, "country|country code|land|pays|pais|nation|billing country|"
                           "countrycode|country region" },
  { CST_ROLE_BIRTH_DATE, 1.0, "birth date|birthdate|date of birth|dob|birthday|geburtsdatum|"
                              "geburtstag|date de naissance|fecha de nacimiento|data de nascimento" },
  { CST_ROLE_ORDER_ID, 1.0, "order id|orderid|order number|order no|order nr|invoice|invoice no|"
                            "invoiceno|invoice number|invoice id|bestellnummer|bestell id|"
                            "auftragsnummer|rechnungsnummer|numero de commande|id commande|"
                            "commande|id pedido|numero de pedido|pedido|numero do pedido|"
                            "transaction id|order" },
  { CST_ROLE_ORDER_DATE, 1.0, "order date|orderdate|bestelldatum|date de commande|fecha de pedido|"
                              "fecha pedido|data do pedido|created at|invoice date|invoicedate|"
                              "purchase date|order purchase timestamp|transaction date|"
                              "rechnungsdatum|kaufdatum|auftragsdatum|date d achat|fecha de compra|"
                              "data da compra|order time|ordered at|paid at" },
  { CST_ROLE_ORDER_DATE, 0.7, "date|datum|fecha|data|created|day" },
  { CST_ROLE_AMOUNT, 1.0, "amount|total|betrag|summe|gesamtbetrag|gesamtsumme|umsatz|montant|"
                          "montant total|importe|importe total|total amount|valor|valor total|"
                          "revenue|sales|order total|order value|monto|gesamt|total charges|"
                          "total spent|preco total|total price|payment value|rechnungsbetrag|"
                          "bruttobetrag|chiffre d affaires|ventas" },
  { CST_ROLE_AMOUNT, 0.6, "subtotal|value|price total" },
  { CST_ROLE_UNIT_PRICE, 1.0, "unit price|unitprice|price|preis|einzelpreis|stuckpreis|prix|"
                              "prix unitaire|precio|precio unitario|preco|preco unitario|"
                              "lineitem price|item price|price each" },
  { CST_ROLE_QUANTITY, 1.0, "quantity|qty|menge|anzahl|stuck|stuckzahl|quantite|cantidad|"
                            "quantidade|units|lineitem quantity|cds|items|pieces" },
  { CST_ROLE_PRODUCT, 1.0, "product|product name|product id|item|item name|sku|article|artikel|"
                           "artikelname|artikelnummer|produkt|produktname|produit|producto|"
                           "produto|description|stock code|stockcode|lineitem name|lineitem sku|"
                           "nom du produit|nombre del producto|nome do produto" },
  { CST_ROLE_CATEGORY, 1.0, "category|kategorie|categorie|categoria|product category|"
                            "product category name|warengruppe|product type|produktkategorie|"
                            "category name" },
  { CST_ROLE_CHANNEL, 1.0, "channel|kanal|canal|source|medium|utm source|utm medium|"
                           "vertriebskanal|traffic source|sales channel|source name|contact" },
  { CST_ROLE_DISCOUNT, 1.0, "discount|rabatt|remise|descuento|desconto|discount amount|coupon|"
                            "discount code|gutschein|promo code|reduction|rabattcode|"
                            "codigo de descuento|discount value" },
  { CST_ROLE_EVENT_TYPE, 1.0, "event|event name|event type|eventname|action|activity|activity type|"
                              "ereignis|aktion|aktivitat|evenement|type d evenement|evento|"
                              "tipo de evento|atividade|type" },
  { CST_ROLE_EVENT_TIME, 1.0, "event time|event timestamp|event date|timestamp|time|zeitpunkt|"
                              "zeitstempel|horodatage|fecha y hora|data hora|datetime|occurred at|"
                              "activity date|date heure" },
  { CST_ROLE_CAMPAIGN, 1.0, "campaign|campaign name|kampagne|campagne|campana|campanha|"
                            "utm campaign|newsletter|mailing" },
  { CST_ROLE_OPENED, 1.0, "opened|open|opens|opened at|email opened|geoffnet|ouvert|abierto|"
                          "aberto|open date|opened date" },
  { CST_ROLE_CLICKED, 1.0, "clicked|click|clicks|clicked at|email clicked|geklickt|clique|clic|clics|"
                           "clicado|click date" },
  { CST_ROLE_CONSENT, 1.0, "consent|opt in|optin|newsletter consent|accepts marketing|"
                           "accepts email marketing|einwilligung|marketing consent|gdpr|"
                           "consentement|consentimiento|consentimento|subscribed|email subscription|"
                           "optin time|newsletter opt in|marketing opt in|dsgvo|abonniert" },
  { CST_ROLE_OUTCOME, 1.0, "churn|churned|label|outcome|target|y|converted|conversion|result|"
                           "ergebnis|resultat|resultado|response|class|gekundigt|abwanderung" },
};

typedef struct
{
  const char *header;   /* normalised */
  CstRole     role;
} ExportRole;

typedef struct
{
  CstExport          export;
  CstFileKind        kind;
  const char        *name;      /* translatable sentence */
  const char        *markers;   /* normalised header names, '|'-separated */
  const ExportRole  *roles;
} ExportSignature;

static const ExportRole shopify_orders_roles[] = {
  { "name", CST_ROLE_ORDER_ID }, { "email", CST_ROLE_EMAIL }, { "created at", CST_ROLE_ORDER_DATE },
  { "total", CST_ROLE_AMOUNT }, { "lineitem quantity", CST_ROLE_QUANTITY },
  { "lineitem name", CST_ROLE_PRODUCT }, { "lineitem price", CST_ROLE_UNIT_PRICE },
  { "discount amount", CST_ROLE_DISCOUNT }, { "accepts marketing", CST_ROLE_CONSENT },
  { "billing name", CST_ROLE_FULL_NAME }, { "billing street", CST_ROLE_STREET },
  { "billing zip", CST_ROLE_POSTCODE }, { "billing city", CST_ROLE_CITY },
  { "billing country", CST_ROLE_COUNTRY }, { "billing phone", CST_ROLE_PHONE },
  { "source", CST_ROLE_CHANNEL }, { "lineitem sku", CST_ROLE_NONE }, { NULL, 0 }
};
static const ExportRole shopify_customers_roles[] = {
  { "customer id", CST_ROLE_CUSTOMER_KEY }, { "first name", CST_ROLE_FIRST_NAME },
  { "last name", CST_ROLE_LAST_NAME }, { "email", CST_ROLE_EMAIL },
  { "accepts email marketing", CST_ROLE_CONSENT }, { "accepts marketing", CST_ROLE_CONSENT },
  { "address1", CST_ROLE_STREET }, { "default address address1", CST_ROLE_STREET },
  { "city", CST_ROLE_CITY }, { "default address city", CST_ROLE_CITY },
  { "country", CST_ROLE_COUNTRY }, { "country code", CST_ROLE_COUNTRY },
  { "zip", CST_ROLE_POSTCODE }, { "default address zip", CST_ROLE_POSTCODE },
  { "phone", CST_ROLE_PHONE }, { "total spent", CST_ROLE_AMOUNT }, { NULL, 0 }
};
static const ExportRole hubspot_roles[] = {
  { "record id", CST_ROLE_CUSTOMER_KEY }, { "first name", CST_ROLE_FIRST_NAME },
  { "last name", CST_ROLE_LAST_NAME }, { "email", CST_ROLE_EMAIL },
  { "phone number", CST_ROLE_PHONE }, { "city", CST_ROLE_CITY },
  { "country region", CST_ROLE_COUNTRY }, { "postal code", CST_ROLE_POSTCODE },
  { "street address", CST_ROLE_STREET }, { "create date", CST_ROLE_NONE }, { NULL, 0 }
};
static const ExportRole mailchimp_roles[] = {
  { "email address", CST_ROLE_EMAIL }, { "first name", CST_ROLE_FIRST_NAME },
  { "last name", CST_ROLE_LAST_NAME }, { "optin time", CST_ROLE_CONSENT },
  { "leid", CST_ROLE_NONE }, { "euid", CST_ROLE_CUSTOMER_KEY }, { "cc", CST_ROLE_COUNTRY },
  { NULL, 0 }
};
static const ExportRole stripe_roles[] = {
  { "id", CST_ROLE_ORDER_ID }, { "created utc", CST_ROLE_ORDER_DATE }, { "amount", CST_ROLE_AMOUNT },
  { "customer email", CST_ROLE_EMAIL }, { "customer id", CST_ROLE_CUSTOMER_KEY },
  { "description", CST_ROLE_PRODUCT }, { "status", CST_ROLE_NONE }, { NULL, 0 }
};
/* event_timestamp holds microseconds since 1970; event_date (YYYYMMDD) is what the date
 * parser reads, so it carries the event time here. */
static const ExportRole ga4_roles[] = {
  { "event date", CST_ROLE_EVENT_TIME }, { "event name", CST_ROLE_EVENT_TYPE },
  { "user pseudo id", CST_ROLE_CUSTOMER_KEY }, { "event timestamp", CST_ROLE_NONE },
  { "traffic source source", CST_ROLE_CHANNEL }, { "traffic source name", CST_ROLE_CAMPAIGN },
  { NULL, 0 }
};

static const ExportSignature exports[] = {
  { CST_EXPORT_SHOPIFY_ORDERS, CST_FILE_KIND_TRANSACTIONS, N_("This looks like a Shopify orders export"),
    "name|email|financial status|paid at|fulfillment status|fulfilled at|accepts marketing|currency|"
    "subtotal|shipping|taxes|total|discount code|discount amount|shipping method|created at|"
    "lineitem quantity|lineitem name|lineitem price|lineitem sku|billing name|billing city",
    shopify_orders_roles },
  { CST_EXPORT_SHOPIFY_CUSTOMERS, CST_FILE_KIND_CONTACTS, N_("This looks like a Shopify customers export"),
    "customer id|first name|last name|email|accepts email marketing|accepts marketing|company|"
    "address1|address2|city|province|province code|country|country code|zip|phone|"
    "total spent|total orders|tags|note|tax exempt",
    shopify_customers_roles },
  { CST_EXPORT_HUBSPOT_CONTACTS, CST_FILE_KIND_CONTACTS, N_("This looks like a HubSpot contacts export"),
    "record id|first name|last name|email|phone number|lifecycle stage|create date|contact owner|"
    "last activity date|lead status|marketing contact status|associated company|"
    "last modified date",
    hubspot_roles },
  { CST_EXPORT_MAILCHIMP_AUDIENCE, CST_FILE_KIND_CONTACTS, N_("This looks like a Mailchimp audience export"),
    "email address|first name|last name|member rating|optin time|optin ip|confirm time|confirm ip|"
    "latitude|longitude|gmtoff|dstoff|timezone|cc|region|last changed|leid|euid|notes|tags",
    mailchimp_roles },
  { CST_EXPORT_STRIPE_PAYMENTS, CST_FILE_KIND_TRANSACTIONS, N_("This looks like a Stripe payments export"),
    "id|created utc|amount|amount refunded|currency|captured|converted amount|"
    "converted amount refunded|converted currency|fee|refunded date|description|status|"
    "seller message|statement descriptor|customer id|customer description|customer email|"
    "card brand|card funding|invoice id",
    stripe_roles },
  { CST_EXPORT_GA4_EVENTS, CST_FILE_KIND_EVENTS, N_("This looks like a Google Analytics 4 events export"),
    "event date|event timestamp|event name|event params|event previous timestamp|"
    "event value in usd|event bundle sequence id|user id|user pseudo id|user first touch timestamp|"
    "platform|device|geo|traffic source|stream id|items|ecommerce",
    ga4_roles },
};

static const char * const country_codes =
  "|DE|AT|CH|FR|IT|ES|PT|NL|BE|LU|DK|SE|NO|FI|IS|IE|GB|UK|US|CA|MX|BR|AR|CL|CO|PE|AU|NZ|JP|CN|IN|"
  "KR|SG|HK|TW|PL|CZ|SK|HU|RO|BG|GR|TR|RU|UA|ZA|EG|NG|IL|AE|SA|"
  "DEU|AUT|CHE|FRA|ITA|ESP|PRT|NLD|BEL|LUX|DNK|SWE|NOR|FIN|ISL|IRL|GBR|USA|CAN|MEX|BRA|ARG|CHL|COL|"
  "PER|AUS|NZL|JPN|CHN|IND|KOR|SGP|HKG|TWN|POL|CZE|SVK|HUN|ROU|BGR|GRC|TUR|RUS|UKR|ZAF|EGY|NGA|"
  "ISR|ARE|SAU|";

static const char * const country_names =
  "|germany|deutschland|allemagne|alemania|alemanha|austria|osterreich|autriche|switzerland|"
  "schweiz|suisse|suiza|suica|france|frankreich|francia|franca|italy|italien|italie|italia|spain|"
  "spanien|espagne|espana|espanha|portugal|netherlands|the netherlands|niederlande|pays bas|"
  "paises bajos|holanda|holland|belgium|belgien|belgique|belgica|luxembourg|luxemburg|denmark|"
  "danemark|dinamarca|sweden|schweden|suede|suecia|norway|norwegen|norvege|noruega|finland|"
  "finnland|ireland|irland|irlande|irlanda|united kingdom|vereinigtes konigreich|royaume uni|"
  "reino unido|great britain|england|united states|united states of america|"
  "vereinigte staaten|etats unis|estados unidos|canada|kanada|mexico|mexiko|mexique|brazil|"
  "brasilien|bresil|brasil|argentina|argentinien|australia|australien|australie|japan|japon|"
  "china|chine|india|indien|inde|poland|polen|pologne|polonia|czech republic|czechia|tschechien|"
  "greece|griechenland|grece|grecia|turkey|turkei|turquie|turquia|russia|russland|russie|rusia|"
  "south africa|sudafrika|new zealand|neuseeland|";

static const char * const true_words = "|yes|y|true|t|1|ja|j|oui|si|sim|wahr|vrai|verdadero|verdadeiro|";
static const char * const false_words = "|no|n|false|f|0|nein|non|nao|falsch|faux|falso|";

/* Names that say a short code column holds regions, not countries ("SP", "CA"). */
static const char * const region_words = "state|province|region|bundesland|estado|provincia|canton|kanton|departement";

static gboolean
in_list (const char *list,
         const char *word)
{
  g_autofree char *needle = g_strdup_printf ("|%s|", word);

  return strstr (list, needle) != NULL;
}

static char *
normalize (const char *text)
{
  g_autoptr(GString) split = g_string_new (NULL);
  g_autofree char *lower = NULL;
  g_autofree char *ascii = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gunichar previous = 0;

  /* Camel case: a capital after a small letter starts a word ("customerID", "TotalCharges"). */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isupper (c) && g_unichar_islower (previous))
        g_string_append_c (split, ' ');
      g_string_append_unichar (split, c);
      previous = c;
    }

  lower = g_utf8_strdown (split->str, -1);
  ascii = g_str_to_ascii (lower, "C");
  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (out, *p);
      else if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* How well @synonym names a column called @name (both normalised), 0–1: all of it, or a run
 * of its words, scored by how much of the name it covers. */
static double
name_match (const char *name,
            const char *synonym,
            gsize       synonym_len)
{
  gsize name_len = strlen (name);

  if (name_len == synonym_len && memcmp (name, synonym, synonym_len) == 0)
    return 1.0;
  /* One- and two-letter synonyms ("y", "cp", "id") only count as the whole name. */
  if (synonym_len < 3 || synonym_len >= name_len)
    return 0;

  for (const char *q = name; q + synonym_len <= name + name_len; q++)
    if ((q == name || q[-1] == ' ') && memcmp (q, synonym, synonym_len) == 0 &&
        (q[synonym_len] == '\0' || q[synonym_len] == ' '))
      return 0.6 + 0.35 * (double) synonym_len / name_len;
  return 0;
}

typedef struct
{
  guint       n_values;
  guint       n_empty;
  guint       n_distinct;
  guint       n_number;
  guint       n_fraction;     /* numbers with decimals */
  guint       n_money;        /* numbers with a currency */
  guint       n_leading_zero;
  guint       max_digits;
  guint       n_true, n_false;
  gboolean    bool_words;     /* yes/no and the like rather than 1/0 */
  guint       n_email;
  guint       n_phone;
  guint       n_country;
  guint       n_code_like;
  guint       n_spaces;
  guint       n_postcode;
  const char *currencies[4];
  guint       n_currencies;
} Stats;

static gboolean
looks_like_email (const char *text)
{
  const char *at = strchr (text, '@');
  const char *dot;

  if (at == NULL || at == text || strchr (at + 1, '@') != NULL || strpbrk (text, " \t,;<>") != NULL)
    return FALSE;
  dot = strrchr (at, '.');
  return dot != NULL && dot > at + 1 && g_ascii_isalpha (dot[1]) && g_ascii_isalpha (dot[2]);
}

static gboolean
looks_like_phone (const char *text)
{
  guint digits = 0, separators = 0;
  const char *p = text;

  while (*p == ' ')
    p++;
  if (*p != '+' && *p != '0' && *p != '(')
    return FALSE;
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (strchr ("+ -()/.", *p) != NULL)
        separators++;
      else
        return FALSE;
    }
  return digits >= 7 && digits <= 15 && (separators > 0 || text[0] == '0');
}

/* Postcodes of the countries Constellate's users mostly come from: 4–5 digits (DE, FR, ES, AT,
 * CH, AU…), 5+3 (BR "01310-100"), 4 digits + 2 letters (NL), the UK and Canadian shapes. */
static gboolean
looks_like_postcode (const char *text)
{
  gsize len = strlen (text);
  guint digits = 0, letters = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (g_ascii_isalpha (*p))
        letters++;
      else if (*p != ' ' && *p != '-')
        return FALSE;
    }
  if (letters == 0)
    return digits >= 3 && digits <= 8 && len <= 9;
  return len >= 5 && len <= 8 && digits >= 1 && letters >= 1;
}

static gboolean
looks_like_country (const char *text)
{
  g_autofree char *norm = NULL;

  if (strlen (text) <= 3)
    {
      g_autofree char *upper = g_ascii_strup (text, -1);

      if (strlen (text) >= 2 && in_list (country_codes, upper))
        return TRUE;
    }
  norm = normalize (text);
  return norm[0] != '\0' && in_list (country_names, norm);
}

static gboolean
looks_like_code (const char *text)
{
  gsize len = strlen (text);
  guint digits = 0, hex = 0;

  if (len < 3 || len > 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ' ')
        return FALSE;
      if (g_ascii_isdigit (*p))
        digits++;
      if (g_ascii_isxdigit (*p))
        hex++;
    }
  return digits > 0 || (len >= 16 && hex == len);
}

static void
collect_stats (const CstSniffResult *sniff,
               guint                 column,
               Stats                *st,
               GPtrArray            *samples)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  memset (st, 0, sizeof *st);

  for (guint r = 0; r < sniff->rows->len; r++)
    {
      const char *text = cst_sniff_result_get_value (sniff, r, column);
      CstNumberInfo info;
      g_autofree char *word = NULL;

      if (cst_parse_is_na (text))
        {
          st->n_empty++;
          continue;
        }
      st->n_values++;
      if (!g_hash_table_contains (seen, text))
        {
          g_hash_table_add (seen, (gpointer) text);
          if (samples->len < 5)
            g_ptr_array_add (samples, g_strdup (text));
        }

      if (cst_parse_number (text, sniff->decimal, sniff->thousands, NULL, &info))
        {
          st->n_number++;
          if (info.n_decimals > 0)
            st->n_fraction++;
          if (info.leading_zero)
            st->n_leading_zero++;
          st->max_digits = MAX (st->max_digits, info.n_digits + info.n_decimals);
          if (info.currency != NULL)
            {
              gboolean known = FALSE;

              st->n_money++;
              for (guint i = 0; i < st->n_currencies; i++)
                known |= g_str_equal (st->currencies[i], info.currency);
              if (!known && st->n_currencies < G_N_ELEMENTS (st->currencies))
                st->currencies[st->n_currencies++] = info.currency;
            }
        }

      word = normalize (text);
      if (in_list (true_words, word))
        {
          st->n_true++;
          st->bool_words |= !g_str_equal (word, "1");
        }
      else if (in_list (false_words, word))
        {
          st->n_false++;
          st->bool_words |= !g_str_equal (word, "0");
        }

      if (looks_like_email (text))
        st->n_email++;
      if (looks_like_phone (text))
        st->n_phone++;
      if (looks_like_country (text))
        st->n_country++;
      if (looks_like_code (text))
        st->n_code_like++;
      if (looks_like_postcode (text))
        st->n_postcode++;
      if (strchr (text, ' ') != NULL)
        st->n_spaces++;
    }

  st->n_distinct = g_hash_table_size (seen);
}

static gboolean
share (guint  part,
       guint  whole,
       double at_least)
{
  return whole > 0 && part >= at_least * whole;
}

static CstColumnType
infer_type (const Stats          *st,
            const CstSniffColumn *sc,
            const char           *norm_name,
            double               *confidence)
{
  guint n = st->n_values;
  gboolean region_name = FALSE;
  g_auto(GStrv) regions = g_strsplit (region_words, "|", -1);

  *confidence = 1.0;
  if (n == 0)
    return CST_COLUMN_TYPE_EMPTY;

  for (guint i = 0; regions[i] != NULL; i++)
    region_name |= strstr (norm_name, regions[i]) != NULL;

  if (st->n_true + st->n_false == n && st->n_distinct <= 2 &&
      (st->bool_words || (st->n_true > 0 && st->n_false > 0)))
    return CST_COLUMN_TYPE_BOOLEAN;

  /* Eight-digit numbers are dates only with enough of them: a few could be any number. */
  if (share (sc->n_dates, n, TYPE_SHARE) && sc->n_date_formats > 0 &&
      (sc->date_formats != CST_DATE_FORMAT_COMPACT || n >= 5 ||
       strstr (norm_name, "date") != NULL || strstr (norm_name, "datum") != NULL))
    {
      *confidence = (double) sc->n_dates / n;
      return sc->has_time ? CST_COLUMN_TYPE_DATETIME : CST_COLUMN_TYPE_DATE;
    }

  if (share (st->n_email, n, 0.9))
    {
      *confidence = (double) st->n_email / n;
      return CST_COLUMN_TYPE_EMAIL;
    }

  if (share (st->n_number, n, TYPE_SHARE))
    {
      *confidence = (double) st->n_number / n;
      if (st->n_leading_zero > 0 && st->n_fraction == 0)
        return share (st->n_phone, n, 0.9) ? CST_COLUMN_TYPE_PHONE : CST_COLUMN_TYPE_IDENTIFIER;
      if (share (st->n_money, st->n_number, 0.5))
        return CST_COLUMN_TYPE_MONEY;
      if (st->n_fraction == 0)
        return st->max_digits >= 10 && share (st->n_distinct, n, 0.9)
               ? CST_COLUMN_TYPE_IDENTIFIER : CST_COLUMN_TYPE_INTEGER;
      return CST_COLUMN_TYPE_DECIMAL;
    }

  if (share (st->n_phone, n, 0.9))
    {
      *confidence = (double) st->n_phone / n;
      return CST_COLUMN_TYPE_PHONE;
    }

  /* "No" is Norway's code, but a column of yes/no words is no country column. */
  if (!region_name && share (st->n_country, n, 0.9) && !share (st->n_true + st->n_false, n, 0.5))
    {
      *confidence = (double) st->n_country / n;
      return CST_COLUMN_TYPE_COUNTRY;
    }

  /* Few distinct values that repeat: up to 20 in a small sample, up to 50 (Brazil's states,
   * product groups) when each repeats ten times on average. */
  if ((st->n_distinct <= 20 && st->n_distinct * 2 <= n) ||
      (st->n_distinct <= 50 && st->n_distinct * 10 <= n))
    return CST_COLUMN_TYPE_CATEGORY;

  /* Codes: mostly distinct, or code-shaped even when repeated (an order number on every line
   * item of the order). */
  if (share (st->n_code_like, n, TYPE_SHARE) &&
      (share (st->n_distinct, n, 0.9) || st->n_distinct > 50))
    return CST_COLUMN_TYPE_IDENTIFIER;

  return CST_COLUMN_TYPE_TEXT;
}

/* How well values of @type can carry @role, 0–1. */
static double
compatibility (CstRole       role,
               CstColumnType type)
{
  if (type == CST_COLUMN_TYPE_EMPTY)
    return 0.5;

  switch (role)
    {
    case CST_ROLE_EMAIL:
      return type == CST_COLUMN_TYPE_EMAIL ? 1.0 : 0.2;
    case CST_ROLE_PHONE:
      return type == CST_COLUMN_TYPE_PHONE ? 1.0 :
             type == CST_COLUMN_TYPE_INTEGER || type == CST_COLUMN_TYPE_IDENTIFIER ? 0.7 :
             type == CST_COLUMN_TYPE_TEXT ? 0.5 : 0.1;
    case CST_ROLE_FIRST_NAME:
    case CST_ROLE_LAST_NAME:
    case CST_ROLE_FULL_NAME:
    case CST_ROLE_CITY:
      return type == CST_COLUMN_TYPE_TEXT || type == CST_COLUMN_TYPE_CATEGORY ? 1.0 :
             type == CST_COLUMN_TYPE_IDENTIFIER ? 0.4 : 0.1;
    case CST_ROLE_STREET:
      return type == CST_COLUMN_TYPE_TEXT ? 1.0 :
             type == CST_COLUMN_TYPE_CATEGORY || type == CST_COLUMN_TYPE_IDENTIFIER ? 0.6 : 0.1;
    case CST_ROLE_POSTCODE:
      return type == CST_COLUMN_TYPE_POSTCODE ? 1.0 :
             type == CST_COLUMN_TYPE_INTEGER || type == CST_COLUMN_TYPE_IDENTIFIER ? 0.9 :
             type == CST_COLUMN_TYPE_TEXT || type == CST_COLUMN_TYPE_CATEGORY ? 0.6 : 0.1;
    case CST_ROLE_COUNTRY:
      return type == CST_COLUMN_TYPE_COUNTRY ? 1.0 :
             type == CST_COLUMN_TYPE_CATEGORY ? 0.8 : type == CST_COLUMN_TYPE_TEXT ? 0.5 : 0.1;
    case CST_ROLE_BIRTH_DATE:
    case CST_ROLE_ORDER_DATE:
    case CST_ROLE_EVENT_TIME:
      return type == CST_COLUMN_TYPE_DATE || type == CST_COLUMN_TYPE_DATETIME ? 1.0 : 0.15;
    case CST_ROLE_CUSTOMER_KEY:
    case CST_ROLE_ORDER_ID:
      return type == CST_COLUMN_TYPE_IDENTIFIER || type == CST_COLUMN_TYPE_INTEGER ? 1.0 :
             type == CST_COLUMN_TYPE_TEXT || type == CST_COLUMN_TYPE_EMAIL ? 0.6 :
             type == CST_COLUMN_TYPE_CATEGORY ? 0.4 : 0.2;
    case CST_ROLE_AMOUNT:
    case CST_ROLE_UNIT_PRICE:
      return type == CST_COLUMN_TYPE_MONEY || type == CST_COLUMN_TYPE_DECIMAL ? 1.0 :
             type == CST_COLUMN_TYPE_INTEGER ? 0.8 : 0.15;
    case CST_ROLE_DISCOUNT:
      return type == CST_COLUMN_TYPE_MONEY || type == CST_COLUMN_TYPE_DECIMAL ||
             type == CST_COLUMN_TYPE_INTEGER ? 1.0 :
             type == CST_COLUMN_TYPE_CATEGORY || type == CST_COLUMN_TYPE_BOOLEAN ? 0.7 : 0.5;
    case CST_ROLE_QUANTITY:
      return type == CST_COLUMN_TYPE_INTEGER ? 1.0 : type == CST_COLUMN_TYPE_DECIMAL ? 0.7 : 0.1;
    case CST_ROLE_PRODUCT:
      return type == CST_COLUMN_TYPE_TEXT || type == CST_COLUMN_TYPE_CATEGORY ||
             type == CST_COLUMN_TYPE_IDENTIFIER ? 1.0 : type == CST_COLUMN_TYPE_INTEGER ? 0.6 : 0.2;
    case CST_ROLE_CATEGORY:
    case CST_ROLE_CHANNEL:
    case CST_ROLE_EVENT_TYPE:
    case CST_ROLE_CAMPAIGN:
      return type == CST_COLUMN_TYPE_CATEGORY ? 1.0 : type == CST_COLUMN_TYPE_TEXT ? 0.7 :
             type == CST_COLUMN_TYPE_IDENTIFIER ? 0.5 : 0.2;
    case CST_ROLE_OPENED:
    case CST_ROLE_CLICKED:
    case CST_ROLE_CONSENT:
    case CST_ROLE_OUTCOME:
      return type == CST_COLUMN_TYPE_BOOLEAN ? 1.0 :
             type == CST_COLUMN_TYPE_DATE || type == CST_COLUMN_TYPE_DATETIME ? 0.8 :
             type == CST_COLUMN_TYPE_CATEGORY || type == CST_COLUMN_TYPE_INTEGER ? 0.6 : 0.2;
    case CST_ROLE_NONE:
    case CST_N_ROLES:
    default:
      return 0;
    }
}

/* Roles the values alone suggest, for columns whose names say nothing. */
static double
value_role_score (CstRole       role,
                  CstColumnType type)
{
  if (role == CST_ROLE_EMAIL && type == CST_COLUMN_TYPE_EMAIL)
    return 0.7;
  if (role == CST_ROLE_PHONE && type == CST_COLUMN_TYPE_PHONE)
    return 0.6;
  if (role == CST_ROLE_COUNTRY && type == CST_COLUMN_TYPE_COUNTRY)
    return 0.6;
  return 0;
}

/* Names of delivery costs, which are money but not the value of what was bought. */
static gboolean
is_shipping_cost (const char *name)
{
  static const char * const words[] = { "freight", "shipping", "postage", "delivery fee",
                                        "versand", "fracht", "porto", "frete", "envio",
                                        "livraison" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (name, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Without a header, only the values can say what a column means. A log of purchases written
 * without column names (CDNOW's, for one) reads as: the first identifier that repeats is the
 * customer, a date is when, a decimal or money column how much, a whole number how many. Low
 * confidences, so that the wizard shows them as guesses; the first column of a type wins. */
static void
add_headerless_scores (const CstInference *self,
                       double             *scores)
{
  gboolean seen[CST_N_ROLES] = { FALSE };

  for (guint c = 0; c < self->n_columns; c++)
    {
      const CstColumnInference *col = &self->columns[c];
      CstRole role = CST_ROLE_NONE;
      double score = 0.45;

      switch (col->type)
        {
        case CST_COLUMN_TYPE_IDENTIFIER:
          if (col->n_distinct < col->n_values)
            role = CST_ROLE_CUSTOMER_KEY;
          break;
        case CST_COLUMN_TYPE_DATE:
        case CST_COLUMN_TYPE_DATETIME:
          role = CST_ROLE_ORDER_DATE;
          break;
        case CST_COLUMN_TYPE_MONEY:
          score = 0.5;
          role = CST_ROLE_AMOUNT;
          break;
        case CST_COLUMN_TYPE_DECIMAL:
          role = CST_ROLE_AMOUNT;
          break;
        case CST_COLUMN_TYPE_INTEGER:
          score = 0.35;
          role = CST_ROLE_QUANTITY;
          break;
        case CST_COLUMN_TYPE_EMPTY:
        case CST_COLUMN_TYPE_BOOLEAN:
        case CST_COLUMN_TYPE_EMAIL:
        case CST_COLUMN_TYPE_PHONE:
        case CST_COLUMN_TYPE_POSTCODE:
        case CST_COLUMN_TYPE_COUNTRY:
        case CST_COLUMN_TYPE_CATEGORY:
        case CST_COLUMN_TYPE_TEXT:
        case CST_N_COLUMN_TYPES:
        default:
          break;
        }

      if (role == CST_ROLE_NONE || seen[role])
        continue;
      seen[role] = TRUE;
      scores[c * CST_N_ROLES + role] = MAX (scores[c * CST_N_ROLES + role], score);
    }
}

static void
add_warnings (CstColumnInference   *col,
              const Stats          *st,
              const CstSniffColumn *sc,
              GPtrArray            *warnings)
{
  guint total = st->n_values + st->n_empty;

  if (st->n_empty > 0 && total > 0)
    {
      guint percent = (guint) floor (100.0 * st->n_empty / total + 0.5);

      if (percent >= 1)
        /* Translators: a share of the sampled values of a column, as in "12 % empty" */
        g_ptr_array_add (warnings, g_strdup_printf (_("%u %% empty"), percent));
    }

  if ((col->type == CST_COLUMN_TYPE_DATE || col->type == CST_COLUMN_TYPE_DATETIME) &&
      sc->n_date_formats >= 2)
    g_ptr_array_add (warnings,
                     g_strdup_printf (ngettext ("%u date format", "%u date formats",
                                                sc->n_date_formats),
                                      sc->n_date_formats));

  if ((col->type == CST_COLUMN_TYPE_DATE || col->type == CST_COLUMN_TYPE_DATETIME) &&
      sc->date_ambiguous)
    g_ptr_array_add (warnings, g_strdup (_("dates could be day/month or month/day")));

  if (st->n_currencies == 2)
    g_ptr_array_add (warnings, g_strdup (_("looks like money in two currencies")));
  else if (st->n_currencies > 2)
    g_ptr_array_add (warnings,
                     g_strdup_printf (ngettext ("looks like money in %u currency",
                                                "looks like money in %u currencies",
                                                st->n_currencies),
                                      st->n_currencies));

  if (col->type_confidence < 1.0 && col->type != CST_COLUMN_TYPE_TEXT &&
      col->type != CST_COLUMN_TYPE_CATEGORY && col->type != CST_COLUMN_TYPE_EMPTY)
    {
      guint bad = st->n_values - (guint) floor (col->type_confidence * st->n_values + 0.5);

      if (bad > 0)
        g_ptr_array_add (warnings,
                         g_strdup_printf (ngettext ("%u value does not look like the others",
                                                    "%u values do not look like the others", bad),
                                          bad));
    }
}

static const ExportSignature *
detect_export (char **names,
               guint  n_columns)
{
  const ExportSignature *best = NULL;
  double best_score = 0;

  for (guint e = 0; e < G_N_ELEMENTS (exports); e++)
    {
      g_auto(GStrv) markers = g_strsplit (exports[e].markers, "|", -1);
      guint n_markers = g_strv_length (markers);
      guint found = 0;
      double score;

      for (guint m = 0; m < n_markers; m++)
        for (guint c = 0; c < n_columns; c++)
          if (g_str_equal (names[c], markers[m]))
            {
              found++;
              break;
            }

      /* Exports change their columns over the years and users delete some, so a good part of
       * the set is enough; but it has to be a set, not two common names. */
      score = (double) found / MIN (n_markers, 12);
      if (found >= 5 && score >= 0.5 && score > best_score)
        {
          best = &exports[e];
          best_score = score;
        }
    }
  return best;
}

CstFileKind
cst_role_get_file_kind (CstRole role)
{
  switch (role)
    {
    case CST_ROLE_ORDER_ID:
    case CST_ROLE_ORDER_DATE:
    case CST_ROLE_AMOUNT:
    case CST_ROLE_UNIT_PRICE:
    case CST_ROLE_QUANTITY:
    case CST_ROLE_PRODUCT:
    case CST_ROLE_CATEGORY:
    case CST_ROLE_DISCOUNT:
      return CST_FILE_KIND_TRANSACTIONS;
    case CST_ROLE_EVENT_TYPE:
    case CST_ROLE_EVENT_TIME:
      return CST_FILE_KIND_EVENTS;
    case CST_ROLE_CAMPAIGN:
    case CST_ROLE_OPENED:
    case CST_ROLE_CLICKED:
      return CST_FILE_KIND_ENGAGEMENT;
    case CST_ROLE_PHONE:
    case CST_ROLE_FIRST_NAME:
    case CST_ROLE_LAST_NAME:
    case CST_ROLE_FULL_NAME:
    case CST_ROLE_STREET:
    case CST_ROLE_POSTCODE:
    case CST_ROLE_CITY:
    case CST_ROLE_COUNTRY:
    case CST_ROLE_BIRTH_DATE:
    case CST_ROLE_CONSENT:
    case CST_ROLE_OUTCOME:
      return CST_FILE_KIND_CONTACTS;
    case CST_ROLE_NONE:
    case CST_ROLE_CUSTOMER_KEY:
    case CST_ROLE_EMAIL:
    case CST_ROLE_CHANNEL:
    case CST_N_ROLES:
    default:
      return CST_FILE_KIND_UNKNOWN;
    }
}

static void
choose_kind (CstInference *self)
{
  double score[CST_N_FILE_KINDS] = { 0 };
  gboolean has[CST_N_ROLES] = { FALSE };
  double total = 0;
  CstFileKind best = CST_FILE_KIND_UNKNOWN;

  for (guint c = 0; c < self->n_columns; c++)
    {
      CstRole role = self->columns[c].role;

      score[cst_role_get_file_kind (role)] += self->columns[c].confidence;
      has[role] = TRUE;
    }

  for (guint k = CST_FILE_KIND_CONTACTS; k < CST_N_FILE_KINDS; k++)
    total += score[k];

  /* Rows are what decides the kind, not the number of columns: a row with an order number or
   * date and something bought is a purchase, even when it repeats the buyer's address; a row
   * with an opened or clicked flag is engagement; an event type with its time is an event. */
  if ((has[CST_ROLE_ORDER_DATE] || has[CST_ROLE_ORDER_ID]) &&
      (has[CST_ROLE_AMOUNT] || has[CST_ROLE_UNIT_PRICE] || has[CST_ROLE_QUANTITY] ||
       has[CST_ROLE_PRODUCT]))
    best = CST_FILE_KIND_TRANSACTIONS;
  else if (has[CST_ROLE_OPENED] || has[CST_ROLE_CLICKED])
    best = CST_FILE_KIND_ENGAGEMENT;
  else if (has[CST_ROLE_EVENT_TYPE] && (has[CST_ROLE_EVENT_TIME] || has[CST_ROLE_ORDER_DATE]))
    best = CST_FILE_KIND_EVENTS;
  else
    {
      /* Without an order number or date, amounts describe customers (a churn table's
       * "TotalCharges"), not purchases. */
      if (!has[CST_ROLE_ORDER_DATE] && !has[CST_ROLE_ORDER_ID])
        {
          score[CST_FILE_KIND_CONTACTS] += score[CST_FILE_KIND_TRANSACTIONS];
          score[CST_FILE_KIND_TRANSACTIONS] = 0;
        }
      for (guint k = CST_FILE_KIND_CONTACTS; k < CST_N_FILE_KINDS; k++)
        if (score[k] > 0 && (best == CST_FILE_KIND_UNKNOWN || score[k] > score[best]))
          best = k;
    }

  if (best == CST_FILE_KIND_UNKNOWN)
    {
      /* Only a key or an email: a list of people. */
      gboolean has_key = has[CST_ROLE_CUSTOMER_KEY] || has[CST_ROLE_EMAIL];

      self->kind = has_key ? CST_FILE_KIND_CONTACTS : CST_FILE_KIND_UNKNOWN;
      self->kind_confidence = has_key ? 0.4 : 0;
      return;
    }
  self->kind = best;
  self->kind_confidence = total > 0 ? CLAMP (0.5 + 0.5 * score[best] / total, 0.5, 1.0) : 0.5;
}

/**
 * cst_infer_columns:
 * @sniff: a sniffed file
 *
 * Infers each column's type and role from its header name and sampled values, recognises
 * common exports, and preselects what the file holds. Every role is given to at most one
 * column, the most confident first; a role below 0.3 is not proposed.
 *
 * Cost: linear in the sampled values (at most %CST_SNIFF_MAX_ROWS per column).
 *
 * Returns: (transfer full): the inference; free with cst_inference_free()
 */
CstInference *
cst_infer_columns (const CstSniffResult *sniff)
{
  g_autoptr(CstInference) self = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree double *scores = NULL;
  g_autofree gboolean *fixed = NULL;
  gboolean role_taken[CST_N_ROLES] = { FALSE };
  const ExportSignature *signature;
  guint n;

  g_return_val_if_fail (sniff != NULL, NULL);

  n = sniff->n_columns;
  self = g_new0 (CstInference, 1);
  self->n_columns = n;
  self->columns = g_new0 (CstColumnInference, n);
  names = g_new0 (char *, n + 1);
  scores = g_new0 (double, (gsize) n * CST_N_ROLES);
  fixed = g_new0 (gboolean, n);

  for (guint c = 0; c < n; c++)
    {
      CstColumnInference *col = &self->columns[c];
      const CstSniffColumn *sc = &sniff->columns[c];
      g_autoptr(GPtrArray) samples = g_ptr_array_new ();
      g_autoptr(GPtrArray) warnings = g_ptr_array_new ();
      Stats st;

      names[c] = normalize (sniff->header[c]);
      col->name = g_strdup (sniff->header[c]);
      collect_stats (sniff, c, &st, samples);
      col->type = infer_type (&st, sc, names[c], &col->type_confidence);
      col->n_values = st.n_values;
      col->n_empty = st.n_empty;
      col->n_distinct = st.n_distinct;
      col->currency = st.n_currencies == 1 ? st.currencies[0] : NULL;

      if (col->type == CST_COLUMN_TYPE_DATE || col->type == CST_COLUMN_TYPE_DATETIME)
        {
          guint formats = sc->date_formats;

          col->date_ambiguous = sc->date_ambiguous;
          /* Ambiguous columns preselect day first (most of the world); the wizard asks. */
          if (sc->date_ambiguous)
            col->date_format = CST_DATE_FORMAT_DMY;
          else if (formats != 0)
            col->date_format = formats & -formats;
        }

      for (guint r = 1; r < CST_N_ROLES; r++)
        scores[c * CST_N_ROLES + r] = value_role_score (r, col->type);

      for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
        {
          g_auto(GStrv) synonyms = g_strsplit (role_names[i].names, "|", -1);
          CstRole role = role_names[i].role;
          double best = 0;

          for (guint s = 0; synonyms[s] != NULL; s++)
            best = MAX (best, name_match (names[c], synonyms[s], strlen (synonyms[s])));
          best *= role_names[i].weight * compatibility (role, col->type);
          /* "freight_value" is what the delivery cost, not what was bought. */
          if ((role == CST_ROLE_AMOUNT || role == CST_ROLE_UNIT_PRICE) &&
              is_shipping_cost (names[c]))
            best = 0;
          scores[c * CST_N_ROLES + role] = MAX (scores[c * CST_N_ROLES + role], best);
        }

      add_warnings (col, &st, sc, warnings);
      g_ptr_array_add (samples, NULL);
      col->samples = (char **) g_ptr_array_steal (samples, NULL);
      g_ptr_array_add (warnings, NULL);
      col->warnings = (char **) g_ptr_array_steal (warnings, NULL);
    }

  if (!sniff->has_header)
    add_headerless_scores (self, scores);

  /* A known export names its columns exactly. */
  signature = detect_export (names, n);
  if (signature != NULL)
    {
      self->export = signature->export;
      self->detected_export = g_strdup (_(signature->name));
      for (const ExportRole *er = signature->roles; er->header != NULL; er++)
        for (guint c = 0; c < n; c++)
          if (!fixed[c] && g_str_equal (names[c], er->header) &&
              (er->role == CST_ROLE_NONE || !role_taken[er->role]))
            {
              fixed[c] = TRUE;
              self->columns[c].role = er->role;
              self->columns[c].confidence = er->role == CST_ROLE_NONE ? 0 : 0.95;
              if (er->role != CST_ROLE_NONE)
                role_taken[er->role] = TRUE;
              break;
            }
    }

  /* One column per role, the most confident pairs first. */
  for (;;)
    {
      double best = MIN_ROLE_CONFIDENCE;
      int best_c = -1, best_r = -1;

      for (guint c = 0; c < n; c++)
        {
          if (fixed[c])
            continue;
          for (guint r = 1; r < CST_N_ROLES; r++)
            if (!role_taken[r] && scores[c * CST_N_ROLES + r] > best)
              {
                best = scores[c * CST_N_ROLES + r];
                best_c = c;
                best_r = r;
              }
        }
      if (best_c < 0)
        break;
      fixed[best_c] = TRUE;
      role_taken[best_r] = TRUE;
      self->columns[best_c].role = best_r;
      self->columns[best_c].confidence = MIN (best, 1.0);
    }

  /* The role sharpens a generic type: digits named "PLZ" are postcodes. */
  for (guint c = 0; c < n; c++)
    {
      CstColumnInference *col = &self->columns[c];

      if (col->role == CST_ROLE_POSTCODE &&
          (col->type == CST_COLUMN_TYPE_INTEGER || col->type == CST_COLUMN_TYPE_IDENTIFIER ||
           col->type == CST_COLUMN_TYPE_TEXT || col->type == CST_COLUMN_TYPE_CATEGORY))
        {
          Stats st;
          g_autoptr(GPtrArray) unused = g_ptr_array_new_with_free_func (g_free);

          collect_stats (sniff, c, &st, unused);
          if (share (st.n_postcode, st.n_values, TYPE_SHARE))
            col->type = CST_COLUMN_TYPE_POSTCODE;
        }
      else if (col->role == CST_ROLE_PHONE &&
               (col->type == CST_COLUMN_TYPE_INTEGER || col->type == CST_COLUMN_TYPE_IDENTIFIER))
        col->type = CST_COLUMN_TYPE_PHONE;
    }

  if (signature != NULL)
    {
      self->kind = signature->kind;
      self->kind_confidence = 0.95;
    }
  else
    choose_kind (self);

  return g_steal_pointer (&self);
}

/**
 * cst_inference_find_role:
 * @self: an inference
 * @role: a role
 *
 * Returns: the column holding @role, or -1
 */
int
cst_inference_find_role (const CstInference *self,
                         CstRole             role)
{
  g_return_val_if_fail (self != NULL, -1);

  for (guint c = 0; c < self->n_columns; c++)
    if (self->columns[c].role == role)
      return c;
  return -1;
}

void
cst_inference_free (CstInference *self)
{
  if (self == NULL)
    return;

  for (guint c = 0; c < self->n_columns; c++)
    {
      g_free (self->columns[c].name);
      g_strfreev (self->columns[c].samples);
      g_strfreev (self->columns[c].warnings);
    }
  g_free (self->columns);
  g_free (self->detected_export);
  g_free (self);
}

static const struct
{
  const char *nick;
  const char *label;
} type_names[CST_N_COLUMN_TYPES] = {
  [CST_COLUMN_TYPE_EMPTY] = { "empty", N_("Empty") },
  [CST_COLUMN_TYPE_INTEGER] = { "integer", N_("Whole number") },
  [CST_COLUMN_TYPE_DECIMAL] = { "decimal", N_("Number") },
  [CST_COLUMN_TYPE_MONEY] = { "money", N_("Money") },
  [CST_COLUMN_TYPE_DATE] = { "date", N_("Date") },
  [CST_COLUMN_TYPE_DATETIME] = { "datetime", N_("Date and time") },
  [CST_COLUMN_TYPE_BOOLEAN] = { "boolean", N_("Yes or no") },
  [CST_COLUMN_TYPE_EMAIL] = { "email", N_("Email address") },
  [CST_COLUMN_TYPE_PHONE] = { "phone", N_("Phone number") },
  [CST_COLUMN_TYPE_POSTCODE] = { "postcode", N_("Postcode") },
  [CST_COLUMN_TYPE_COUNTRY] = { "country", N_("Country") },
  [CST_COLUMN_TYPE_CATEGORY] = { "category", N_("Category") },
  [CST_COLUMN_TYPE_TEXT] = { "text", N_("Text") },
  [CST_COLUMN_TYPE_IDENTIFIER] = { "identifier", N_("Identifier") },
};

static const struct
{
  const char *nick;
  const char *label;
} role_labels[CST_N_ROLES] = {
  [CST_ROLE_NONE] = { "none", N_("Not used") },
  [CST_ROLE_CUSTOMER_KEY] = { "customer-key", N_("Customer number") },
  [CST_ROLE_EMAIL] = { "email", N_("Email address") },
  [CST_ROLE_PHONE] = { "phone", N_("Phone number") },
  [CST_ROLE_FIRST_NAME] = { "first-name", N_("First name") },
  [CST_ROLE_LAST_NAME] = { "last-name", N_("Last name") },
  [CST_ROLE_FULL_NAME] = { "full-name", N_("Full name") },
  [CST_ROLE_STREET] = { "street", N_("Street") },
  [CST_ROLE_POSTCODE] = { "postcode", N_("Postcode") },
  [CST_ROLE_CITY] = { "city", N_("City") },
  [CST_ROLE_COUNTRY] = { "country", N_("Country") },
  [CST_ROLE_BIRTH_DATE] = { "birth-date", N_("Date of birth") },
  [CST_ROLE_ORDER_ID] = { "order-id", N_("Order number") },
  [CST_ROLE_ORDER_DATE] = { "order-date", N_("Order date") },
  [CST_ROLE_AMOUNT] = { "amount", N_("Amount") },
  [CST_ROLE_UNIT_PRICE] = { "unit-price", N_("Unit price") },
  [CST_ROLE_QUANTITY] = { "quantity", N_("Quantity") },
  [CST_ROLE_PRODUCT] = { "product", N_("Product") },
  [CST_ROLE_CATEGORY] = { "category", N_("Category") },
  [CST_ROLE_CHANNEL] = { "channel", N_("Channel") },
  [CST_ROLE_DISCOUNT] = { "discount", N_("Discount") },
  [CST_ROLE_EVENT_TYPE] = { "event-type", N_("Event type") },
  [CST_ROLE_EVENT_TIME] = { "event-time", N_("Event time") },
  [CST_ROLE_CAMPAIGN] = { "campaign", N_("Campaign") },
  [CST_ROLE_OPENED] = { "opened", N_("Opened") },
  [CST_ROLE_CLICKED] = { "clicked", N_("Clicked") },
  [CST_ROLE_CONSENT] = { "consent", N_("Marketing consent") },
  [CST_ROLE_OUTCOME] = { "outcome", N_("Outcome") },
};

static const struct
{
  const char *nick;
  const char *label;
} kind_labels[CST_N_FILE_KINDS] = {
  [CST_FILE_KIND_UNKNOWN] = { "unknown", N_("Something else") },
  [CST_FILE_KIND_CONTACTS] = { "contacts", N_("Contacts") },
  [CST_FILE_KIND_TRANSACTIONS] = { "transactions", N_("Transactions") },
  [CST_FILE_KIND_EVENTS] = { "events", N_("Events") },
  [CST_FILE_KIND_ENGAGEMENT] = { "engagement", N_("Email engagement") },
};

/* Stable nicks for the CLI, JSON and stored mappings; never translated. */
const char *
cst_column_type_to_string (CstColumnType type)
{
  g_return_val_if_fail (type < CST_N_COLUMN_TYPES, NULL);

  return type_names[type].nick;
}

const char *
cst_column_type_get_label (CstColumnType type)
{
  g_return_val_if_fail (type < CST_N_COLUMN_TYPES, NULL);

  return _(type_names[type].label);
}

const char *
cst_role_to_string (CstRole role)
{
  g_return_val_if_fail (role < CST_N_ROLES, NULL);

  return role_labels[role].nick;
}

/* Returns CST_ROLE_NONE for an unknown nick as well as for "none". */
CstRole
cst_role_from_string (const char *nick)
{
  g_return_val_if_fail (nick != NULL, CST_ROLE_NONE);

  for (guint r = 0; r < CST_N_ROLES; r++)
    if (g_str_equal (role_labels[r].nick, nick))
      return r;
  return CST_ROLE_NONE;
}

const char *
cst_role_get_label (CstRole role)
{
  g_return_val_if_fail (role < CST_N_ROLES, NULL);

  return _(role_labels[role].label);
}

const char *
cst_file_kind_to_string (CstFileKind kind)
{
  g_return_val_if_fail (kind < CST_N_FILE_KINDS, NULL);

  return kind_labels[kind].nick;
}

const char *
cst_file_kind_get_label (CstFileKind kind)
{
  g_return_val_if_fail (kind < CST_N_FILE_KINDS, NULL);

  return _(kind_labels[kind].label);
}
