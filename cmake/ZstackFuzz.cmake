# libFuzzer builds (ZSTACK_BUILD_FUZZERS=ON): clang only. Everything in the build dir is
# compiled with coverage instrumentation plus ASan and UBSan, so the library under test gives
# the fuzzer its coverage; tests/fuzz adds -fsanitize=fuzzer to the harness executables.
# Configure a separate build dir for this (scripts/fuzz.sh uses build/fuzz).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR
    "ZSTACK_BUILD_FUZZERS=ON needs clang (libFuzzer), but the C++ compiler is "
    "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}. Configure a separate build dir with "
    "CC=clang CXX=clang++ (see scripts/fuzz.sh).")
endif()
# UBSan findings abort, so libFuzzer reports them as crashes.
set(_zs_fuzz_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
# Third-party UB that is not ours to fix is listed (with reasons) in tests/fuzz/ubsan-ignorelist.txt.
add_compile_options(-fsanitize=fuzzer-no-link ${_zs_fuzz_san}
                    -fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/tests/fuzz/ubsan-ignorelist.txt)
add_link_options(${_zs_fuzz_san})
