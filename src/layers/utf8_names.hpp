// layers/utf8_names.hpp: archive entry names are bytes, whatever the process locale.
//
// libarchive converts the UTF-8 names of pax headers (and of zip entries flagged UTF-8) to
// the character set of the current locale. Dagda never calls setlocale(), so that is "C"
// (ASCII) even under LANG=C.UTF-8, and every non-ASCII name (ca-certificates ships
// "NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt") failed to convert with a warning. While
// an object of this class lives, the calling thread's LC_CTYPE is C.UTF-8 (glibc has it
// built in), so UTF-8 names pass through unchanged; other threads and the rest of the
// locale are not touched.
#pragma once

#include <locale.h>

namespace dagda {

class Utf8NamesScope {
 public:
  Utf8NamesScope() {
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (utf8 != static_cast<locale_t>(0)) previous_ = uselocale(utf8);
  }
  ~Utf8NamesScope() {
    if (previous_ != static_cast<locale_t>(0)) uselocale(previous_);
  }
  Utf8NamesScope(const Utf8NamesScope&) = delete;
  Utf8NamesScope& operator=(const Utf8NamesScope&) = delete;

 private:
  locale_t previous_ = static_cast<locale_t>(0);
};

}  // namespace dagda
