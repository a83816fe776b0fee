# Warnings on for every target of this project (not for consumers of the installed package).
add_compile_options(-Wall -Wextra -Wpedantic)
