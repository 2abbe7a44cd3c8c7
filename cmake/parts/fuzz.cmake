# libFuzzer targets (fuzz/*_fuzz.cc), built only with -DKARTA_FUZZ=ON and
# clang (scripts/build.sh fuzz: clang-15, ASan + UBSan, into build-fuzz/).
# Each target links karta_core built with coverage instrumentation; the
# ctest tests fuzz_<name> run each for a few seconds from its seed corpus in
# fuzz/corpus/<name>/ (scripts/fuzz.sh runs them longer).
option(KARTA_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)
if(KARTA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KARTA_FUZZ needs clang (scripts/build.sh fuzz uses clang++-15)")
  endif()
  target_compile_options(karta_core PRIVATE -fsanitize=fuzzer-no-link)
  file(GLOB KARTA_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
  add_custom_target(fuzz_all)
  set(KARTA_FUZZ_SECONDS 15 CACHE STRING "Seconds each fuzz_<name> ctest runs its target")
  foreach(src ${KARTA_FUZZ_SOURCES})
    get_filename_component(target ${src} NAME_WE)
    string(REGEX REPLACE "_fuzz$" "" name ${target})
    add_executable(${target} ${src})
    target_link_libraries(${target} PRIVATE karta_core)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    add_dependencies(fuzz_all ${target})
    add_test(NAME fuzz_${name}
      COMMAND ${CMAKE_SOURCE_DIR}/scripts/fuzz.sh --build ${CMAKE_BINARY_DIR}
              --seconds ${KARTA_FUZZ_SECONDS} ${name})
    set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz TIMEOUT 300)
  endforeach()
endif()
