package dev.tonearm.core.source;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.SeekPoint;
import dev.tonearm.core.decode.ByteSource;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.Call;
import okhttp3.HttpUrl;

/**
 * The verified chunks of one rendition of one track, and the {@link ByteSource} that a decoder
 * reads them through. {@link ChunkLoader} creates streams and fills them.
 *
 * <p>Only chunks whose SHA-256 matched the manifest are stored. A chunk that failed verification or
 * loading marks the stream failed, and a read that needs a missing chunk then throws the failure.
 * Bytes of a failed chunk never become readable.
 *
 * <p>Reads block until the chunk under the read position arrives. Seeking inside a loaded chunk
 * costs no request, and seeking elsewhere makes the loader fetch the chunk under the new position
 * next. Chunks behind the read position stay in memory for backward seeks. When the stream keeps
 * more than its retained-bytes limit, the chunks farthest behind go first.
 *
 * <p>A local stream ({@link #local}) reads a stored object, such as an offline download, through
 * its own source instead: it counts as loaded to its end, never asks the loader for a chunk and
 * never touches the network or the streaming cache.
 *
 * <p>Threading: one thread reads through {@link #source()} (the playback thread), loader threads
 * add chunks, and any thread may query levels or {@link #close()}. State is guarded by {@link
 * #lock}, and listener callbacks run without the lock held.
 */
public final class TrackStream {
  /** Callbacks about this stream. */
  public interface Listener {
    /**
     * Called on the reading thread when a read must wait for a chunk that is not loaded, before
     * it blocks.
     */
    default void onUnderrun(TrackStream stream) {}

    /** Called on a loader thread after a verified chunk became readable. */
    default void onChunkLoaded(TrackStream stream, int chunkIndex) {}

    /** Called on a loader thread when loading failed. Reads of missing chunks then throw. */
    default void onLoadFailed(TrackStream stream, PlaybackException error) {}
  }

  private final Manifest manifest;
  private final Rendition rendition;
  private final HttpUrl[] objectUrls;
  private final ChunkLoader loader;
  private final long maxRetainedBytes;
  private final ByteSource reader;
  private final LocalReader localReader;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition chunkArrived = lock.newCondition();

  // Guarded by lock.
  private final byte[][] chunks;
  private long retainedBytes;
  private long readPosition;
  private int demandedChunk = -1;
  private PlaybackException failure;
  private boolean closed;
  private Call inFlight;

  private volatile Listener listener = new Listener() {};
  private volatile String lastEdge;

  TrackStream(
      Manifest manifest,
      Rendition rendition,
      HttpUrl[] objectUrls,
      ChunkLoader loader,
      long maxRetainedBytes) {
    this.manifest = manifest;
    this.rendition = rendition;
    this.objectUrls = objectUrls;
    this.loader = loader;
    this.maxRetainedBytes = maxRetainedBytes;
    this.chunks = new byte[rendition.chunkCount()][];
    this.localReader = null;
    this.reader = new Reader();
  }

  private TrackStream(Manifest manifest, Rendition rendition, ByteSource localSource) {
    this.manifest = manifest;
    this.rendition = rendition;
    this.objectUrls = new HttpUrl[0];
    this.loader = null;
    this.maxRetainedBytes = 0;
    this.chunks = new byte[0][];
    this.localReader = new LocalReader(localSource);
    this.reader = localReader;
  }

  /**
   * Creates a local stream over {@code source}, the decoder's view of a stored object of {@code
   * rendition}: plaintext, with the positions and length of the rendition's object. Closing the
   * stream closes {@code source}.
   */
  public static TrackStream local(Manifest manifest, Rendition rendition, ByteSource source) {
    if (manifest == null || rendition == null || source == null) {
      throw new NullPointerException("manifest, rendition and source are required");
    }
    return new TrackStream(manifest, rendition, source);
  }

  /** Returns whether this stream reads a stored object, see {@link #local}. */
  public boolean isLocal() {
    return localReader != null;
  }

