# Test registration. Unit tests are one doctest binary; golden CLI tests are one
# CTest test per tool directory under tests/cases/; other suites (accuracy,
# servers, browser) add a file tests/suites/NAME.cmake.
find_package(Python3 REQUIRED COMPONENTS Interpreter)

add_test(NAME unit COMMAND karta_unit)
set_tests_properties(unit PROPERTIES LABELS unit)

file(GLOB KARTA_CASE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cases/*)
foreach(dir ${KARTA_CASE_DIRS})
  if(IS_DIRECTORY ${dir})
    get_filename_component(tool ${dir} NAME)
    add_test(NAME cli_${tool}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/run_cases.py
              --karta $<TARGET_FILE:karta> ${dir})
    set_tests_properties(cli_${tool} PROPERTIES LABELS cli TIMEOUT 900)
  endif()
endforeach()

file(GLOB KARTA_SUITES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/suites/*.cmake)
foreach(suite ${KARTA_SUITES})
  include(${suite})
endforeach()
