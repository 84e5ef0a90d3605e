# System libraries from Debian 12 (see README "Set-up"). Fail early and clearly.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LWS REQUIRED IMPORTED_TARGET libwebsockets)
pkg_check_modules(UV REQUIRED IMPORTED_TARGET libuv)
# sd_listen_fds, sd_is_socket and sd_journal_send (libsystemd-dev).
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
find_package(Protobuf REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(Threads REQUIRED)

# Debian's lws builds libuv support as a runtime plugin (package
# libwebsockets-evlib-uv); without LWS_WITH_LIBUV there is no foreign-loop mode.
include(CheckSymbolExists)
set(CMAKE_REQUIRED_INCLUDES ${LWS_INCLUDE_DIRS})
check_symbol_exists(LWS_WITH_LIBUV "lws_config.h" AIRLOCK_LWS_HAS_LIBUV)
if(NOT AIRLOCK_LWS_HAS_LIBUV)
  message(FATAL_ERROR "libwebsockets was built without LWS_WITH_LIBUV; airlockd needs it")
endif()
