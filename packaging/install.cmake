# Packaging: what `cmake --install` puts where, the man pages, and the .deb of `cpack -G DEB`
# (docs/install.md). Only the three programs and their files are installed: no library, no
# header, no test program.

set(ehlo_programs ehlo-server ehlo-send ehlo-check)
install(TARGETS ${ehlo_programs} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The suite ehlo-check runs, where it looks for it relative to itself (SuiteLocations in
# conformance/check/selection.hpp): bin/../share/ehlo/scenarios.
install(DIRECTORY scenarios/ DESTINATION ${EHLO_SCENARIOS_INSTALL_DIR})
install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB ehlo_doc_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${ehlo_doc_pages} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
# One completion script serves the three programs: bash-completion loads it by command name.
foreach(program IN LISTS ehlo_programs)
    install(FILES packaging/ehlo.bash-completion
            DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ${program})
endforeach()

# Man pages, made by help2man from each program's --help and --version when it is built.
find_program(HELP2MAN help2man)
if(HELP2MAN)
    set(ehlo_man_default ON)
else()
    set(ehlo_man_default OFF)
endif()
option(EHLO_MAN "Generate the man pages with help2man (ON when help2man is found)"
       ${ehlo_man_default})
if(EHLO_MAN)
    if(NOT HELP2MAN)
        message(FATAL_ERROR "EHLO_MAN=ON needs help2man (Debian: apt-get install help2man)")
    endif()
    set(ehlo-server_summary "reference SMTP server of Ehlo")
    set(ehlo-send_summary "reference SMTP client of Ehlo")
    set(ehlo-check_summary "SMTP conformance runner of Ehlo")
    set(ehlo_man_pages)
    foreach(program IN LISTS ehlo_programs)
        set(page ${PROJECT_BINARY_DIR}/man/${program}.1)
        add_custom_command(OUTPUT ${page}
            COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
            COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
                    --name=${${program}_summary} --output=${page} $<TARGET_FILE:${program}>
            DEPENDS ${program}
            COMMENT "help2man: ${program}.1"
            VERBATIM)
        list(APPEND ehlo_man_pages ${page})
    endforeach()
    add_custom_target(man ALL DEPENDS ${ehlo_man_pages})
    install(FILES ${ehlo_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# The .deb: `cpack -G DEB` in the build folder writes ehlo_VERSION_ARCH.deb. Its Depends line
# comes from dpkg-shlibdeps, from the libraries the programs link.
set(EHLO_PACKAGE_MAINTAINER "The Ehlo authors <ehlo@example.org>"
    CACHE STRING "The Maintainer field of the .deb")
set(CPACK_PACKAGE_NAME ehlo)
set(CPACK_PACKAGE_VENDOR "The Ehlo authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SMTP reference server, client and conformance runner")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "SMTP reference server, client and conformance runner
 Ehlo is a readable SMTP reference implementation and conformance suite:
 ehlo-server, a reference SMTP server (RFC 5321) delivering into Maildirs;
 ehlo-send, a reference SMTP client; and ehlo-check, a conformance runner
 that checks any SMTP server (or client) against a suite of scenarios and
 reports requirement by requirement, in the console, JSON, JUnit and HTML.")
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${EHLO_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS bash-completion)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
include(CPack)
