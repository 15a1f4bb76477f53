package dev.tonearm.offline;

import dev.tonearm.offline.internal.Durable;
import dev.tonearm.offline.internal.TrackFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A test {@link OfflineKeyStore}: one file per key, written with a forced temporary file and an
 * atomic rename, so it is as durable as the contract asks. The real store in the DRM module also
 * encrypts keys at rest; this one keeps the wrapped bytes as delivered. Survives a process kill,
 * which the crash test needs. Thread-safe.
 */
public final class DirectoryKeyStore implements OfflineKeyStore {
  private static final String SUFFIX = ".key";

  private final Path directory;
  private volatile IOException failPuts;

  public DirectoryKeyStore(Path directory) throws IOException {
    this.directory = Files.createDirectories(directory);
  }

  /** Makes every later {@link #put} throw {@code failure}, or stops that when null. */
  public void failPuts(IOException failure) {
    this.failPuts = failure;
  }

  @Override
  public void put(DeviceKey key) throws IOException {
    IOException failure = failPuts;
    if (failure != null) {
      throw failure;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeUTF(key.trackId());
    out.writeUTF(key.keyId());
    byte[] wrapped = key.wrappedKey();
    out.writeInt(wrapped.length);
    out.write(wrapped);
    out.flush();
    Durable.writeAtomically(fileFor(key.trackId()), bytes.toByteArray());
  }

  @Override
  public DeviceKey get(String trackId) throws IOException {
    byte[] content;
    try {
      content = Files.readAllBytes(fileFor(trackId));
    } catch (NoSuchFileException e) {
      return null;
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(content));
    String storedTrackId = in.readUTF();
    String keyId = in.readUTF();
    byte[] wrapped = new byte[in.readInt()];
    in.readFully(wrapped);
    return new DeviceKey(storedTrackId, keyId, wrapped);
  }

  @Override
  public void remove(String trackId) throws IOException {
    Durable.deleteIfExists(fileFor(trackId));
  }

  @Override
  public Set<String> trackIds() throws IOException {
    Set<String> ids = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        try {
          byte[] content = Files.readAllBytes(file);
          ids.add(new DataInputStream(new ByteArrayInputStream(content)).readUTF());
        } catch (NoSuchFileException e) {
          // Removed concurrently.
        }
      }
    }
    return ids;
  }

  private Path fileFor(String trackId) {
    return directory.resolve(TrackFiles.stem(trackId) + SUFFIX);
  }
}
