package dev.tonearm.server.cdn;

import java.io.IOException;
import java.util.Optional;

/**
 * The origin behind the CDN: looks objects up and reads their chunks. Implementations are
 * thread-safe; {@link #readChunk} blocks on I/O and must not run on an event loop.
 */
public interface OriginStore {
  /** Finds the object of a rendition, or empty when the track or rendition does not exist. */
  Optional<ObjectInfo> find(String trackId, String renditionId);

  /** Reads chunk {@code index} of {@code object} in full. */
  byte[] readChunk(ObjectInfo object, int index) throws IOException;
}
