# Warnings and sanitizers as INTERFACE targets, so every target opts in the same way.
option(COFFEEHOUSE_WERROR "Treat warnings in the project's own code as errors" ON)

add_library(coffeehouse_warnings INTERFACE)
target_compile_options(coffeehouse_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  # Not -Wnull-dereference: at -O2, GCC 12 reports it inside Asio's inlined scheduler code.
  $<$<BOOL:${COFFEEHOUSE_WERROR}>:-Werror>)

add_library(coffeehouse_sanitizers INTERFACE)
set(COFFEEHOUSE_SANITIZERS "" CACHE STRING "Comma-separated sanitizers, e.g. address,undefined or thread")
if(COFFEEHOUSE_SANITIZERS)
  target_compile_options(coffeehouse_sanitizers INTERFACE
    -fsanitize=${COFFEEHOUSE_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(coffeehouse_sanitizers INTERFACE -fsanitize=${COFFEEHOUSE_SANITIZERS})
endif()
