// writeAll: writes every byte to a descriptor (retrying short writes and EINTR).
#pragma once

#include <string_view>

namespace airlock::replay::cli {

bool writeAll(int fd, std::string_view bytes);

}  // namespace airlock::replay::cli
