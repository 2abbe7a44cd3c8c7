# The practice site (examples/practice-site/) and the workshop (examples/workshop/).
#   practice: generator determinism, ground truth vs pages, snapshots; the
#             world's unit tests (place-table self-check, identifiers)
#   server:   nginx serves the sites (skipped if nginx is missing)
#   workshop: every exercise's commands against the practice site
add_test(NAME practice_generator
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/practice/generator_test.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(practice_generator PROPERTIES LABELS practice TIMEOUT 300)

add_test(NAME practice_world COMMAND karta-practice-test)
set_tests_properties(practice_world PROPERTIES LABELS practice TIMEOUT 300)

add_test(NAME practice_server
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/practice/server_test.py ${CMAKE_SOURCE_DIR})
set_tests_properties(practice_server PROPERTIES LABELS server TIMEOUT 120 SKIP_RETURN_CODE 77)

# Exit 77 (reported as skipped, not passed) when no step failed but some are
# still pending because their tool is not built yet.
add_test(NAME workshop
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/workshop_test.py --karta $<TARGET_FILE:karta>
          --root ${CMAKE_SOURCE_DIR})
set_tests_properties(workshop PROPERTIES LABELS workshop TIMEOUT 600 SKIP_RETURN_CODE 77)
