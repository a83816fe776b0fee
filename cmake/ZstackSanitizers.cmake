# ASan + UBSan for every target; UBSan findings abort so a test run fails on them.
set(_zs_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
add_compile_options(${_zs_san})
add_link_options(${_zs_san})
