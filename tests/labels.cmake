# Run by ctest after a binary's discovered tests are added (see coffeehouse_discover_tests in
# tests/CMakeLists.txt): gives every test listed in `tests_file` the labels `labels`.
# gtest_discover_tests cannot (CMake 3.25 splits a list given in its PROPERTIES).
if(EXISTS "${tests_file}")
  file(STRINGS "${tests_file}" added REGEX "^add_test\\(")
  foreach(line IN LISTS added)
    if(line MATCHES "^add_test\\( *\\[=\\[([^]]*)\\]=\\]")
      set_tests_properties("${CMAKE_MATCH_1}" PROPERTIES LABELS "${labels}")
    endif()
  endforeach()
endif()
