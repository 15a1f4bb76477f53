package dev.tonearm.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.PlaybackException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StreamCache} on real files in a temporary folder. */
class StreamCacheTest {
  private static final int CHUNK_BYTES = 1000;

  @TempDir Path root;

  @Test
  void putThenGet_returnsBytes() throws Exception {
    StreamCache cache = StreamCache.open(root.resolve("cache"), 10 * CHUNK_BYTES);
    byte[] chunk = chunk(1);

    assertThat(cache.put(key(0), chunk, StreamCache.sha256Hex(chunk))).isTrue();

    assertThat(cache.get(key(0), StreamCache.sha256Hex(chunk))).isEqualTo(chunk);
    assertThat(cache.get(key(1), StreamCache.sha256Hex(chunk))).isNull();
    assertThat(cache.sizeBytes()).isEqualTo(CHUNK_BYTES);
  }

  @Test
  void put_wrongDigest_storesNothing() throws Exception {
    StreamCache cache = StreamCache.open(root.resolve("cache"), 10 * CHUNK_BYTES);

    assertThat(cache.put(key(0), chunk(1), StreamCache.sha256Hex(chunk(2)))).isFalse();

    assertThat(cache.contains(key(0))).isFalse();
    assertThat(cache.sizeBytes()).isZero();
  }

  @Test
  void get_fileChangedOnDisk_deletesAndMisses() throws Exception {
    Path dir = root.resolve("cache");
    StreamCache cache = StreamCache.open(dir, 10 * CHUNK_BYTES);
    byte[] chunk = chunk(1);
    cache.put(key(0), chunk, StreamCache.sha256Hex(chunk));
    Files.write(dir.resolve(key(0).fileName()), chunk(9));

    assertThat(cache.get(key(0), StreamCache.sha256Hex(chunk))).isNull();
    assertThat(Files.exists(dir.resolve(key(0).fileName()))).isFalse();
    assertThat(cache.sizeBytes()).isZero();
  }

  @Test
  void digestMismatches_countedPerTrack() throws Exception {
    Path dir = root.resolve("cache");
    StreamCache cache = StreamCache.open(dir, 20 * CHUNK_BYTES);
    ChunkKey otherTrack = new ChunkKey("t-2", "vorbis-96", 0);
    for (int index = 0; index < 5; index++) {
      put(cache, index);
      // Another server's object under the same name has the same track id and other bytes.
      Files.write(dir.resolve(key(index).fileName()), chunk(index + 100));
    }
    cache.put(otherTrack, chunk(0), digest(0));
    Files.write(dir.resolve(otherTrack.fileName()), chunk(100));

    for (int index = 0; index < 5; index++) {
      assertThat(cache.get(key(index), digest(index))).isNull();
    }
    assertThat(cache.get(otherTrack, digest(0))).isNull();
    assertThat(cache.put(key(9), chunk(9), digest(8))).isFalse();

    assertThat(cache.digestMismatchCount("t-1")).isEqualTo(6);
    assertThat(cache.digestMismatchCount("t-2")).isEqualTo(1);
    assertThat(cache.digestMismatchCount("t-3")).isZero();
  }

  @Test
  void digestMismatches_manyTracks_oldestForgotten() throws Exception {
    StreamCache cache = StreamCache.open(root.resolve("cache"), 10 * CHUNK_BYTES);
    int tracks = StreamCache.MAX_MISMATCH_TRACKS + 1;

    for (int track = 0; track < tracks; track++) {
      ChunkKey mismatched = new ChunkKey("t-" + track, "vorbis-96", 0);
      assertThat(cache.put(mismatched, chunk(1), digest(2))).isFalse();
    }

    assertThat(cache.digestMismatchCount("t-0")).as("least recently failed track").isZero();
    assertThat(cache.digestMismatchCount("t-1")).isEqualTo(1);
    assertThat(cache.digestMismatchCount("t-" + (tracks - 1))).isEqualTo(1);
  }

  @Test
  void byteLimit_evictsLeastRecentlyUsed() throws Exception {
    StreamCache cache = StreamCache.open(root.resolve("cache"), 3 * CHUNK_BYTES);
    put(cache, 0);
    put(cache, 1);
    put(cache, 2);
    assertThat(cache.get(key(0), digest(0))).isNotNull(); // 0 is now the most recent.

    put(cache, 3);

    assertThat(cache.keys()).containsExactly(key(2), key(0), key(3));
    assertThat(cache.contains(key(1))).isFalse();
    assertThat(cache.sizeBytes()).isEqualTo(3 * CHUNK_BYTES);
  }

  @Test
  void chunkLargerThanLimit_notStored_nothingEvicted() throws Exception {
    StreamCache cache = StreamCache.open(root.resolve("cache"), 2 * CHUNK_BYTES);
    put(cache, 0);
    byte[] big = new byte[3 * CHUNK_BYTES];

    assertThat(cache.put(key(9), big, StreamCache.sha256Hex(big))).isFalse();
    assertThat(cache.keys()).containsExactly(key(0));
  }

  @Test
  void reopen_keepsEntriesAndRecencyOrder() throws Exception {
    Path dir = root.resolve("cache");
    StreamCache cache = StreamCache.open(dir, 3 * CHUNK_BYTES);
    put(cache, 0);
    put(cache, 1);
    put(cache, 2);
    cache.get(key(0), digest(0));
    cache.close();

    StreamCache reopened = StreamCache.open(dir, 3 * CHUNK_BYTES);
    assertThat(reopened.keys()).containsExactly(key(1), key(2), key(0));
    assertThat(reopened.get(key(2), digest(2))).isEqualTo(chunk(2));
    put(reopened, 3);
    assertThat(reopened.contains(key(1))).as("1 was least recently used").isFalse();
  }

