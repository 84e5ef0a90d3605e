file(REMOVE_RECURSE
  "libairlock_proto.a"
)