  /** Sets the listener, whose callbacks run on the threads stated in {@link Listener}. */
  public void setListener(Listener listener) {
    this.listener = listener != null ? listener : new Listener() {};
  }

  /** Returns the decoder's view of this stream, the same instance on every call. */
  public ByteSource source() {
    return reader;
  }

  public String trackId() {
    return manifest.trackId();
  }

  public Manifest manifest() {
    return manifest;
  }

  public Rendition rendition() {
    return rendition;
  }

  /** Bytes loaded contiguously from the read position onwards. */
  public long bufferedAheadBytes() {
    if (localReader != null) {
      return localReader.remainingBytes();
    }
    lock.lock();
    try {
      return contiguousAheadBytesLocked();
    } finally {
      lock.unlock();
    }
  }

  /** Media time of {@link #bufferedAheadBytes()} at the rendition's average byte rate. */
  public long bufferedAheadMs() {
    return bytesToMs(bufferedAheadBytes());
  }

  /** Returns whether every byte from the read position to the end of the object is loaded. */
  public boolean isLoadedToEnd() {
    if (localReader != null) {
      return true;
    }
    lock.lock();
    try {
      return readPosition + contiguousAheadBytesLocked() >= rendition.sizeBytes();
    } finally {
      lock.unlock();
    }
  }

