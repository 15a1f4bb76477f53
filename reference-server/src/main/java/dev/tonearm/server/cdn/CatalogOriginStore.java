package dev.tonearm.server.cdn;

import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.Track;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Origin store over the catalog and the {@code objects/} folder of the data directory. Every
 * read opens the file, so replaced files are picked up. The shield and edge caches key chunks by
 * ETag, so a replaced file never mixes with cached chunks of the old one.
 *
 * <p>Thread-safe.
 */
public final class CatalogOriginStore implements OriginStore {
  private final CatalogRepository catalog;
  private final Path objectsDir;

  public CatalogOriginStore(CatalogRepository catalog, Path objectsDir) {
    this.catalog = catalog;
    this.objectsDir = objectsDir;
  }

  @Override
  public Optional<ObjectInfo> find(String trackId, String renditionId) {
    Optional<Track> track = catalog.track(trackId);
    if (track.isEmpty()) {
      return Optional.empty();
    }
    return track.get().rendition(renditionId).map(rendition -> toObject(trackId, rendition));
  }

  private ObjectInfo toObject(String trackId, Rendition rendition) {
    return new ObjectInfo(
        trackId,
        rendition.id(),
        objectsDir.resolve(trackId).resolve(rendition.fileName()),
        rendition.sizeBytes(),
        rendition.chunkSizeBytes(),
        "\"" + rendition.sha256() + "\"",
        contentType(rendition),
        rendition.premiumOnly());
  }

  /**
   * Returns {@code application/octet-stream} for an encrypted object, whose bytes are not audio
   * until decrypted, and the container's audio type for a plain one.
   */
  private static String contentType(Rendition rendition) {
    if (rendition.encryption() != null) {
      return "application/octet-stream";
    }
    return "flac".equals(rendition.container()) ? "audio/flac" : "audio/ogg";
  }

  @Override
  public byte[] readChunk(ObjectInfo object, int index) throws IOException {
    if (index < 0 || index >= object.chunkCount()) {
      throw new IllegalArgumentException(
          "chunk index must be in [0, " + object.chunkCount() + "): " + index);
    }
    ByteBuffer buffer = ByteBuffer.allocate(object.chunkLength(index));
    long position = (long) index * object.chunkSizeBytes();
    try (FileChannel channel = FileChannel.open(object.file(), StandardOpenOption.READ)) {
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position + buffer.position());
        if (read < 0) {
          throw new EOFException(
              "object file " + object.file() + " is shorter than its catalog size "
                  + object.sizeBytes());
        }
      }
    }
    return buffer.array();
  }
}
