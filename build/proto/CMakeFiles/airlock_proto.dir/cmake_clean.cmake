file(REMOVE_RECURSE
  "CMakeFiles/airlock_proto.dir/airlock_v1.pb.cc.o"
  "CMakeFiles/airlock_proto.dir/airlock_v1.pb.cc.o.d"
  "CMakeFiles/airlock_proto.dir/frame.cpp.o"
  "CMakeFiles/airlock_proto.dir/frame.cpp.o.d"
  "airlock_v1.pb.cc"
  "airlock_v1.pb.h"
  "libairlock_proto.a"
  "libairlock_proto.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/airlock_proto.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