  @Test
  void reopenWithSmallerLimit_evictsOldest() throws Exception {
    Path dir = root.resolve("cache");
    StreamCache cache = StreamCache.open(dir, 3 * CHUNK_BYTES);
    put(cache, 0);
    put(cache, 1);
    put(cache, 2);
    cache.close();

    StreamCache smaller = StreamCache.open(dir, CHUNK_BYTES);

    assertThat(smaller.keys()).containsExactly(key(2));
    assertThat(Files.exists(dir.resolve(key(0).fileName()))).isFalse();
  }

  @Test
  void reopen_withoutIndex_recoversEntriesFromFileNames() throws Exception {
    Path dir = root.resolve("cache");
    StreamCache cache = StreamCache.open(dir, 3 * CHUNK_BYTES);
    put(cache, 0);
    put(cache, 1);
    cache.close();
    Files.delete(dir.resolve(StreamCache.INDEX_FILE_NAME));

    StreamCache reopened = StreamCache.open(dir, 3 * CHUNK_BYTES);

    assertThat(reopened.keys()).containsExactlyInAnyOrder(key(0), key(1));
    assertThat(reopened.sizeBytes()).isEqualTo(2 * CHUNK_BYTES);
  }

  @Test
  void eviction_neverTouchesOfflineFolderBesideIt() throws Exception {
    Path offline = root.resolve("offline");
    Files.createDirectories(offline.resolve("t-1"));
    Path download = offline.resolve("t-1").resolve(key(0).fileName());
    Files.write(download, chunk(7));
    Path offlineIndex = offline.resolve(StreamCache.INDEX_FILE_NAME);
    Files.write(offlineIndex, "offline index".getBytes(StandardCharsets.UTF_8));
    StreamCache cache = StreamCache.open(root.resolve("cache"), 2 * CHUNK_BYTES);

    for (int i = 0; i < 20; i++) {
      put(cache, i);
    }

    assertThat(download).hasBinaryContent(chunk(7));
    assertThat(offlineIndex).hasContent("offline index");
  }

  @Test
  void eviction_foreignFilesInside_untouched() throws Exception {
    Path dir = root.resolve("cache");
    StreamCache cache = StreamCache.open(dir, 2 * CHUNK_BYTES);
    Path nested = dir.resolve("offline");
    Files.createDirectories(nested);
    Path nestedChunk = nested.resolve(key(0).fileName());
    Files.write(nestedChunk, chunk(7));
    Path foreign = dir.resolve("notes.txt");
    Files.write(foreign, chunk(8));

    for (int i = 0; i < 10; i++) {
      put(cache, i);
    }
    cache.close();
    StreamCache reopened = StreamCache.open(dir, CHUNK_BYTES);

    assertThat(nestedChunk).hasBinaryContent(chunk(7));
    assertThat(foreign).hasBinaryContent(chunk(8));
    assertThat(reopened.sizeBytes()).isEqualTo(CHUNK_BYTES);
  }

  @Test
  void open_foreignFolder_rejected() throws Exception {
    Path offline = root.resolve("offline");
    Files.createDirectories(offline);
    Path download = offline.resolve("t-1.flac");
    Files.write(download, chunk(7));

    assertThatThrownBy(() -> StreamCache.open(offline, 10 * CHUNK_BYTES))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_CACHE_DIRECTORY));
    assertThat(download).hasBinaryContent(chunk(7));
    assertThat(offline.resolve(StreamCache.MARKER_FILE_NAME)).doesNotExist();
  }

  @Test
  void open_pathIsFile_rejected() throws Exception {
    Path file = root.resolve("file");
    Files.write(file, chunk(1));

    assertThatThrownBy(() -> StreamCache.open(file, 10 * CHUNK_BYTES))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_CACHE_DIRECTORY));
  }

  @Test
  void open_leftoverTempFile_deleted() throws Exception {
    Path dir = root.resolve("cache");
    StreamCache.open(dir, 10 * CHUNK_BYTES).close();
    Path temp = dir.resolve(key(4).fileName() + ".tmp");
    Files.write(temp, chunk(1));

    StreamCache reopened = StreamCache.open(dir, 10 * CHUNK_BYTES);

    assertThat(temp).doesNotExist();
    assertThat(reopened.keys()).isEmpty();
  }

  @Test
  void chunkKey_fileName_roundTrips() {
    ChunkKey key = new ChunkKey("t-../../etc", "vorbis-160", 12);
    assertThat(key.fileName()).doesNotContain("/").endsWith(".12.chunk");
    assertThat(ChunkKey.parseFileName(key.fileName())).isEqualTo(key);
    assertThat(ChunkKey.parseFileName("../x.chunk")).isNull();
    assertThat(ChunkKey.parseFileName("notes.txt")).isNull();
    char[] longId = new char[ChunkKey.MAX_ID_BYTES + 1];
    Arrays.fill(longId, 'x');
    assertThatThrownBy(() -> new ChunkKey(new String(longId), "r", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closedCache_rejectsUse() throws Exception {
    StreamCache cache = StreamCache.open(root.resolve("cache"), 10 * CHUNK_BYTES);
    cache.close();
    assertThatThrownBy(() -> put(cache, 0)).isInstanceOf(IllegalStateException.class);
  }

  private static ChunkKey key(int index) {
    return new ChunkKey("t-1", "vorbis-96", index);
  }

  private static byte[] chunk(int seed) {
    byte[] bytes = new byte[CHUNK_BYTES];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + seed * 7);
    }
    return bytes;
  }

  private static String digest(int seed) {
    return StreamCache.sha256Hex(chunk(seed));
  }

  private static void put(StreamCache cache, int index) throws Exception {
    assertThat(cache.put(key(index), chunk(index), digest(index))).isTrue();
  }
}
