# ThreadSanitizer for every target (ZSTACK_TSAN=ON). Mutually exclusive with ZSTACK_SANITIZE
# (ASan and TSan cannot share a process). Works with GCC (libtsan) and clang.
# Run with TSAN_OPTIONS=suppressions=tests/tsan.supp (see scripts/test.sh).
set(_zs_tsan -fsanitize=thread -fno-omit-frame-pointer)
add_compile_options(${_zs_tsan})
add_link_options(${_zs_tsan})
