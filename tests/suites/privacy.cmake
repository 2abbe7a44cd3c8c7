# Issue 16, privacy: on the practice corpus, pseudonymised output keeps no
# phone, e-mail or handle from the truth in any column; an export package holds
# no text, URL or identifier and no count below 3; parallel runs append whole
# audit lines with secrets masked; after karta purge no old ad's URL is in any
# store karta wrote, a crawl state from real fetches of a practice site under
# nginx included (free pages too), and fetch --resume still works.
add_test(NAME privacy
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/privacy/privacy_test.py
          --karta $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR}/examples/practice-site/small)
set_tests_properties(privacy PROPERTIES LABELS "cli" TIMEOUT 600)
