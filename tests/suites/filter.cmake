# karta filter: the README examples (label "docs") and the accuracy of the
# shipped rules on the practice corpus (label "accuracy"): the committed small
# corpus and, when the generator is built, a held-out corpus of another seed.
add_test(NAME filter_readme
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/suites/filter_readme.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(filter_readme PROPERTIES LABELS "docs")
if(TARGET karta-practice)
  set(KARTA_FILTER_PRACTICE --practice $<TARGET_FILE:karta-practice>)
endif()
add_test(NAME filter_accuracy
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/suites/filter_accuracy.py
          --karta $<TARGET_FILE:karta> ${KARTA_FILTER_PRACTICE})
set_tests_properties(filter_accuracy PROPERTIES LABELS "accuracy")
