# Install layout (FHS) and the Debian package (CPack).
#
#   sbin/airlockd, bin/airlock, bin/airlock-replay, bin/airlock-bench,
#   libexec/airlock/airlock-enter (the local backend's helper; the
#   airlockd-local unit names it with AIRLOCK_SERVER_ENTER_HELPER),
#   lib/systemd/system/{airlockd,airlockd-local}.service, airlockd.socket,
#   share/doc/airlock/examples/airlockd.toml, share/man/man{1,8},
#   /etc/airlockd/airlockd.toml (a conffile: the example, until edited).
#
# The prefix defaults to /usr; the units name the binaries by their installed
# paths. Build the package after a build:
#   cpack --config build/CPackConfig.cmake -B build/package
# A system daemon with systemd units: install under /usr unless told otherwise.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

install(TARGETS airlockd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS airlock-enter RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/airlock)
foreach(tool airlock airlock-replay airlock-bench)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

# The unit files name /usr/sbin and /usr/libexec; point them at this prefix.
foreach(unit airlockd.service airlockd-local.service airlockd.socket)
  file(READ ${CMAKE_SOURCE_DIR}/systemd/${unit} text)
  string(REPLACE "/usr/sbin/airlockd" "${CMAKE_INSTALL_FULL_SBINDIR}/airlockd" text "${text}")
  string(REPLACE "/usr/libexec/airlock/" "${CMAKE_INSTALL_FULL_LIBEXECDIR}/airlock/" text "${text}")
  file(WRITE ${CMAKE_BINARY_DIR}/systemd/${unit} "${text}")
  install(FILES ${CMAKE_BINARY_DIR}/systemd/${unit} DESTINATION lib/systemd/system)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/systemd/airlockd.service ${CMAKE_SOURCE_DIR}/systemd/airlockd-local.service
  ${CMAKE_SOURCE_DIR}/systemd/airlockd.socket)

install(FILES systemd/airlockd.toml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES systemd/airlockd.toml DESTINATION /etc/airlockd)
install(FILES man/airlock.1 man/airlock-replay.1 man/airlock-bench.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES man/airlockd.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME airlock)
set(CPACK_PACKAGE_VENDOR "airlock")
set(CPACK_PACKAGE_CONTACT "airlock maintainers <airlock@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "exec daemon for Mesos agents: shells over WebSocket")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
# Libraries the binaries link come from dpkg-shlibdeps; lws loads its libuv
# glue as a plugin at run time, which no linker entry shows.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libwebsockets-evlib-uv")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
configure_file(${CMAKE_SOURCE_DIR}/cmake/deb/conffiles ${CMAKE_BINARY_DIR}/deb/conffiles COPYONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/deb/conffiles)
include(CPack)
