# The README's examples are run for real and their output compared (the
# workshop runner reads any Markdown file with `$ ` command blocks).
add_test(NAME readme_examples
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/workshop_test.py
          --karta $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR}/README.md)
set_tests_properties(readme_examples PROPERTIES LABELS docs TIMEOUT 600)
