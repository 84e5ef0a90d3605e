# Empty dependencies file for airlock_proto.
# This may be replaced when dependencies are built.
