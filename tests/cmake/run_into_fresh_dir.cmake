# Removes OUT and creates its parent, then runs CMD (a ;-list) that writes
# OUT; fails with the command's output unless it exits 0. Used to export
# into a fresh directory.
#   cmake -DOUT=... -DCMD=... -P run_into_fresh_dir.cmake
file(REMOVE_RECURSE ${OUT})
get_filename_component(parent ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${parent})
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
message(STATUS "${out}${err}")
if(NOT code EQUAL 0)
  message(FATAL_ERROR "exit code ${code}: ${CMD}")
endif()
