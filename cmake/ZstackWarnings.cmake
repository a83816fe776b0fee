# Warnings on for every target of this project (not for consumers of the installed package).
add_compile_options(-Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 at -O2/-O3 reports false positives inside std::variant/std::optional moves.
  add_compile_options(-Wno-maybe-uninitialized)
endif()
