# karta geotag: gazetteer checks and accuracy on the hand-annotated sentences
# and on the practice-site corpus (label "accuracy"; each prints its figures).
add_test(NAME geotag_gazetteer
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/geotag/check_gazetteer.py ${CMAKE_SOURCE_DIR})
add_test(NAME geotag_sentences
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/geotag/accuracy_sentences.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR})
add_test(NAME geotag_practice_small
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/geotag/accuracy_practice.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR}/examples/practice-site/small)
set_tests_properties(geotag_gazetteer geotag_sentences geotag_practice_small
  PROPERTIES LABELS accuracy)
