package dev.tonearm.core.source;

/**
 * The bytes of one chunk received so far, possibly from several edges. They are not verified: the
 * chunk's SHA-256 is checked only once every byte has arrived. Confined to the loader's running
 * chunk task.
 */
final class PartialChunk {
  final TrackStream stream;
  final int index;

  /** Offset of the chunk's first byte in the object. */
  final long startBytes;

  /** Buffer of the chunk's full length; bytes {@code [0, receivedBytes)} have arrived. */
  final byte[] bytes;

  int receivedBytes;

  PartialChunk(TrackStream stream, int index, long startBytes, int lengthBytes) {
    this.stream = stream;
    this.index = index;
    this.startBytes = startBytes;
    this.bytes = new byte[lengthBytes];
  }

  boolean isFor(TrackStream otherStream, int otherIndex) {
    return stream == otherStream && index == otherIndex;
  }

  boolean isComplete() {
    return receivedBytes == bytes.length;
  }
}
