# Runs GENERATOR and fails unless its output equals the file EXPECTED.
# Regenerate with: build/ehlo-server-tables > docs/server-tables.md
execute_process(COMMAND ${GENERATOR} OUTPUT_VARIABLE generated RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${GENERATOR} failed with ${status}")
endif()
file(READ ${EXPECTED} committed)
if(NOT generated STREQUAL committed)
    message(FATAL_ERROR "${EXPECTED} is out of date; regenerate it with ${GENERATOR}")
endif()
