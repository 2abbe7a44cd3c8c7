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
# Issue 20: place phrasings written for the issue (streets, stations, informal
# areas, near-miss spellings, Malmö's districts, with negatives); Malmö ads
# with --region skane on the default gazetteer; ads from all 21 counties with
# the national gazetteer (data/gazetteer/sweden.csv). Each prints its misses.
add_test(NAME geotag_places
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/geotag/accuracy_places.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR}/tests/data/geotag/places-eval.csv --min 0.98)
add_test(NAME geotag_skane
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/geotag/accuracy_places.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR}/tests/data/geotag/malmo-ads.csv
          --region skane --min 0.98)
add_test(NAME geotag_national
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/geotag/accuracy_places.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR}/tests/data/geotag/national-ads.csv
          --gazetteer ${CMAKE_SOURCE_DIR}/data/gazetteer/sweden.csv --min 0.97)
set_tests_properties(geotag_places geotag_skane geotag_national PROPERTIES LABELS accuracy)
