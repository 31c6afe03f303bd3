# The CTest test seams_absent: the programs (-DPROGRAMS, a list) hold no symbol of the server's
# test seam (reference/server/connection_hooks.hpp), and the mutant server (-DMUTANT), which is
# built with it, holds them and lists its mutants; so the check is shown able to fail.
# Run as: cmake -DNM=nm -DPROGRAMS="ehlo-server;ehlo-check" -DMUTANT=... -P seams_absent.cmake
set(seam_names ConnectionHooks make_hooks filter_input)

# The names of the seam that the symbols of `program` hold (nm -C), into `out`.
function(seam_names_in program out)
    execute_process(COMMAND ${NM} -C ${program} OUTPUT_VARIABLE symbols
                    RESULT_VARIABLE status ERROR_VARIABLE error)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "${NM} -C ${program} failed: ${error}")
    endif()
    set(found "")
    foreach(name ${seam_names})
        string(FIND "${symbols}" "${name}" at)
        if(at GREATER_EQUAL 0)
            list(APPEND found ${name})
        endif()
    endforeach()
    set(${out} "${found}" PARENT_SCOPE)
endfunction()

foreach(program ${PROGRAMS})
    seam_names_in(${program} found)
    if(found)
        message(FATAL_ERROR "${program} holds the test seam: ${found} (see nm -C ${program})")
    endif()
    message(STATUS "no test seam in ${program}")
endforeach()

seam_names_in(${MUTANT} found)
if(NOT found)
    message(FATAL_ERROR "no symbol of the test seam in ${MUTANT} either: the check sees nothing")
endif()
execute_process(COMMAND ${MUTANT} --list OUTPUT_VARIABLE listed RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR NOT listed MATCHES "greeting-554")
    message(FATAL_ERROR "${MUTANT} --list failed (${status}):\n${listed}")
endif()
message(STATUS "the test seam is in ${MUTANT} (${found}), which lists its mutants")
