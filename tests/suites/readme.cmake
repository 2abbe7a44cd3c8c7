# The README's examples are run for real and their output compared (the
# workshop runner reads any Markdown file with `$ ` command blocks).
add_test(NAME readme_examples
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/workshop_test.py
          --karta $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR}/README.md)
set_tests_properties(readme_examples PROPERTIES LABELS docs TIMEOUT 600)

# `karta select --help` examples run as printed, on fixture files named as in
# the help (tests/data/select/help/).
add_test(NAME help_examples
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/help_examples.py
          --karta $<TARGET_FILE:karta> select)
set_tests_properties(help_examples PROPERTIES LABELS docs TIMEOUT 120)
