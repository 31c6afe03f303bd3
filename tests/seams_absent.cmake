# The CTest test seams_absent: the programs (-DPROGRAMS, a list) hold no symbol of the test
# seams (reference/server/connection_hooks.hpp, reference/client/client_hooks.hpp), and the
# mutant programs (-DMUTANTS, a list), which are built with them, hold them and list their
# mutants; so the check is shown able to fail.
# Run as: cmake -DNM=nm -DPROGRAMS="ehlo-server;ehlo-check;ehlo-send"
#               -DMUTANTS="ehlo-server-mutant;ehlo-send-mutant" -P seams_absent.cmake
set(seam_names ConnectionHooks make_hooks filter_input ClientHooks client::Decision)

# The names of the seams that the symbols of `program` hold (nm -C), into `out`.
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

# Each mutant program lists one mutant a line, with its RFC section.
foreach(mutant ${MUTANTS})
    seam_names_in(${mutant} found)
    if(NOT found)
        message(FATAL_ERROR "no symbol of the test seams in ${mutant} either: the check sees "
                            "nothing")
    endif()
    execute_process(COMMAND ${mutant} --list OUTPUT_VARIABLE listed RESULT_VARIABLE status)
    if(NOT status EQUAL 0 OR NOT listed MATCHES "RFC [0-9]+ §")
        message(FATAL_ERROR "${mutant} --list failed (${status}):\n${listed}")
    endif()
    message(STATUS "the test seam is in ${mutant} (${found}), which lists its mutants")
endforeach()
