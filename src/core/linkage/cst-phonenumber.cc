// SPDX-License-Identifier: GPL-3.0-or-later
// The C shim over libphonenumber: parse a number as written, keep it only when the library's
// numbering plan says it is valid, and give it in E.164.

#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "cst-phonenumber.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

extern "C" gboolean
cst_phonenumber_available (void)
{
  return TRUE;
}

extern "C" char *
cst_phonenumber_e164 (const char *raw,
                      const char *default_region)
{
  const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance ();
  PhoneNumber number;
  std::string formatted;

  if (raw == NULL)
    return NULL;
  // "ZZ" is the library's unknown region: only numbers with a country code parse then.
  if (util->Parse (raw, default_region != NULL ? default_region : "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return NULL;
  if (!util->IsValidNumber (number))
    return NULL;
  util->Format (number, PhoneNumberUtil::E164, &formatted);
  return g_strdup (formatted.c_str ());
}
