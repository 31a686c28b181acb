# JUMPGATE_CHECK_NLOHMANN_JSON: nlohmann/json is header-only; check that it compiles.
AC_DEFUN([JUMPGATE_CHECK_NLOHMANN_JSON], [
  AC_CACHE_CHECK([for nlohmann/json.hpp], [jumpgate_cv_nlohmann_json], [
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <nlohmann/json.hpp>]],
                                       [[nlohmann::json j = {{"a", 1}}; return j.size() == 1 ? 0 : 1;]])],
      [jumpgate_cv_nlohmann_json=yes], [jumpgate_cv_nlohmann_json=no])])
  AS_IF([test "x$jumpgate_cv_nlohmann_json" != xyes],
    [AC_MSG_ERROR([nlohmann/json is needed (nlohmann-json3-dev)])])
])
