// The airlock recording library (replay/), in one include: event batches and
// the writer for the daemon, the reader and verifier for tools.
// See replay/FORMAT.md for the file format.
#pragma once

#include "airlock/compressor_pool.h"
#include "airlock/event_batch.h"
#include "airlock/recording_event.h"
#include "airlock/recording_keys.h"
#include "airlock/recording_metadata.h"
#include "airlock/recording_reader.h"
#include "airlock/recording_verifier.h"
#include "airlock/recording_writer.h"
