# What --version of every program prints beside the project's version: the git commit the
# build came from, read at configure time (`git describe --always --dirty`), or "unknown" when
# the sources are no git checkout (a release tarball, a Debian source package); a new commit
# configures again (edits after it show as "-dirty" only from the next configure). Only the one
# file that prints it (reference/apps/command_line.cpp) is compiled with the two definitions,
# so a new commit rebuilds that file alone.
set(EHLO_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
    execute_process(COMMAND "${GIT_EXECUTABLE}" describe --always --dirty
                    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                    OUTPUT_VARIABLE ehlo_git_describe
                    OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE ehlo_git_result
                    ERROR_QUIET)
    if(ehlo_git_result EQUAL 0 AND ehlo_git_describe)
        set(EHLO_COMMIT "${ehlo_git_describe}")
    endif()
    # A new commit or checkout moves HEAD's log: configure again, so the commit stays true.
    execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --absolute-git-dir
                    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                    OUTPUT_VARIABLE ehlo_git_dir
                    OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET)
    if(ehlo_git_dir AND EXISTS "${ehlo_git_dir}/logs/HEAD")
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${ehlo_git_dir}/logs/HEAD")
    endif()
endif()
set_property(SOURCE "${PROJECT_SOURCE_DIR}/reference/apps/command_line.cpp" APPEND PROPERTY
             COMPILE_DEFINITIONS "EHLO_VERSION=\"${PROJECT_VERSION}\"" "EHLO_COMMIT=\"${EHLO_COMMIT}\"")
