# Installing and using karta like a real tool (issue 18): the .xlsx writer
# read back by a reader of the test's own, and the generated man pages and
# shell completion. The installed .deb is tested by tests/installed_tour.sh,
# run by scripts/test.sh on the CI machine (it needs root for dpkg -i).
add_test(NAME xlsx
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/xlsx_test.py --karta $<TARGET_FILE:karta>)
set_tests_properties(xlsx PROPERTIES LABELS cli TIMEOUT 120)

add_test(NAME docs_generated
  COMMAND ${CMAKE_COMMAND} -E env KARTA_DOCS=${CMAKE_BINARY_DIR}/docs
          bash ${CMAKE_SOURCE_DIR}/tests/docs_test.sh $<TARGET_FILE:karta>)
set_tests_properties(docs_generated PROPERTIES LABELS cli TIMEOUT 120)
