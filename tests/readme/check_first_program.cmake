# SPDX-License-Identifier: BSL-1.0
# The first ```cpp block of README must be PROGRAM without its leading // comment lines, and
# have at most 15 lines of code (every line that is neither blank nor a comment).
#   cmake -DREADME=<README.md> -DPROGRAM=<examples/quickstart.cpp> -P check_first_program.cmake
file(READ "${README}" _readme)
string(FIND "${_readme}" "\n```cpp" _start)
if(_start EQUAL -1)
  message(FATAL_ERROR "README has no ```cpp block")
endif()
math(EXPR _start "${_start} + 1")
string(SUBSTRING "${_readme}" ${_start} -1 _rest)  # from the opening fence
string(FIND "${_rest}" "\n" _eol)
math(EXPR _eol "${_eol} + 1")
string(SUBSTRING "${_rest}" ${_eol} -1 _rest)  # from the block's first line
string(FIND "${_rest}" "\n```" _end)
math(EXPR _end "${_end} + 1")
string(SUBSTRING "${_rest}" 0 ${_end} _block)

file(READ "${PROGRAM}" _program)
string(REGEX REPLACE "^(//[^\n]*\n)+" "" _program "${_program}")
if(NOT _block STREQUAL _program)
  message(FATAL_ERROR "README's first program differs from ${PROGRAM}:\n--- README\n${_block}--- ${PROGRAM}\n${_program}")
endif()
string(REPLACE "\n" ";" _code_lines "${_program}")
set(_count 0)
foreach(_line IN LISTS _code_lines)
  if(NOT _line MATCHES "^[ \t]*$" AND NOT _line MATCHES "^[ \t]*//")
    math(EXPR _count "${_count} + 1")
  endif()
endforeach()
if(_count GREATER 15)
  message(FATAL_ERROR "README's first program has ${_count} lines of code (at most 15)")
endif()
message(STATUS "README's first program is ${PROGRAM}: ${_count} lines of code")