  /** Returns whether chunk {@code index} is loaded and kept in memory. */
  public boolean isChunkLoaded(int index) {
    if (localReader != null) {
      return index >= 0 && index < rendition.chunkCount();
    }
    lock.lock();
    try {
      return chunks[index] != null;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the loading failure, or null while loading works. */
  public PlaybackException failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of chunks held in memory. */
  public long retainedBytes() {
    lock.lock();
    try {
      return retainedBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the byte offset at which decoding for {@code frame} should start according to the
   * manifest's seek index: the offset of the last entry at or before {@code frame}, or -1 when the
   * index has no such entry.
   */
  public long seekIndexOffsetFor(long frame) {
    long offset = -1;
    List<SeekPoint> index = rendition.seekIndex();
    for (SeekPoint point : index) {
      if (point.frame() > frame) {
        break;
      }
      offset = point.byteOffset();
    }
    return offset;
  }

  /**
   * Makes the loader fetch the chunk that contains {@code byteOffset} next, if it is not loaded,
   * ahead of a decoder seek that will read there.
   */
  public void prepareSeek(long byteOffset) {
    if (localReader != null || byteOffset < 0 || byteOffset >= rendition.sizeBytes()) {
      return;
    }
    int index = chunkIndexOf(byteOffset);
    lock.lock();
    try {
      if (chunks[index] != null || closed) {
        return;
      }
      demandedChunk = index;
    } finally {
      lock.unlock();
    }
    loader.kick();
  }

  /**
   * Closes the stream: cancels its request, drops its chunks and wakes a blocked reader, which
   * then fails with {@link PlaybackException#ERROR_CANCELLED}. Idempotent.
   */
  public void close() {
    Call call;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (int i = 0; i < chunks.length; i++) {
        chunks[i] = null;
      }
      retainedBytes = 0;
      call = inFlight;
      chunkArrived.signalAll();
    } finally {
      lock.unlock();
    }
    if (call != null) {
      call.cancel();
    }
    if (localReader != null) {
      localReader.closeSource();
      return;
    }
    loader.onStreamClosed(this);
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "TrackStream{" + manifest.trackId() + "/" + rendition.id() + "}";
  }

  // Loader side, package-private.

  HttpUrl objectUrl(int edgeIndex) {
    return objectUrls[edgeIndex];
  }

  String lastEdge() {
    return lastEdge;
  }

  void setLastEdge(String edge) {
    lastEdge = edge;
  }

  /**
   * Returns the chunk to load next so that at least {@code aheadLimitMs} of media is buffered: a
   * demanded chunk first, then the first missing chunk after the read position, or -1 when the
   * limit is reached, the stream is loaded to its end, failed or closed.
   */
  int nextChunkToLoad(long aheadLimitMs) {
    if (localReader != null) {
      return -1;
    }
    lock.lock();
    try {
      if (closed || failure != null) {
        return -1;
      }
      if (demandedChunk >= 0) {
        if (chunks[demandedChunk] == null) {
          return demandedChunk;
        }
        demandedChunk = -1;
      }
      if (readPosition >= rendition.sizeBytes()) {
        return -1;
      }
      long ahead = contiguousAheadBytesLocked();
      if (bytesToMs(ahead) >= aheadLimitMs) {
        return -1;
      }
      long next = readPosition + ahead;
      return next >= rendition.sizeBytes() ? -1 : chunkIndexOf(next);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the missing chunk that the reader is waiting for or that a seek asked for, or -1.
   */
  int demandedChunk() {
    if (localReader != null) {
      return -1;
    }
    lock.lock();
    try {
      if (closed || failure != null || demandedChunk < 0 || chunks[demandedChunk] != null) {
        return -1;
      }
      return demandedChunk;
    } finally {
      lock.unlock();
    }
  }

  /** Registers the request in flight, or returns false when the stream is closed. */
  boolean setInFlight(Call call) {
    lock.lock();
    try {
      if (closed && call != null) {
        return false;
      }
      inFlight = call;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Stores a verified chunk and wakes the reader. */
  void complete(int index, byte[] bytes) {
    lock.lock();
    try {
      if (closed || chunks[index] != null) {
        return;
      }
      chunks[index] = bytes;
      retainedBytes += bytes.length;
      if (demandedChunk == index) {
        demandedChunk = -1;
      }
      trimRetainedLocked();
      chunkArrived.signalAll();
    } finally {
      lock.unlock();
    }
    listener.onChunkLoaded(this, index);
  }

  /** Marks the stream failed because chunk {@code index} failed. The first failure wins. */
  void fail(int index, PlaybackException error) {
    lock.lock();
    try {
      if (closed || failure != null) {
        return;
      }
      failure = error;
      chunkArrived.signalAll();
    } finally {
      lock.unlock();
    }
    listener.onLoadFailed(this, error);
  }

  // Helpers. Methods named ...Locked require the caller to hold the lock.

  private int chunkIndexOf(long byteOffset) {
    return (int) (byteOffset / rendition.chunkSizeBytes());
  }

  private long bytesToMs(long bytes) {
    return bytes * manifest.durationMs() / rendition.sizeBytes();
  }

  private long contiguousAheadBytesLocked() {
    long size = rendition.sizeBytes();
    if (closed || readPosition >= size) {
      return 0;
    }
    int index = chunkIndexOf(readPosition);
    long end = readPosition;
    while (index < chunks.length && chunks[index] != null) {
      end = rendition.chunkStartBytes(index) + rendition.chunkLengthBytes(index);
      index++;
    }
    return end - readPosition;
  }

  /**
   * Drops chunks until at most {@link #maxRetainedBytes} are held: first those behind the read
   * position, farthest first, then those after the contiguous run ahead of it, farthest first.
   * The chunk under the read position and the run after it are never dropped.
   */
  private void trimRetainedLocked() {
    if (retainedBytes <= maxRetainedBytes) {
      return;
    }
    int current = chunkIndexOf(Math.min(readPosition, rendition.sizeBytes() - 1));
    for (int i = 0; i < current && retainedBytes > maxRetainedBytes; i++) {
      drop(i);
    }
    int runEnd = current;
    while (runEnd < chunks.length && chunks[runEnd] != null) {
      runEnd++;
    }
    for (int i = chunks.length - 1; i > runEnd && retainedBytes > maxRetainedBytes; i--) {
      drop(i);
    }
  }

  private void drop(int index) {
    if (chunks[index] != null) {
      retainedBytes -= chunks[index].length;
      chunks[index] = null;
    }
  }

  /** Returns a copy to throw on the reader's thread, with the original's earlier failures. */
  private static PlaybackException rethrowable(PlaybackException original) {
    PlaybackException copy =
        new PlaybackException(
            original.reason(),
            original.getMessage(),
            original.httpStatus(),
            original.serverCode(),
            original);
    for (Throwable earlier : original.getSuppressed()) {
      copy.addSuppressed(earlier);
    }
    return copy;
  }

  /**
   * The {@link ByteSource} of a local stream: the stored source, with its position mirrored in a
   * volatile field so that other threads can read buffer levels.
   */
  private final class LocalReader implements ByteSource {
    private final ByteSource source;
    private volatile long position;

    LocalReader(ByteSource source) {
      this.source = source;
    }

    long remainingBytes() {
      return isClosed() ? 0 : Math.max(0, rendition.sizeBytes() - position);
    }

    void closeSource() {
      try {
        source.close();
      } catch (IOException e) {
        // The stored object was only read; nothing is lost when its close fails.
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      requireOpen();
      int count = source.read(buffer, offset, length);
      position = source.position();
      return count;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public long length() {
      return rendition.sizeBytes();
    }

    @Override
    public boolean isSeekable() {
      return source.isSeekable();
    }

    @Override
    public void seek(long target) throws IOException {
      requireOpen();
      source.seek(target);
      position = source.position();
    }

    @Override
    public void close() {
      TrackStream.this.close();
    }

    private void requireOpen() throws PlaybackException {
      if (isClosed()) {
        throw new PlaybackException(
            PlaybackException.ERROR_CANCELLED, TrackStream.this + " is closed");
      }
    }
  }

  /** The {@link ByteSource} over this stream's verified chunks. */
  private final class Reader implements ByteSource {
    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (offset < 0 || length < 0 || length > buffer.length - offset) {
        throw new IndexOutOfBoundsException(
            "offset " + offset + ", length " + length + ", buffer " + buffer.length);
      }
      long position;
      lock.lock();
      try {
        position = readPosition;
      } finally {
        lock.unlock();
      }
      if (position >= rendition.sizeBytes()) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }

      int index = chunkIndexOf(position);
      byte[] chunk = awaitChunk(index);
      int inChunk = (int) (position - rendition.chunkStartBytes(index));
      int count = Math.min(length, chunk.length - inChunk);
      System.arraycopy(chunk, inChunk, buffer, offset, count);

      lock.lock();
      try {
        readPosition = position + count;
      } finally {
        lock.unlock();
      }
      loader.kick();
      return count;
    }

    @Override
    public long position() {
      lock.lock();
      try {
        return readPosition;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public long length() {
      return rendition.sizeBytes();
    }

    @Override
    public boolean isSeekable() {
      return true;
    }

    @Override
    public void seek(long position) throws IOException {
      if (position < 0 || position > rendition.sizeBytes()) {
        throw new PlaybackException(
            PlaybackException.ERROR_OUT_OF_RANGE,
            "seek position "
                + position
                + " is outside "
                + TrackStream.this
                + " of "
                + rendition.sizeBytes()
                + " bytes");
      }
      lock.lock();
      try {
        if (closed) {
          throw new PlaybackException(
              PlaybackException.ERROR_CANCELLED, TrackStream.this + " is closed");
        }
        readPosition = position;
      } finally {
        lock.unlock();
      }
      loader.kick();
    }

    @Override
    public void close() {
      TrackStream.this.close();
    }

    private byte[] awaitChunk(int index) throws IOException {
      boolean underrunReported = false;
      lock.lock();
      try {
        while (true) {
          if (closed) {
            throw new PlaybackException(
                PlaybackException.ERROR_CANCELLED, TrackStream.this + " is closed");
          }
          byte[] chunk = chunks[index];
          if (chunk != null) {
            return chunk;
          }
          if (failure != null) {
            throw rethrowable(failure);
          }
          demandedChunk = index;
          if (!underrunReported) {
            underrunReported = true;
            lock.unlock();
            try {
              listener.onUnderrun(TrackStream.this);
              loader.kick();
            } finally {
              lock.lock();
            }
            continue;
          }
          try {
            chunkArrived.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlaybackException(
                PlaybackException.ERROR_CANCELLED,
                "interrupted while waiting for chunk " + index + " of " + TrackStream.this,
                e);
          }
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
