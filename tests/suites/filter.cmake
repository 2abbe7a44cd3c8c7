# karta filter: the README examples (label "docs") and the accuracy of the
# shipped rules on the practice corpus (label "accuracy").
add_test(NAME filter_readme
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/suites/filter_readme.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(filter_readme PROPERTIES LABELS "docs")
add_test(NAME filter_accuracy
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/suites/filter_accuracy.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(filter_accuracy PROPERTIES LABELS "accuracy")
