# The practice world generator (examples/practice-site/gen/): karta-practice
# writes the synthetic corpus, ground truth and static sites; its checker
# karta-practice-check verifies that the truth matches the pages.
add_library(karta_practice_world STATIC ${CMAKE_SOURCE_DIR}/examples/practice-site/gen/world.cc)
target_include_directories(karta_practice_world PUBLIC ${CMAKE_SOURCE_DIR})

add_executable(karta-practice ${CMAKE_SOURCE_DIR}/examples/practice-site/gen/main.cc)
target_link_libraries(karta-practice PRIVATE karta_practice_world karta_core)

add_executable(karta-practice-check ${CMAKE_SOURCE_DIR}/examples/practice-site/gen/check.cc)
target_link_libraries(karta-practice-check PRIVATE karta_practice_world karta_core)

# Unit tests of the world (doctest): the place-table self-check, identifiers,
# shared phones. Registered in tests/suites/practice.cmake (label practice).
add_executable(karta-practice-test ${CMAKE_SOURCE_DIR}/examples/practice-site/gen/world_test.cc
               ${CMAKE_SOURCE_DIR}/tests/unit_main.cc)
target_link_libraries(karta-practice-test PRIVATE karta_practice_world karta_core doctest::doctest)
